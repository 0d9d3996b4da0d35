# Benchmarks (issue #6), included by the root Makefile. Release builds, then bench/run.py runs the Rust
# (criterion + core/examples/bench_login.rs), Python and Node harnesses and writes docs/benchmarks.md.
# BENCH_ARGS=--quick for a smoke run. The compared packages (httpx, pkce, authlib) are installed into
# $(VENV) by bench/run.py; the Node ones are npm devDependencies.

VENV ?= .venv
NPM ?= npm
BENCH_ARGS ?=

.PHONY: bench bench-build bench-report

bench-build: python-venv node-build-release
	$(VENV)/bin/maturin develop -q --release
	$(VENV)/bin/maturin build -q --release -o dist
	$(CARGO) build --release -p openrouter-pkce --features cli --example bench_login --bin openrouter-pkce

bench: bench-build $(if $(wildcard mk/runtimes.mk),bench-js-deps) ## Benchmarks of Rust, Python, Node and the WebAssembly build in Chromium and workerd (release builds); writes docs/benchmarks.md
	$(VENV)/bin/python bench/run.py $(BENCH_ARGS)

bench-report: ## Rewrite docs/benchmarks.md from the last `make bench` results (no re-run)
	$(VENV)/bin/python bench/run.py --report-only
