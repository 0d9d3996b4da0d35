//! What the suites that run the `openrouter-pkce` command share (`cli.rs`, `credentials.rs`): its path and
//! the emulator run as `openrouter-pkce emulator`, in a process of its own.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The command under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_openrouter-pkce");

/// `openrouter-pkce emulator` in the background; stopped when dropped.
pub struct RunningEmulator {
    child: Child,
    /// Its base URL, the first line it prints.
    pub base_url: String,
}

impl RunningEmulator {
    /// Start it and wait for its base URL.
    pub fn start() -> RunningEmulator {
        let mut child = Command::new(BIN)
            .arg("emulator")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        RunningEmulator { child, base_url: line.trim().to_owned() }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        // SIGTERM stops it cleanly; it must exit 0.
        #[cfg(unix)]
        {
            unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
            let status = self.child.wait().unwrap();
            if !std::thread::panicking() {
                assert!(status.success(), "{status}");
            }
        }
        // Windows has no SIGTERM; a console program is ended (TerminateProcess), as a service manager does.
        #[cfg(windows)]
        {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
