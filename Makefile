# openrouter-pkce — the newcomer's commands. `make help` lists every target.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

-include mk/python.mk
-include mk/node.mk
-include mk/browser.mk
-include mk/bench.mk
-include mk/dist.mk
-include mk/scale.mk
-include mk/fuzz.mk
-include mk/docs.mk
-include mk/windows.mk
-include mk/platforms.mk
-include mk/keyring.mk
-include mk/runtimes.mk
-include mk/wasm.mk

.PHONY: help test demo rust-test rust-lint wasm-check fmt bench clean cli-reference

help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | sort -u | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

test: rust-test rust-lint $(if $(wildcard mk/platforms.mk),platform-check) $(if $(wildcard mk/dist.mk),lint-workflows) $(if $(wildcard mk/scale.mk),redis-server) $(if $(wildcard mk/python.mk),python-test) $(if $(wildcard mk/node.mk),node-test) $(if $(wildcard mk/keyring.mk),keyring-test) $(if $(wildcard mk/browser.mk),browser-test) $(if $(wildcard mk/runtimes.mk),runtimes-test) $(if $(wildcard mk/scale.mk),scale-test) $(if $(wildcard mk/docs.mk),docs-test) ## Build and run every suite (Rust, compile checks for macOS and Windows msvc, Python, Node, real browser, every JavaScript runtime (Chromium, workerd, Deno, Bun, Node on wasm), the OS keyring against a real Secret Service, multi-instance web scale test, the docs' code blocks)
	@echo "make test: all suites passed"

demo: $(if $(wildcard mk/python.mk),python-demo) $(if $(wildcard mk/node.mk),node-demo) rust-demo ## One-click login against the embedded emulator
	@echo "make demo: done"

rust-test: ## Rust unit, vector and integration tests and doctests (the core, every feature)
	$(CARGO) build -p openrouter-pkce --example fake_browser
	$(CARGO) test -p openrouter-pkce --all-targets --all-features
	$(CARGO) test -p openrouter-pkce --doc --all-features

rust-lint: wasm-check ## clippy (warnings are errors) and rustfmt --check on the workspace; the wasm32 build
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings
	$(CARGO) clippy -p openrouter-pkce --lib --no-default-features -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc -p openrouter-pkce --all-features --no-deps

# The core without its network stack (no tokio, reqwest, hyper): PKCE, URLs, sealing, the protocol layer. The
# getrandom backend for wasm32 is chosen in .cargo/config.toml. drop-non-drop is allowed for this target only:
# wasm32's std::fs::File is a stub without Drop, so store.rs's explicit drop(file) (closing before the rename on
# every real OS) reads as a no-op there.
wasm-check: ## The I/O-free core (--no-default-features) builds, clippy-clean, for wasm32-unknown-unknown
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	$(CARGO) build -p openrouter-pkce --no-default-features --target wasm32-unknown-unknown
	$(CARGO) clippy -p openrouter-pkce --lib --no-default-features --target wasm32-unknown-unknown -- -D warnings -A clippy::drop-non-drop
	$(CARGO) clippy -p openrouter-pkce-wasm --target wasm32-unknown-unknown -- -D warnings -A clippy::drop-non-drop
	@if $(CARGO) tree -p openrouter-pkce --no-default-features --target wasm32-unknown-unknown -e normal \
		| grep -E '^[^a-z]*(tokio|reqwest|hyper|axum|rustls|ring) v'; then \
		echo "wasm-check: a network crate is in the wasm32 build"; exit 1; fi

cli-reference: ## Rewrite docs/cli.md from the command's own --help (a test fails when it drifts)
	OPENROUTER_PKCE_WRITE_CLI_REFERENCE=1 $(CARGO) test -q -p openrouter-pkce --features cli --lib cli::tests

rust-demo: ## The login round in Rust against the emulator
	$(CARGO) run -q -p openrouter-pkce --features emulator --example demo

fmt: ## Format the Rust code
	$(CARGO) fmt --all

clean: ## Remove build outputs
	$(CARGO) clean
	rm -rf .venv node_modules
