//! The promises of the async calls, and their cancellation by an `AbortSignal`.
//!
//! A promise is napi-rs's own ([`Env::spawn_future_with_callback`]): the future runs on napi's tokio
//! runtime and the promise is settled through a threadsafe function that napi-rs guards against the
//! environment's teardown since 3.11 (napi-rs/napi-rs#3404 and #3408, fixing #2460), so a call that
//! finishes after its worker thread was terminated, or during `process.exit`, is dropped instead of
//! touching freed memory (pinned by `tests/node/cancel.test.mjs`, "a worker terminated with calls in
//! flight"). Until napi 3.4 this module settled the promises itself through a threadsafe function of its
//! own with that guard (16 `unsafe` blocks); none is left here.
//!
//! What napi-rs does not do, and this module still does:
//!
//! - **the rejection is the core's error** as the JS layer's `OpenRouterPkceError` (code, status, OAuth
//!   fields): the future yields the core's result, and the callback, on the JS thread, builds the error
//!   there ([`Failure::into_napi`]) for napi-rs to reject with as it is;
//! - **cancellation by id**: napi-rs cancels only its libuv `AsyncTask`s by `AbortSignal`, not futures.
//!   The JS layer passes a `cancelId` and calls `_cancel(id)` when the signal aborts; the future is dropped
//!   at once (closing whatever it held: a connection, a login's port) and the promise rejects with the
//!   core's `CANCELLED`. Ids are counted by each JS thread (every worker starts at 1), so the switches are
//!   kept per thread: one worker's abort never reaches another worker's call.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Mutex, OnceLock};
use std::thread::ThreadId;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use tokio::sync::oneshot;

use crate::error::Failure;

/// The cancel switches of running calls, by JS thread and the id its JS layer chose.
type CancelKey = (ThreadId, u32);

fn cancels() -> &'static Mutex<HashMap<CancelKey, oneshot::Sender<()>>> {
    static CANCELS: OnceLock<Mutex<HashMap<CancelKey, oneshot::Sender<()>>>> = OnceLock::new();
    CANCELS.get_or_init(Default::default)
}

/// Removes a call's cancel switch however the call ends (its future dropped included).
struct Registered(Option<CancelKey>);

impl Drop for Registered {
    fn drop(&mut self) {
        if let Some(key) = self.0 {
            cancels().lock().unwrap_or_else(|p| p.into_inner()).remove(&key);
        }
    }
}

/// End the running call `id` of this JS thread at once with `CANCELLED` (what it held is dropped: a
/// login's port closes). Unknown or finished ids are ignored.
#[napi(js_name = "_cancel")]
pub fn cancel(id: u32) {
    let key = (std::thread::current().id(), id);
    if let Some(tx) = cancels().lock().unwrap_or_else(|p| p.into_inner()).remove(&key) {
        let _ = tx.send(());
    }
}

/// Run `fut` on napi's runtime and return its promise; with a `cancel_id`, `_cancel(id)` drops the
/// future and rejects with `CANCELLED` at once. A core error rejects as an `OpenRouterPkceError`.
pub(crate) fn spawn_promise<'env, T, F>(
    env: &'env Env,
    cancel_id: Option<u32>,
    fut: F,
) -> Result<PromiseRaw<'env, T>>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = std::result::Result<T, Failure>> + Send + 'static,
{
    let key = cancel_id.map(|id| (std::thread::current().id(), id));
    let cancelled = key.map(|key| {
        let (tx, rx) = oneshot::channel::<()>();
        cancels().lock().unwrap_or_else(|p| p.into_inner()).insert(key, tx);
        rx
    });
    let registered = Registered(key);
    let outcome = async move {
        let _registered = registered;
        let result = match cancelled {
            Some(rx) => tokio::select! {
                biased;
                Ok(()) = rx => Err(Failure::Core(openrouter_pkce::Error::aborted())),
                r = fut => r,
            },
            None => fut.await,
        };
        // napi-rs would reject a failure with its own error here, off the JS thread: the outcome goes to
        // the callback whole, and the error is built there.
        Ok(result)
    };
    env.spawn_future_with_callback(outcome, |_env, result| result.map_err(Failure::into_napi))
}
