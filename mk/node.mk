# Node.js package targets; included by the main Makefile (`include mk/node.mk`).
# Needs node >= 18 (20 in CI), npm and cargo. Builds share CARGO_TARGET_DIR when it is set.

NPM ?= npm

.PHONY: node-build node-build-release node-test node-bench node-demo bun

# Bun, from the npm registry (its linux-x64 binary package), for the tests that run the addon under Bun.
# Installed beside the build, not as a dependency: the package exists for one platform only.
BUN_VERSION := 1.4.5
BUN_DIR := $(CURDIR)/target/tools/bun
export OPENROUTER_PKCE_TEST_BUN := $(BUN_DIR)/node_modules/@oven/bun-linux-x64/bin/bun

bun: ## Bun $(BUN_VERSION) into target/tools/bun (x86_64 Linux; elsewhere the Bun tests say why they skip)
	@if [ "$$(uname -sm)" = "Linux x86_64" ] && ! "$(OPENROUTER_PKCE_TEST_BUN)" --version 2>/dev/null | grep -qx '$(BUN_VERSION)'; then \
		mkdir -p $(BUN_DIR) && $(NPM) install --no-save --no-audit --no-fund --prefix $(BUN_DIR) @oven/bun-linux-x64@$(BUN_VERSION) >/dev/null; \
	fi

# The tests take a debug addon, as Python's do (maturin develop): a release build compiles every dependency
# again with optimisations and LTO, minutes of CI for no test's sake. The release artifacts are tested by
# make dist-check; the benchmarks build their own release addon (node-build-release).
node-build: ## Node: install npm dev dependencies and build the native addon (debug, for the tests and demos)
	OPENROUTER_PKCE_SKIP_BUILD=1 $(NPM) ci --no-audit --no-fund
	$(NPM) run build:debug

node-build-release: ## Node: install npm dev dependencies and build the native addon (release, for the benchmarks)
	OPENROUTER_PKCE_SKIP_BUILD=1 $(NPM) ci --no-audit --no-fund
	$(NPM) run build

node-test: node-build bun $(if $(wildcard mk/wasm.mk),wasm-build) ## Node: run the node:test suites (vectors, errors, redaction, login, storage, CLI, packaging, Express, types; tests/wasm/: the WebAssembly build)
	$(NPM) test

node-bench: node-build-release ## Node: benchmark generatePkce() against node:crypto and pkce-challenge (release build)
	$(NPM) run bench

node-demo: node-build ## Node: the one-click login() against the emulator (a fake browser approves)
	BROWSER="$(CURDIR)/core/tests/fixtures/fake-browser.sh" node bindings-node/examples/demo.mjs
