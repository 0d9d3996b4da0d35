//! The one random source of the library: a userspace ChaCha12 generator per thread, seeded from the OS,
//! and reseeded in a child process after `fork`.
//!
//! Why not `rand::rng()`? Since rand 0.9 its `ThreadRng` is no longer reseeded after `fork`, so a gunicorn
//! worker or a `multiprocessing` child would hand out the same verifiers as its parent. Why not one
//! `getrandom` syscall per value? It costs ~3x the time of a whole PKCE pair. So we keep a fast userspace
//! generator and make fork detection explicit: a `pthread_atfork` child handler bumps a process-wide
//! generation counter, and every thread's generator reseeds from the OS when it sees a new generation.
//! The child handler only does an atomic add, which is async-signal-safe.

use std::cell::RefCell;
use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};

use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};

static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);
static REGISTER_ATFORK: Once = Once::new();

#[cfg(unix)]
extern "C" fn after_fork_in_child() {
    FORK_GENERATION.fetch_add(1, Ordering::SeqCst);
}

fn register_fork_handler() {
    REGISTER_ATFORK.call_once(|| {
        #[cfg(unix)]
        // SAFETY: registering a handler that performs a single atomic increment; no allocation or locking
        // happens in the child before exec, as POSIX requires of atfork child handlers.
        unsafe {
            libc::pthread_atfork(None, None, Some(after_fork_in_child));
        }
    });
}

struct ForkAwareRng {
    generation: u64,
    rng: StdRng,
}

/// A generator seeded from the OS (the host's `crypto.getRandomValues` in WebAssembly) for this process's
/// fork generation; the host's error when it refuses.
fn seeded_from_os() -> Result<ForkAwareRng, getrandom::Error> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)?;
    Ok(ForkAwareRng { generation: FORK_GENERATION.load(Ordering::SeqCst), rng: StdRng::from_seed(seed) })
}

thread_local! {
    static RNG: RefCell<Option<ForkAwareRng>> = const { RefCell::new(None) };
}

/// A number that changes in a child process after every `fork` (0 in a process that never forked after
/// this library first ran). Caches of threads, runtimes and connections compare it to know they are stale.
#[cfg(feature = "net")]
pub fn fork_generation() -> u64 {
    register_fork_handler();
    FORK_GENERATION.load(Ordering::SeqCst)
}

/// Run `f` on this thread's generator, seeding it from the OS first when it has none or a `fork` made it
/// stale; the host's error when it refuses to seed.
fn with_rng<T>(f: impl FnOnce(&mut StdRng) -> T) -> Result<T, getrandom::Error> {
    register_fork_handler();
    RNG.with(|cell| {
        let mut slot = cell.borrow_mut();
        let current = FORK_GENERATION.load(Ordering::SeqCst);
        if !matches!(slot.as_ref(), Some(r) if r.generation == current) {
            *slot = Some(seeded_from_os()?);
        }
        Ok(f(&mut slot.as_mut().expect("seeded just above").rng))
    })
}

/// Fill `buf` with cryptographically secure random bytes.
///
/// Never repeats across `fork`: a child's first call reseeds from the OS.
pub fn fill(buf: &mut [u8]) {
    // The OS CSPRNG is the only acceptable seed; without it we cannot generate secrets at all.
    with_rng(|rng| rng.fill_bytes(buf)).expect("the operating system's random number generator failed");
}

/// Make sure this thread can draw random bytes, seeding its generator from the host now if it has none:
/// the one fallible door to the random source. A host that refuses randomness in some context — Cloudflare
/// Workers outside a request handler — is `UNSUPPORTED_RUNTIME` here, where `fill` would have to panic
/// (in WebAssembly a trap, which may leave the instance unusable). The WebAssembly binding calls it before
/// every operation that draws; once seeded, a thread never asks the host again (but after a `fork`).
pub fn ensure_random() -> crate::Result<()> {
    with_rng(|_| ()).map_err(|e| crate::Error::UnsupportedRuntime {
        operation: "a random source".into(),
        runtime: "this context".into(),
        reason: format!(
            "the host refused it ({e}); Cloudflare Workers give random numbers only while handling a request, \
             not at a module's top level"
        ),
    })
}

/// `n` random bytes encoded as unpadded base64url (the alphabet of verifiers, nonces and states).
pub fn token(n_bytes: usize) -> String {
    use base64::Engine;
    let mut buf = [0u8; 96];
    let bytes = &mut buf[..n_bytes.min(96)];
    fill(bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ensure_random_seeds_once_and_the_stream_goes_on() {
        ensure_random().unwrap();
        let a = token(16);
        ensure_random().unwrap();
        assert_ne!(token(16), a);
        std::thread::spawn(|| {
            ensure_random().unwrap();
            assert!(RNG.with(|c| c.borrow().is_some()));
        })
        .join()
        .unwrap();
    }

    #[test]
    fn tokens_are_distinct_and_url_safe() {
        let a = token(16);
        let b = token(16);
        assert_ne!(a, b);
        assert_eq!(a.len(), 22);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn threads_get_distinct_streams() {
        let handles: Vec<_> = (0..8).map(|_| std::thread::spawn(|| token(32))).collect();
        let mut all: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 8);
    }

    /// A real fork: the child must not produce what the parent produces next. Unix only: Windows has no
    /// fork (a new process starts with a fresh generator).
    #[cfg(unix)]
    #[test]
    fn child_after_fork_does_not_repeat_parent() {
        use std::io::Read;
        use std::os::fd::FromRawFd;
        // Warm the generator so the parent's state is what a child would inherit.
        let _ = token(32);
        let mut fds = [0i32; 2];
        // SAFETY: plain pipe/fork/write/_exit; the child only calls our generator and async-signal-safe
        // functions on memory it owns, then exits without running destructors.
        unsafe {
            assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
            let pid = libc::fork();
            assert!(pid >= 0);
            if pid == 0 {
                libc::close(fds[0]);
                let mut buf = [0u8; 32];
                fill(&mut buf);
                libc::write(fds[1], buf.as_ptr().cast(), 32);
                libc::_exit(0);
            }
            libc::close(fds[1]);
            let mut parent = [0u8; 32];
            fill(&mut parent);
            let mut child = [0u8; 32];
            let mut f = std::fs::File::from_raw_fd(fds[0]);
            f.read_exact(&mut child).unwrap();
            let mut status = 0;
            libc::waitpid(pid, &mut status, 0);
            assert_ne!(parent, child, "the forked child repeated the parent's random bytes");
        }
    }
}
