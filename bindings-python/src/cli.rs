//! The `openrouter-pkce` command line (the core's `cli`), run from Python's console script.

use std::sync::mpsc;

use openrouter_pkce as core;
use pyo3::prelude::*;
use tokio::sync::oneshot;

use crate::runtime::SLICE;

/// Run the `openrouter-pkce` command line with `argv` (program name first) and return its exit code.
///
/// The command runs on its own thread; this thread waits with the GIL released and checks for signals
/// between slices. Ctrl-C (a KeyboardInterrupt) cancels the command, which then ends with exit code 130.
#[pyfunction]
fn cli_main(py: Python<'_>, argv: Vec<String>) -> PyResult<i32> {
    let (cancel_tx, cancel_rx) = oneshot::channel::<()>();
    let (done_tx, mut done_rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("openrouter-pkce-cli".into())
        .spawn(move || {
            let cancel = async move {
                if cancel_rx.await.is_err() {
                    std::future::pending::<()>().await;
                }
            };
            let code = core::cli::run_with_cancel(argv.into_iter().map(Into::into), cancel);
            let _ = done_tx.send(code);
        })
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(format!("cannot start the command: {e}")))?;
    let mut cancel_tx = Some(cancel_tx);
    let mut raised: Option<PyErr> = None;
    loop {
        let (rx, got) = py.detach(move || {
            let got = done_rx.recv_timeout(SLICE);
            (done_rx, got)
        });
        done_rx = rx;
        match got {
            Ok(code) => {
                return match raised {
                    Some(e) => Err(e),
                    None => Ok(code),
                };
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Err(e) = py.check_signals() {
                    if let Some(tx) = cancel_tx.take() {
                        let _ = tx.send(());
                    }
                    // Ctrl-C is the command's own CANCELLED (exit 130); anything else a handler raised
                    // is raised once the command has stopped.
                    if !e.is_instance_of::<pyo3::exceptions::PyKeyboardInterrupt>(py) && raised.is_none() {
                        raised = Some(e);
                    }
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(pyo3::exceptions::PyRuntimeError::new_err(
                    "the command ended without an exit code",
                ));
            }
        }
    }
}

/// Register this file's function.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(cli_main, m)?)?;
    Ok(())
}
