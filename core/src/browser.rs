//! Opening the user's browser, without a shell.
//!
//! The URL is always passed as one argument to a program started directly (`execve`, `CreateProcess`), so a
//! URL holding `$(…)`, `;`, backticks or quotes is never interpreted: it runs nothing.
//!
//! `BROWSER` is honoured like Python's `webbrowser` and `xdg-open` do: a list of commands separated by the
//! OS path separator (`:`; `;` on Windows), each split into words (but never run by a shell): by the POSIX
//! shell's rules on Unix, by the Windows command line's rules on Windows, where backslashes are path separators
//! (`C:\Tools\browser.exe --new-window`), and an entry that names an existing file is that program, spaces and
//! all (`C:\Program Files\Browser\browser.exe`). `%s` in an argument is replaced by the URL, else the URL is
//! appended. The first command that works wins.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a browser command may take to report failure; one still running after that is taken as a
/// browser that opened (and is reaped in the background).
pub const BROWSER_WAIT: Duration = Duration::from_secs(3);

/// The environment variable naming the user's browser command(s).
pub const ENV_BROWSER: &str = "BROWSER";

#[cfg(windows)]
const LIST_SEPARATOR: char = ';';
#[cfg(not(windows))]
const LIST_SEPARATOR: char = ':';

/// Open `url` in the user's browser: `BROWSER` when set, else the platform's opener (`xdg-open`, `gio open`,
/// `sensible-browser`, `x-www-browser`, `wslview` on Linux and BSD; `open` on macOS; `rundll32
/// url.dll,FileProtocolHandler` on Windows).
///
/// `Err` carries a short reason (program names only, never the URL).
pub fn open_browser(url: &str) -> Result<(), String> {
    let env = crate::env::var(ENV_BROWSER).ok().filter(|v| !v.trim().is_empty());
    open_browser_with(env.as_deref(), url)
}

/// Like [`open_browser`], with the `BROWSER`-style command list given by the caller (`None` = the platform's
/// openers).
pub fn open_browser_with(browser: Option<&str>, url: &str) -> Result<(), String> {
    let commands: Vec<Vec<String>> = match browser {
        Some(list) => parse_browser_list(list, url)?,
        None => platform_commands(url),
    };
    let mut reasons = Vec::new();
    for argv in commands {
        match run_opener(&argv) {
            Ok(()) => return Ok(()),
            Err(reason) => reasons.push(reason),
        }
    }
    if reasons.is_empty() {
        reasons.push("no browser command to try".to_owned());
    }
    Err(reasons.join("; "))
}

/// Split a `BROWSER` value into argument vectors with the URL substituted.
fn parse_browser_list(list: &str, url: &str) -> Result<Vec<Vec<String>>, String> {
    let mut out = Vec::new();
    for entry in list.split(LIST_SEPARATOR).map(str::trim).filter(|e| !e.is_empty()) {
        let Some(mut argv) = split_words(entry) else {
            // Unbalanced quotes: skip this entry rather than guess.
            continue;
        };
        if argv.is_empty() {
            continue;
        }
        let mut substituted = false;
        for arg in argv.iter_mut().skip(1) {
            if arg.contains("%s") {
                *arg = arg.replace("%s", url);
                substituted = true;
            }
        }
        if !substituted {
            argv.push(url.to_owned());
        }
        out.push(argv);
    }
    if out.is_empty() {
        return Err(format!("{ENV_BROWSER} holds no usable command"));
    }
    Ok(out)
}

/// One `BROWSER` entry as words; `None` when it cannot be split (unbalanced quotes on Unix).
#[cfg(not(windows))]
fn split_words(entry: &str) -> Option<Vec<String>> {
    shlex::split(entry)
}

/// Windows: the command line's own rules (`CommandLineToArgvW`), where a backslash is a path separator.
#[cfg(windows)]
fn split_words(entry: &str) -> Option<Vec<String>> {
    if std::path::Path::new(entry).is_file() {
        return Some(vec![entry.to_owned()]);
    }
    Some(winsplit::split(entry))
}

fn platform_commands(url: &str) -> Vec<Vec<String>> {
    let with_url = |parts: &[&str]| {
        let mut v: Vec<String> = parts.iter().map(|s| (*s).to_owned()).collect();
        v.push(url.to_owned());
        v
    };
    if cfg!(target_os = "macos") {
        vec![with_url(&["open"])]
    } else if cfg!(windows) {
        vec![with_url(&["rundll32", "url.dll,FileProtocolHandler"])]
    } else {
        vec![
            with_url(&["xdg-open"]),
            with_url(&["gio", "open"]),
            with_url(&["sensible-browser"]),
            with_url(&["x-www-browser"]),
            with_url(&["wslview"]),
        ]
    }
}

/// Start one opener and decide whether it worked: exit 0, or still running after [`BROWSER_WAIT`].
fn run_opener(argv: &[String]) -> Result<(), String> {
    let program = &argv[0];
    // Only the program's file name goes into reasons: its arguments hold the URL.
    let name = std::path::Path::new(program)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| program.clone());
    let mut child = Command::new(program)
        .args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{name}: {}", spawn_reason(&e)))?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("{name}: exited with {status}")),
            Ok(None) if started.elapsed() >= BROWSER_WAIT => {
                // A real browser stays open: reap it whenever it ends so no zombie remains.
                std::thread::Builder::new()
                    .name("openrouter-pkce-browser".into())
                    .spawn(move || {
                        let _ = child.wait();
                    })
                    .map_err(|e| format!("{name}: {e}"))?;
                return Ok(());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(25)),
            Err(e) => return Err(format!("{name}: {e}")),
        }
    }
}

fn spawn_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "not found".to_owned(),
        std::io::ErrorKind::PermissionDenied => "not executable".to_owned(),
        _ => e.to_string(),
    }
}
