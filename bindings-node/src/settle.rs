//! Promises settled from the tokio runtime through **one** threadsafe function per JS thread that Node's
//! teardown cannot pull from under a late completion, and their cancellation by an `AbortSignal`.
//!
//! Why not napi-rs's `async fn` / `Env::spawn_future`: in napi 3.4 (the newest release that builds with
//! this workspace's `rust-version`) each call's promise is settled through a threadsafe function with no
//! teardown guard, so a call that finishes after its worker thread was terminated calls into a freed
//! function and the whole process aborts (napi-rs/napi-rs#2460, fixed upstream in later releases;
//! pinned by `tests/node/cancel.test.mjs`, "a worker terminated with calls in flight"). Here:
//!
//! - every promise of a JS thread is settled through the same threadsafe function, referenced only while
//!   a promise is pending (an idle binding never keeps the process alive);
//! - when Node tears the environment down (process or worker exit) it finalizes that function and may
//!   free it; [`finalize`] marks [`Shared::raw`] `None` under the lock that every [`queue`] holds across its
//!   call into Node, so a runtime thread finishing late drops its result instead of touching freed memory;
//! - items still queued at teardown reach [`call_js`] with a null env and are only freed.
//!
//! Sharing one function was also meant to lower the event-loop delay under load (issue 11 item 11); it
//! measured the same as one function per call (docs/benchmarks.md).
//!
//! Cancellation: the JS layer passes a `cancelId` and calls `_cancel(id)` when the signal aborts; the
//! future is dropped at once (closing whatever it held: a connection, a login's port) and the promise
//! rejects with the core's `CANCELLED`. Ids are counted by each JS thread (every worker starts at 1), so the
//! switches are kept per thread: one worker's abort never reaches another worker's call.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ffi::c_void;
use std::future::Future;
use std::ptr;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::ThreadId;

use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;
use tokio::sync::oneshot;

use crate::error::Failure;

/// Turns the future's output into a JS value on the JS thread (or an error to reject with).
type Settle = Box<dyn FnOnce(sys::napi_env) -> std::result::Result<sys::napi_value, Failure> + Send>;

/// One finished call, queued into the shared threadsafe function.
struct Completion {
    /// The promise's `napi_deferred` (only ever touched on the JS thread).
    deferred: usize,
    settle: Settle,
}

/// One JS thread's shared threadsafe function.
struct Shared {
    /// The `napi_threadsafe_function` while it is open; `None` once [`finalize`] ran (on the JS thread,
    /// when Node tears the function down with its environment), after which it may be freed. [`queue`]
    /// holds this lock across its call into Node, so the two never overlap.
    raw: Mutex<Option<usize>>,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<usize>> {
        self.raw.lock().unwrap_or_else(|p| p.into_inner())
    }
}

thread_local! {
    /// This JS thread's shared threadsafe function, created on first use.
    static SHARED: RefCell<Option<Arc<Shared>>> = const { RefCell::new(None) };
    /// Promises of this JS thread not settled yet: the threadsafe function is referenced while > 0.
    static PENDING: Cell<usize> = const { Cell::new(0) };
}

/// The shared threadsafe function of the JS thread that owns `env`, created (unreferenced) on first use,
/// and again if Node closed the previous one with its environment.
fn shared(env: sys::napi_env) -> Result<Arc<Shared>> {
    if let Some(existing) = SHARED.with(|s| s.borrow().clone())
        && existing.lock().is_some()
    {
        return Ok(existing);
    }
    let new = Arc::new(Shared { raw: Mutex::new(None) });
    // `finalize`'s own reference, taken back by it exactly once.
    let finalize_data = Arc::into_raw(new.clone()).cast_mut().cast::<c_void>();
    let mut name = ptr::null_mut();
    let mut tsfn = ptr::null_mut();
    // SAFETY: called on the JS thread with its live env; the name is a valid C string; `call_js` is the
    // callback for every queued item, so no JS function is needed.
    let created = unsafe {
        check_status!(sys::napi_create_string_utf8(env, c"openrouter_pkce_settle".as_ptr(), 22, &mut name))
            .and_then(|()| {
                check_status!(sys::napi_create_threadsafe_function(
                    env,
                    ptr::null_mut(),
                    ptr::null_mut(),
                    name,
                    0,
                    1,
                    finalize_data,
                    Some(finalize),
                    ptr::null_mut(),
                    Some(call_js),
                    &mut tsfn,
                ))
            })
    };
    if let Err(e) = created {
        // SAFETY: Node did not take it (no function was created), so the reference is still ours.
        drop(unsafe { Arc::from_raw(finalize_data.cast::<Shared>()) });
        return Err(e);
    }
    // SAFETY: JS thread, live env, the TSFN just created. Idle, it must not keep the event loop alive;
    // `pending_started` references it while a promise is pending.
    check_status!(unsafe { sys::napi_unref_threadsafe_function(env, tsfn) })?;
    *new.lock() = Some(tsfn as usize);
    PENDING.with(|p| p.set(0));
    SHARED.with(|s| *s.borrow_mut() = Some(new.clone()));
    Ok(new)
}

/// Node finalizes the threadsafe function (environment teardown): from now on it may be freed.
unsafe extern "C" fn finalize(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the `Arc<Shared>` reference `shared` handed to Node; Node finalizes once.
    let shared = unsafe { Arc::from_raw(data.cast::<Shared>()) };
    *shared.lock() = None;
}

/// A promise of this JS thread starts: the shared function is referenced (the process stays alive) from
/// the first pending promise on.
fn pending_started(env: sys::napi_env, shared: &Shared) -> Result<()> {
    let before = PENDING.with(|p| {
        let n = p.get();
        p.set(n + 1);
        n
    });
    if before == 0
        && let Some(raw) = *shared.lock()
    {
        // SAFETY: JS thread, live env, an open TSFN this thread created.
        check_status!(unsafe {
            sys::napi_ref_threadsafe_function(env, raw as sys::napi_threadsafe_function)
        })?;
    }
    Ok(())
}

/// A promise of this JS thread settled: with none left, the shared function no longer keeps the process
/// alive.
fn pending_ended(env: sys::napi_env) {
    let after = PENDING.with(|p| {
        let n = p.get().saturating_sub(1);
        p.set(n);
        n
    });
    if after != 0 {
        return;
    }
    let open = SHARED.with(|s| s.borrow().as_ref().and_then(|shared| *shared.lock()));
    if let Some(raw) = open {
        // SAFETY: JS thread, live env, an open TSFN this thread created.
        unsafe { sys::napi_unref_threadsafe_function(env, raw as sys::napi_threadsafe_function) };
    }
}

/// Runs on the JS thread for every completion.
unsafe extern "C" fn call_js(
    env: sys::napi_env,
    _js_cb: sys::napi_value,
    _ctx: *mut c_void,
    data: *mut c_void,
) {
    if data.is_null() {
        return;
    }
    // SAFETY: every item queued is a `Box<Completion>` leaked by `queue`.
    let completion = unsafe { Box::from_raw(data.cast::<Completion>()) };
    if env.is_null() {
        // The environment is being torn down: nothing to settle any more.
        return;
    }
    pending_ended(env);
    let deferred = completion.deferred as sys::napi_deferred;
    match (completion.settle)(env) {
        // SAFETY: JS thread, live env; each deferred is settled exactly once.
        Ok(value) => unsafe {
            sys::napi_resolve_deferred(env, deferred, value);
        },
        Err(failure) => unsafe {
            let error = failure.into_value(env);
            sys::napi_reject_deferred(env, deferred, error);
        },
    }
}

/// Queue a completion from any thread. Never blocks: the queue is unbounded. After Node closed the
/// function (environment teardown) the completion is dropped: there is no JS left to settle.
fn queue(shared: &Shared, completion: Completion) {
    let mut raw = shared.lock();
    let Some(tsfn) = *raw else { return };
    let data = Box::into_raw(Box::new(completion));
    // SAFETY: `raw` is Some, so `finalize` has not run and cannot run while we hold the lock: the TSFN is
    // alive. Nonblocking on an unbounded queue never waits.
    let status = unsafe {
        sys::napi_call_threadsafe_function(
            tsfn as sys::napi_threadsafe_function,
            data.cast(),
            sys::ThreadsafeFunctionCallMode::nonblocking,
        )
    };
    if status != sys::Status::napi_ok {
        // Not queued, so still ours. `napi_closing`: Node is tearing it down; never call it again.
        drop(unsafe { Box::from_raw(data) });
        if status == sys::Status::napi_closing {
            *raw = None;
        }
    }
}

/// Settles the promise with an error if the task ends without an outcome (a panic, a runtime shutting
/// down), so no promise stays pending and no reference keeps the process alive.
struct Unsettled {
    shared: Arc<Shared>,
    deferred: Option<usize>,
}

impl Drop for Unsettled {
    fn drop(&mut self) {
        if let Some(deferred) = self.deferred.take() {
            let settle: Settle = Box::new(|_| {
                Err(Failure::Core(openrouter_pkce::Error::Network {
                    detail: "the call ended without an outcome (internal error)".into(),
                    source: None,
                }))
            });
            queue(&self.shared, Completion { deferred, settle });
        }
    }
}

/// The cancel switches of running calls, by JS thread and the id its JS layer chose.
type CancelKey = (ThreadId, u32);

fn cancels() -> &'static Mutex<HashMap<CancelKey, oneshot::Sender<()>>> {
    static CANCELS: OnceLock<Mutex<HashMap<CancelKey, oneshot::Sender<()>>>> = OnceLock::new();
    CANCELS.get_or_init(Default::default)
}

/// Removes a call's cancel switch however the call ends.
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

/// Run `fut` on the runtime and return a promise settled through the shared threadsafe function; with a
/// `cancel_id`, `_cancel(id)` drops the future and rejects with `CANCELLED` at once.
pub(crate) fn spawn_promise<'env, T, F>(
    env: &'env Env,
    cancel_id: Option<u32>,
    fut: F,
) -> Result<PromiseRaw<'env, T>>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = std::result::Result<T, Failure>> + Send + 'static,
{
    let raw_env = env.raw();
    let shared = shared(raw_env)?;
    let mut deferred = ptr::null_mut();
    let mut promise = ptr::null_mut();
    // SAFETY: JS thread, live env.
    check_status!(unsafe { sys::napi_create_promise(raw_env, &mut deferred, &mut promise) })?;
    pending_started(raw_env, &shared)?;
    let key = cancel_id.map(|id| (std::thread::current().id(), id));
    let cancelled = key.map(|key| {
        let (tx, rx) = oneshot::channel::<()>();
        cancels().lock().unwrap_or_else(|p| p.into_inner()).insert(key, tx);
        rx
    });
    let registered = Registered(key);
    let unsettled = Unsettled { shared, deferred: Some(deferred as usize) };
    napi::bindgen_prelude::spawn(async move {
        // Moved in whole (not just the field the body touches), so its `Drop` runs only with the task.
        let mut unsettled = unsettled;
        let _registered = registered;
        let result = match cancelled {
            Some(rx) => tokio::select! {
                biased;
                Ok(()) = rx => Err(Failure::Core(openrouter_pkce::Error::aborted())),
                r = fut => r,
            },
            None => fut.await,
        };
        let settle: Settle = Box::new(move |env| {
            // SAFETY: runs on the JS thread with its live env.
            result.and_then(|value| unsafe { T::to_napi_value(env, value) }.map_err(Failure::Napi))
        });
        if let Some(deferred) = unsettled.deferred.take() {
            queue(&unsettled.shared, Completion { deferred, settle });
        }
    });
    // SAFETY: `promise` is the live promise value just created in this env.
    unsafe { PromiseRaw::from_napi_value(raw_env, promise) }
}
