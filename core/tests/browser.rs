//! Opening the browser without a shell, on every OS: the `BROWSER` list, `%s`, fall-through, failures that
//! never name the URL, a browser that stays open, and (Windows) backslash paths used as written.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use openrouter_pkce::browser::open_browser_with;

/// The OS's list separator for `BROWSER`.
const SEP: &str = if cfg!(windows) { ";" } else { ":" };

const NASTY: &str =
    "http://127.0.0.1:1/auth?x=$(touch MARK)&y=`touch MARK`;touch MARK 'a\"b' |touch MARK %COMSPEC% ^& echo";

/// A `BROWSER` entry running the fake browser with `options` (each quoted for the OS's splitter).
fn entry(fake: &Path, options: &[&str]) -> String {
    let quote = |s: &str| if cfg!(windows) { format!("\"{s}\"") } else { format!("'{s}'") };
    let mut words = vec![quote(&fake.display().to_string())];
    words.extend(options.iter().map(|o| quote(o)));
    words.join(" ")
}

fn recorder(out: &Path) -> String {
    entry(&support::fake_browser(), &["--record", &out.display().to_string()])
}

fn recorded(out: &Path) -> Vec<String> {
    let raw = std::fs::read(out).unwrap();
    raw.split(|b| *b == 0).filter(|s| !s.is_empty()).map(|s| String::from_utf8(s.to_vec()).unwrap()).collect()
}

#[test]
fn url_is_one_argument_and_nothing_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("args");
    let marker = dir.path().join("pwned");
    let url = NASTY.replace("MARK", &marker.display().to_string());
    open_browser_with(Some(&recorder(&out)), &url).unwrap();
    assert_eq!(recorded(&out), vec![url]);
    assert!(!marker.exists());
}

#[test]
fn percent_s_is_substituted() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("args");
    let cmd =
        format!("{} --new-tab {} --x", recorder(&out), if cfg!(windows) { "\"url=%s\"" } else { "'url=%s'" });
    open_browser_with(Some(&cmd), "http://localhost/a b").unwrap();
    assert_eq!(recorded(&out), vec!["--new-tab", "url=http://localhost/a b", "--x"]);
}

#[test]
fn failing_entries_fall_through() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("args");
    let fail = entry(&support::fake_browser(), &["--exit", "3"]);
    let missing = dir.path().join("no-such-browser");
    let list = [missing.display().to_string(), fail, recorder(&out)].join(SEP);
    open_browser_with(Some(&list), "http://localhost/x").unwrap();
    assert_eq!(recorded(&out), vec!["http://localhost/x"]);
}

#[test]
fn all_failing_is_an_error_without_the_url() {
    let fail = entry(&support::fake_browser(), &["--exit", "1"]);
    let missing = if cfg!(windows) { r"C:\nonexistent\browser.exe" } else { "/nonexistent/browser" };
    let list = [fail, missing.to_owned()].join(SEP);
    let err = open_browser_with(Some(&list), "http://localhost/secret-looking").unwrap_err();
    assert!(err.contains("fake_browser") && err.contains("browser") && err.contains("not found"), "{err}");
    assert!(!err.contains("secret-looking"));
    assert!(open_browser_with(Some(&format!(" {SEP} ")), "http://x").is_err());
    #[cfg(unix)]
    assert!(open_browser_with(Some("'unbalanced"), "http://x").is_err());
}

#[test]
fn a_browser_that_stays_open_counts_as_opened() {
    let slow = entry(&support::fake_browser(), &["--sleep-ms", "5000", "--exit", "1"]);
    let started = Instant::now();
    open_browser_with(Some(&slow), "http://x").unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// A loopback listener that answers one request with an empty 204 and reports that it was loaded.
#[cfg(windows)]
struct OnePage {
    url: String,
    loaded: std::sync::mpsc::Receiver<()>,
}

#[cfg(windows)]
fn one_page_server() -> OnePage {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/page", listener.local_addr().unwrap());
    let (tx, loaded) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        if let Ok((mut conn, _)) = listener.accept() {
            let _ = conn.read(&mut [0u8; 4096]);
            let _ =
                conn.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            let _ = tx.send(());
        }
    });
    OnePage { url, loaded }
}

/// Windows (issue 22): `C:\Tools\x.exe` was split by POSIX rules into `C:Toolsx.exe`. Backslash paths, unquoted
/// or quoted, and a program path with spaces that is not quoted at all, are now run as written.
#[cfg(windows)]
#[test]
fn windows_backslash_paths_are_run_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("args");
    let fake = support::fake_browser();
    let plain = format!("{} --record {}", fake.display(), out.display());
    assert!(plain.contains('\\'), "{plain}");
    open_browser_with(Some(&plain), "http://localhost/plain").unwrap();
    assert_eq!(recorded(&out), vec!["http://localhost/plain"]);

    let spaced_dir = dir.path().join("Program Files").join("Fake Browser");
    std::fs::create_dir_all(&spaced_dir).unwrap();
    let spaced: std::path::PathBuf = spaced_dir.join("fake browser.exe");
    std::fs::copy(&fake, &spaced).unwrap();
    // Unquoted and with spaces: the whole entry names a file, so it is the program; it loads the page.
    let page = one_page_server();
    open_browser_with(Some(&spaced.display().to_string()), &page.url).unwrap();
    assert!(page.loaded.recv_timeout(Duration::from_secs(20)).is_ok(), "the page was loaded");
    let quoted = format!("\"{}\" --record \"{}\"", spaced.display(), out.display());
    open_browser_with(Some(&quoted), "http://localhost/quoted").unwrap();
    assert_eq!(recorded(&out), vec!["http://localhost/quoted"]);
}
