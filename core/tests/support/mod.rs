//! What the integration suites share: the fake browser, the same program on every OS.

use std::path::PathBuf;

/// The `fake_browser` example's executable, for `BROWSER`.
///
/// The Rust suites use it on Unix and Windows alike, so a login through a browser command is tested the same
/// way on both (a shell script would not run on Windows).
pub fn fake_browser() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    // target/<triple>/debug/deps/<test> → target/<triple>/debug/examples/fake_browser
    let dir = exe.parent().and_then(|deps| deps.parent()).expect("the test runs from target/…/deps");
    let examples = dir.join("examples");
    let exe = std::env::consts::EXE_SUFFIX;
    let plain = examples.join(format!("fake_browser{exe}"));
    if plain.is_file() {
        return plain;
    }
    // `cargo test --all-targets` builds examples as test harnesses only (under hashed names): the program
    // itself comes from `cargo build --example fake_browser`, which `make rust-test` runs first.
    panic!(
        "{} is missing: run `cargo build -p openrouter-pkce --example fake_browser` first",
        plain.display()
    )
}
