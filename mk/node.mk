# Node.js package targets; included by the main Makefile (`include mk/node.mk`).
# Needs node >= 18 (20 in CI), npm and cargo. Builds share CARGO_TARGET_DIR when it is set.

NPM ?= npm

.PHONY: node-build node-test node-bench node-demo

node-build: ## Node: install npm dev dependencies and build the native addon (release)
	OPENROUTER_PKCE_SKIP_BUILD=1 $(NPM) ci --no-audit --no-fund
	$(NPM) run build

node-test: node-build ## Node: run the node:test suites (vectors, errors, redaction, login, storage, CLI, packaging, Express, types)
	$(NPM) test

node-bench: ## Node: benchmark generatePkce() against node:crypto and pkce-challenge (release build)
	$(NPM) run bench

node-demo: node-build ## Node: the one-click login() against the emulator (a fake browser approves)
	BROWSER="$(CURDIR)/core/tests/fixtures/fake-browser.sh" node bindings-node/examples/demo.mjs
