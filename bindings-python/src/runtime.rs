//! Running core futures for Python: sync calls that release the GIL and stay interruptible, and async
//! twins that hand back an asyncio future completed from the core's runtime.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use openrouter_pkce::runtime::{self, Poll};
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyCFunction;

use crate::error::{IntoPyResult, interrupted, to_py_err};

/// Seconds from Python; NaN, negative or huge values become zero, which the core refuses with its own
/// INVALID_ARGUMENT error.
pub(crate) fn duration_arg(seconds: f64) -> Duration {
    Duration::try_from_secs_f64(seconds).unwrap_or(Duration::ZERO)
}

/// How long a sync call waits with the GIL released before it checks for Ctrl-C again.
pub const SLICE: Duration = Duration::from_millis(50);

/// The binding's one GIL-free wait: `wait` runs with the GIL released (at most about one [`SLICE`]) on
/// `state`, then `handle` gets what it returned, with the GIL held (to check for Ctrl-C, run a UI event),
/// until `handle` answers. `state` travels into each slice and back, so it needs only be `Send`.
pub fn in_slices<S, E, R>(
    py: Python<'_>,
    mut state: S,
    wait: impl Fn(&mut S) -> E + Sync,
    mut handle: impl FnMut(&mut S, E) -> Option<PyResult<R>>,
) -> PyResult<R>
where
    S: Send,
    E: Send,
{
    loop {
        let (s, event) = py.detach(|| {
            let event = wait(&mut state);
            (state, event)
        });
        state = s;
        if let Some(done) = handle(&mut state, event) {
            return done;
        }
    }
}

/// Run `fut` on the core's runtime and wait for it with the GIL released, checking for signals between
/// short slices. On Ctrl-C the core future is aborted (dropping the `Pending`) and CANCELLED is raised.
pub fn wait<F, T>(py: Python<'_>, fut: F) -> PyResult<T>
where
    F: Future<Output = openrouter_pkce::Result<T>> + Send + 'static,
    T: Send + 'static,
{
    in_slices(
        py,
        runtime::spawn(fut),
        |p| p.wait_for(SLICE),
        |pending, poll| match poll {
            Poll::Ready(result) => Some(result.py(py)),
            Poll::NotYet => py.check_signals().err().map(|e| {
                pending.cancel();
                Err(interrupted(py, e))
            }),
        },
    )
}

/// Resolves an asyncio future on its loop's thread, unless it was cancelled meanwhile.
#[pyfunction]
fn _resolve_future(fut: &Bound<'_, PyAny>, ok: bool, value: Bound<'_, PyAny>) -> PyResult<()> {
    if fut.call_method0("done")?.is_truthy()? {
        return Ok(());
    }
    if ok {
        fut.call_method1("set_result", (value,))?
    } else {
        fut.call_method1("set_exception", (value,))?
    };
    Ok(())
}

/// Aborts the core task when its asyncio future is cancelled (a done-callback).
#[pyclass(frozen, name = "_AbortOnCancel", module = "openrouter_pkce._native")]
struct AbortOnCancel {
    abort: tokio::task::AbortHandle,
}

#[pymethods]
impl AbortOnCancel {
    fn __call__(&self, fut: &Bound<'_, PyAny>) -> PyResult<()> {
        if fut.call_method0("cancelled")?.is_truthy()? {
            self.abort.abort();
        }
        Ok(())
    }
}

/// Runtime threads delivering something to Python right now, and whether Python is shutting down.
static IN_PYTHON: AtomicUsize = AtomicUsize::new(0);
static SHUTTING_DOWN: AtomicBool = AtomicBool::new(false);

/// Run `f` with the GIL from one of the core's runtime threads (delivering a result or a UI event to an
/// asyncio loop), unless Python is shutting down.
///
/// A thread that takes the GIL once the interpreter is finalizing is ended by CPython with
/// `pthread_exit`, which unwinds through `f` and drops Python objects without the GIL: a segfault at exit
/// after an `await` of ours. [`_quiesce`] (an `atexit` hook, which runs before finalization) stops new
/// deliveries and waits for the ones in flight, so no runtime thread is in Python when it finalizes.
pub(crate) fn deliver(f: impl FnOnce(Python<'_>) -> PyResult<()>) {
    IN_PYTHON.fetch_add(1, Ordering::SeqCst);
    if !SHUTTING_DOWN.load(Ordering::SeqCst) {
        let _ = Python::try_attach(f);
    }
    IN_PYTHON.fetch_sub(1, Ordering::SeqCst);
}

/// Internal (an `atexit` hook): no more deliveries to Python; wait (up to 2 s, GIL released) for those in
/// flight to leave Python.
#[pyfunction]
fn _quiesce(py: Python<'_>) {
    SHUTTING_DOWN.store(true, Ordering::SeqCst);
    py.detach(|| {
        let deadline = Instant::now() + Duration::from_secs(2);
        while IN_PYTHON.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static RESOLVER: PyOnceLock<Py<PyCFunction>> = PyOnceLock::new();

/// Register the module-private helpers.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_resolve_future, m)?)?;
    m.add_function(wrap_pyfunction!(_quiesce, m)?)?;
    // Registered here, so any import of the extension is covered.
    py_atexit_register(m)?;
    m.add_class::<AbortOnCancel>()?;
    Ok(())
}

fn py_atexit_register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.py().import("atexit")?.call_method1("register", (m.getattr("_quiesce")?,))?;
    Ok(())
}

/// Run `fut` on the core's runtime and return an awaitable asyncio future of the running loop.
///
/// The result is delivered with `loop.call_soon_threadsafe`; cancelling the asyncio future aborts the
/// core task (which closes anything it held open).
pub fn future<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = openrouter_pkce::Result<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    let get_loop = GET_RUNNING_LOOP.import(py, "asyncio", "get_running_loop")?;
    let event_loop = get_loop.call0()?;
    let py_fut = event_loop.call_method0("create_future")?;
    let resolver = RESOLVER
        .get_or_try_init(py, || -> PyResult<_> {
            let m = py.import("openrouter_pkce._native")?;
            Ok(m.getattr("_resolve_future")?.cast_into::<PyCFunction>()?.unbind())
        })?
        .clone_ref(py);
    let (loop_ref, fut_ref) = (event_loop.clone().unbind(), py_fut.clone().unbind());
    let handle = runtime::handle();
    let task = handle.spawn(fut);
    let abort = task.abort_handle();
    handle.spawn(async move {
        let joined = task.await;
        deliver(|py| -> PyResult<()> {
            let (ok, value): (bool, Py<PyAny>) = match joined {
                Ok(Ok(v)) => (true, v.into_py_any(py)?),
                Ok(Err(e)) => (false, to_py_err(py, &e).into_value(py).into_any()),
                // Cancelled through the asyncio future: nobody is waiting any more.
                Err(e) if e.is_cancelled() => return Ok(()),
                Err(_) => (
                    false,
                    pyo3::exceptions::PyRuntimeError::new_err("openrouter-pkce: the operation panicked")
                        .into_value(py)
                        .into_any(),
                ),
            };
            // Fails only when the loop is closed; then nobody is waiting either.
            loop_ref.bind(py).call_method1("call_soon_threadsafe", (resolver, fut_ref, ok, value))?;
            Ok(())
        });
    });
    py_fut.call_method1("add_done_callback", (AbortOnCancel { abort },))?;
    Ok(py_fut)
}
