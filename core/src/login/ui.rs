//! How the login talks to its user: a trait each front end implements, and a silent one.

use std::future::Future;
use std::pin::Pin;

/// A line the user pasted, or `None` when there is no input (end of file, or no way to ask).
pub type LineFuture = Pin<Box<dyn Future<Output = Option<String>> + Send + 'static>>;

/// How a login talks to its user.
///
/// Implemented by the command line ([`super::TerminalUi`]), Python (print / IPython display and `input()`)
/// and Node (the `onUrl` callback and readline). The core decides *what* to say and when; the UI only shows
/// it and reads lines.
pub trait LoginUi: Send + Sync {
    /// Show the authorization URL. Always called, even when a browser opened, so the user can open it by
    /// hand. `headless` is true when the user must paste the code shown by OpenRouter afterwards.
    fn show_url(&self, url: &str, headless: bool);

    /// A short status line ("Opened your browser…", "Waiting for the callback…").
    fn message(&self, text: &str);

    /// Whether [`LoginUi::read_line`] can get a line from the user now (e.g. stdin is a terminal). While a
    /// loopback login waits, a pasted callback URL or code is accepted only when this is true.
    fn can_paste(&self) -> bool;

    /// Ask for one line with `prompt`. Dropping the future abandons the question (the login ended another
    /// way). `None` means no input will come.
    fn read_line(&self, prompt: &str) -> LineFuture;
}

/// A UI that shows nothing and never reads input: loopback only, for programs that show the URL themselves
/// (through [`crate::AuthRequest`]) or tests.
#[derive(Debug, Clone, Copy, Default)]
pub struct SilentUi;

impl LoginUi for SilentUi {
    fn show_url(&self, _url: &str, _headless: bool) {}

    fn message(&self, _text: &str) {}

    fn can_paste(&self) -> bool {
        false
    }

    fn read_line(&self, _prompt: &str) -> LineFuture {
        Box::pin(async { None })
    }
}

/// The one line that says how a login ended, for a front end that replaces what it showed (a notebook's
/// "Connect OpenRouter" link, which leads to a closed port once the login is over): "Connected as …" with
/// the masked key, or the error. Never the key itself.
pub fn outcome_line(result: &crate::Result<crate::ApiKey>) -> String {
    match result {
        Ok(key) => match key.user_id() {
            Some(user) => format!("Connected as {user}: key {}.", key.masked()),
            None => format!("Connected: key {}.", key.masked()),
        },
        Err(e) => format!("The login ended without a key: {e} [{}].", e.code()),
    }
}

#[cfg(test)]
mod tests {
    use super::outcome_line;

    #[test]
    fn the_outcome_line_masks_the_key_and_names_the_error() {
        let key = crate::ApiKey::new("sk-or-v1-0123456789abcdef0123456789abcdef", Some("user_1".to_owned()));
        let line = outcome_line(&Ok(key));
        assert!(
            line.starts_with("Connected as user_1: key sk-or-v1-") && !line.contains("0123456789abcdef0123")
        );
        let line = outcome_line(&Err(crate::Error::cancelled("interrupted (Ctrl-C)")));
        assert!(line.contains("CANCELLED") && line.contains("interrupted"), "{line}");
    }
}
