//! The `openrouter-pkce` command line (the core's `cli`), run from the package's `bin` script.

use std::ffi::OsString;
use std::sync::{Mutex, OnceLock};

use napi::bindgen_prelude::*;
use napi_derive::napi;
use tokio::sync::oneshot;

use crate::settle::spawn_promise;

fn cli_cancel_slot() -> &'static Mutex<Option<oneshot::Sender<()>>> {
    static SLOT: OnceLock<Mutex<Option<oneshot::Sender<()>>>> = OnceLock::new();
    SLOT.get_or_init(Default::default)
}

/// Run the `openrouter-pkce` command line with `argv` (the first item is the program name) on its own
/// thread; resolves to the exit code. `_cliCancel()` cancels it (a login ends with exit code 130).
#[napi(js_name = "_cliMain", ts_return_type = "Promise<number>")]
pub fn cli_main(env: &Env, argv: Vec<String>) -> Result<PromiseRaw<'_, i32>> {
    let args: Vec<OsString> = argv.into_iter().map(OsString::from).collect();
    let spawned = openrouter_pkce::cli::spawn(args)
        .map_err(|e| Error::from_reason(format!("cannot start the command line thread: {e}")))?;
    *cli_cancel_slot().lock().unwrap_or_else(|p| p.into_inner()) = Some(spawned.cancel);
    let exit = spawned.exit;
    spawn_promise(env, None, async move { Ok(exit.await) })
}

/// Cancel the running command (as Ctrl-C does).
#[napi(js_name = "_cliCancel")]
pub fn cli_cancel() {
    if let Some(tx) = cli_cancel_slot().lock().unwrap_or_else(|p| p.into_inner()).take() {
        let _ = tx.send(());
    }
}
