//! The terminal UI of the command line: URL and status on stderr, pasted lines from stdin.
//!
//! Reading stdin blocks, and a blocked read cannot be cancelled. So one process-wide reader thread reads a
//! line only when asked, and a question abandoned by a finished login leaves its request outstanding: the
//! next question receives that line instead of starting a second reader that would race the first.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::sync::{Arc, OnceLock, mpsc};

use tokio::sync::{Mutex, oneshot};

use super::ui::{LineFuture, LoginUi};

/// Talks to the user on the terminal: the URL and messages go to stderr (stdout stays for results), pasted
/// lines come from stdin.
#[derive(Debug, Clone, Copy, Default)]
pub struct TerminalUi;

impl LoginUi for TerminalUi {
    fn show_url(&self, url: &str, headless: bool) {
        let what = crate::contract::url_heading(headless, false);
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "\n{what}\n\n    {url}\n");
    }

    fn message(&self, text: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }

    fn can_paste(&self) -> bool {
        std::io::stdin().is_terminal()
    }

    fn read_line(&self, prompt: &str) -> LineFuture {
        {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "{prompt}");
            let _ = err.flush();
        }
        Box::pin(async move {
            let line = reader().next_line().await;
            if line.is_none() {
                // End of input: finish the prompt's line so what follows starts on its own.
                let _ = writeln!(std::io::stderr().lock());
            }
            line
        })
    }
}

/// The single stdin reader: one request in, one line out.
struct StdinReader {
    requests: std::sync::Mutex<mpsc::Sender<oneshot::Sender<Option<String>>>>,
    /// The answer to the outstanding request, if a previous question was abandoned.
    pending: Arc<Mutex<Option<oneshot::Receiver<Option<String>>>>>,
}

fn reader() -> &'static StdinReader {
    static READER: OnceLock<StdinReader> = OnceLock::new();
    READER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<oneshot::Sender<Option<String>>>();
        std::thread::Builder::new()
            .name("openrouter-pkce-stdin".into())
            .spawn(move || {
                let mut eof = false;
                for answer in rx {
                    let line = if eof { None } else { read_stdin_line() };
                    eof = line.is_none();
                    let _ = answer.send(line);
                }
            })
            .expect("failed to start the stdin reader thread");
        StdinReader { requests: std::sync::Mutex::new(tx), pending: Arc::new(Mutex::new(None)) }
    })
}

/// One pasted line; bytes that are not UTF-8 become U+FFFD, so the core refuses the line as a malformed
/// paste (and asks again) without echoing it. `None` at end of input or when stdin cannot be read.
fn read_stdin_line() -> Option<String> {
    match read_line_bounded(&mut std::io::stdin().lock(), crate::response::MAX_RESPONSE_LEN) {
        Ok(Some(line)) => Some(String::from_utf8_lossy(&line).into_owned()),
        Ok(None) | Err(_) => None,
    }
}

/// One line of `input` without its line ending, reading at most `max + 1` bytes: a longer line comes back
/// cut at `max + 1` bytes (the rest left unread), so the caller's length check refuses it and an endless
/// line (`< /dev/zero`) costs bounded memory. `Ok(None)` at end of input.
pub(crate) fn read_line_bounded(input: &mut impl BufRead, max: usize) -> std::io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    if input.by_ref().take(limit).read_until(b'\n', &mut line)? == 0 {
        return Ok(None);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
    }
    Ok(Some(line))
}

impl StdinReader {
    async fn next_line(&self) -> Option<String> {
        let mut slot = Arc::clone(&self.pending).lock_owned().await;
        let rx = match slot.take() {
            Some(rx) => rx,
            None => {
                let (tx, rx) = oneshot::channel();
                let sent = self.requests.lock().unwrap_or_else(|p| p.into_inner()).send(tx);
                if sent.is_err() {
                    return None;
                }
                rx
            }
        };
        let mut wait = Outstanding { slot, rx: Some(rx) };
        let result = wait.rx.as_mut().expect("set just above").await.ok().flatten();
        wait.rx = None;
        result
    }
}

/// An outstanding request: if the question is abandoned (the future dropped) while waiting, its receiver
/// goes back into the shared slot so the line typed later answers the next question.
struct Outstanding {
    slot: tokio::sync::OwnedMutexGuard<Option<oneshot::Receiver<Option<String>>>>,
    rx: Option<oneshot::Receiver<Option<String>>>,
}

impl Drop for Outstanding {
    fn drop(&mut self) {
        if let Some(rx) = self.rx.take() {
            *self.slot = Some(rx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::read_line_bounded;

    /// Issue 17 item 6: a line is read with a bound (an endless one costs `max + 1` bytes, not all memory),
    /// and bytes that are not UTF-8 reach the caller as bytes, to be refused without an echo.
    #[test]
    fn lines_are_read_with_a_bound() {
        let mut input = &b"abc\r\nsecond\n\xffx\nlast"[..];
        assert_eq!(read_line_bounded(&mut input, 10).unwrap().unwrap(), b"abc");
        assert_eq!(read_line_bounded(&mut input, 10).unwrap().unwrap(), b"second");
        assert_eq!(read_line_bounded(&mut input, 10).unwrap().unwrap(), b"\xffx");
        assert_eq!(read_line_bounded(&mut input, 10).unwrap().unwrap(), b"last");
        assert_eq!(read_line_bounded(&mut input, 10).unwrap(), None);
        let mut endless = std::io::repeat(0);
        let mut reader = std::io::BufReader::new(&mut endless);
        assert_eq!(read_line_bounded(&mut reader, 4096).unwrap().unwrap().len(), 4097);
    }
}
