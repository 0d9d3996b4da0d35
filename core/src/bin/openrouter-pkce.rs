//! The `openrouter-pkce` command; everything lives in `openrouter_pkce::cli`.

fn main() {
    openrouter_pkce::cli::main()
}
