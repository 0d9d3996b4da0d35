//! The key file's content, read through the public `load_stored_key` from a private directory: never a
//! panic; what is returned has the one key shape; errors are `STORAGE` and never hold the content.
#![no_main]

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use openrouter_pkce::{is_well_formed_key, store};

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("orp-fuzz-key-file-{}", std::process::id()));
        std::fs::DirBuilder::new().mode(0o700).create(&dir).ok();
        // SAFETY: set once, before any other thread of this process reads the environment.
        unsafe { std::env::set_var(store::ENV_CONFIG_DIR, &dir) };
        dir
    })
}

fuzz_target!(|content: &[u8]| {
    let path = dir().join(store::KEY_FILE_NAME);
    let _ = std::fs::remove_file(&path);
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path).unwrap();
    f.write_all(content).unwrap();
    drop(f);
    match store::load_stored_key() {
        Ok(Some(key)) => assert!(is_well_formed_key(&key), "returned a malformed key"),
        Ok(None) => {}
        Err(e) => {
            assert_eq!(e.code(), "STORAGE");
            if let Ok(text) = std::str::from_utf8(content) {
                let text = text.trim();
                if text.len() >= 8 {
                    assert!(!e.chain_message().contains(text), "the error holds the content");
                }
            }
        }
    }
});
