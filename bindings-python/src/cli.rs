//! The `openrouter-pkce` command line (the core's `cli`), run from Python's console script.

use openrouter_pkce as core;
use openrouter_pkce::runtime::Poll;
use pyo3::prelude::*;

use crate::runtime::{SLICE, in_slices};

/// Run the `openrouter-pkce` command line with `argv` (program name first) and return its exit code.
///
/// The command runs on its own thread; this thread waits with the GIL released and checks for signals
/// between slices. Ctrl-C (a KeyboardInterrupt) cancels the command, which then ends with exit code 130.
#[pyfunction]
fn cli_main(py: Python<'_>, argv: Vec<String>) -> PyResult<i32> {
    let core::cli::Spawned { cancel, exit } = core::cli::spawn(argv.into_iter().map(Into::into).collect())
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(format!("cannot start the command: {e}")))?;
    let mut cancel = Some(cancel);
    let mut raised: Option<PyErr> = None;
    in_slices(
        py,
        core::runtime::spawn(exit),
        |p| p.wait_for(SLICE),
        |_, poll| match poll {
            Poll::Ready(code) => Some(raised.take().map_or(Ok(code), Err)),
            Poll::NotYet => {
                if let Err(e) = py.check_signals() {
                    if let Some(tx) = cancel.take() {
                        let _ = tx.send(());
                    }
                    // Ctrl-C is the command's own CANCELLED (exit 130); anything else a handler raised
                    // is raised once the command has stopped.
                    if !e.is_instance_of::<pyo3::exceptions::PyKeyboardInterrupt>(py) && raised.is_none() {
                        raised = Some(e);
                    }
                }
                None
            }
        },
    )
}

/// Register this file's function.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(cli_main, m)?)?;
    Ok(())
}
