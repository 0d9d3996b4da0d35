//! The process-wide tokio runtime used by the blocking facade and the Python and Node bindings.
//!
//! Created lazily on first use (never at import), and rebuilt in a child process after `fork`: the
//! parent's worker threads do not exist in the child, so reusing its runtime would hang forever.

use std::future::Future;
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use tokio::runtime::{Builder, Handle, Runtime};

use crate::rng::fork_generation;

struct Current {
    generation: u64,
    runtime: &'static Runtime,
}

static CURRENT: OnceLock<Mutex<Option<Current>>> = OnceLock::new();

/// The process-wide runtime (two worker threads named `openrouter-pkce`), created on first call.
pub fn runtime() -> &'static Runtime {
    let generation = fork_generation();
    let mut slot = CURRENT.get_or_init(|| Mutex::new(None)).lock().unwrap_or_else(|p| p.into_inner());
    if let Some(cur) = slot.as_ref()
        && cur.generation == generation
    {
        return cur.runtime;
    }
    // After a fork the old runtime's threads are gone; it is leaked rather than dropped, since dropping
    // would wait for threads that will never answer.
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("openrouter-pkce")
        .enable_all()
        .build()
        .expect("failed to start the tokio runtime");
    let runtime: &'static Runtime = Box::leak(Box::new(rt));
    *slot = Some(Current { generation, runtime });
    runtime
}

/// A handle to the process-wide runtime.
pub fn handle() -> Handle {
    runtime().handle().clone()
}

/// A future running on the process-wide runtime, awaited from a plain thread.
///
/// Dropping it, or calling [`Pending::cancel`], aborts the future (which closes any port it held).
pub struct Pending<T> {
    rx: mpsc::Receiver<T>,
    abort: tokio::task::AbortHandle,
}

/// What one slice of waiting on a [`Pending`] gave.
pub enum Poll<T> {
    /// The future finished.
    Ready(T),
    /// Still running; wait again (after checking for Ctrl-C, for example).
    NotYet,
}

impl<T: Send + 'static> Pending<T> {
    /// Wait up to `slice` for the result.
    pub fn wait_for(&self, slice: Duration) -> Poll<T> {
        match self.rx.recv_timeout(slice) {
            Ok(v) => Poll::Ready(v),
            Err(mpsc::RecvTimeoutError::Timeout) => Poll::NotYet,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                panic!("the openrouter-pkce task ended without a result")
            }
        }
    }

    /// Wait for the result, however long it takes.
    pub fn wait(self) -> T {
        self.rx.recv().expect("the openrouter-pkce task ended without a result")
    }

    /// Abort the future now.
    pub fn cancel(&self) {
        self.abort.abort();
    }
}

impl<T> Drop for Pending<T> {
    fn drop(&mut self) {
        self.abort.abort();
    }
}

/// Run `fut` on the process-wide runtime; wait for it with [`Pending`].
pub fn spawn<F>(fut: F) -> Pending<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (tx, rx) = mpsc::sync_channel(1);
    let task = runtime().spawn(async move {
        let _ = tx.send(fut.await);
    });
    Pending { rx, abort: task.abort_handle() }
}

/// Run `fut` to completion on the process-wide runtime, blocking this thread.
///
/// Works from any thread, including one that is itself running another async runtime (the future runs
/// on ours, not on the caller's).
pub fn block_on<F>(fut: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    spawn(fut).wait()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_on_works_inside_another_runtime() {
        let outer = Builder::new_current_thread().enable_all().build().unwrap();
        let v = outer.block_on(async { block_on(async { 41 + 1 }) });
        assert_eq!(v, 42);
    }

    #[test]
    fn cancel_aborts() {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let p = spawn(async move {
            let _guard = tx;
            tokio::time::sleep(Duration::from_secs(60)).await;
        });
        assert!(matches!(p.wait_for(Duration::from_millis(10)), Poll::NotYet));
        drop(p);
        // The sender is dropped when the task is aborted.
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected)
        );
    }
}
