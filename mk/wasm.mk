# The WebAssembly build of the npm package (bindings-wasm/): the core for wasm32-unknown-unknown through
# wasm-bindgen, for browsers, Workers, Deno, edge runtimes, and Node/Bun without a native package. Included by
# the main Makefile. `make wasm-build` writes the generated, git-ignored bindings-wasm/pkg/ (its README lists
# the entries); `make wasm-test` runs tests/wasm/ against it (and the native emulator).

.PHONY: wasm-build wasm-test wasm-bindgen-cli wasm-opt wasm-esbuild

NPM ?= npm

# The CLI must be the version of the `wasm-bindgen` crate in Cargo.lock, exactly (its output and the crate's
# macros speak one ABI): installed beside the build, once per version.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/^version = "\(.*\)"/\1/p}' Cargo.lock)
WASM_BINDGEN_DIR := $(CURDIR)/target/tools/wasm-bindgen
WASM_BINDGEN := $(WASM_BINDGEN_DIR)/bin/wasm-bindgen
# wasm-opt from the npm registry's binaryen (its own WebAssembly build, run by node): the same everywhere.
BINARYEN_VERSION := 132.0.0
BINARYEN_DIR := $(CURDIR)/target/tools/binaryen
WASM_OPT := $(BINARYEN_DIR)/node_modules/.bin/wasm-opt
# esbuild (npm) strips comments and whitespace from the ES modules of the browser and Worker entries.
WASM_ESBUILD_VERSION := 0.28.2
WASM_ESBUILD_DIR := $(CURDIR)/target/tools/wasm-esbuild
WASM_PKG := bindings-wasm/pkg
WASM_OUT := $(CURDIR)/target/wasm32-unknown-unknown/release/openrouter_pkce_wasm.wasm
# What the optimiser may use: the features Rust enables for wasm32-unknown-unknown (every current browser,
# workerd, Deno, Node >= 18 has them), no more.
WASM_FEATURES := --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
	--enable-mutable-globals --enable-reference-types --enable-multivalue

wasm-bindgen-cli: ## The wasm-bindgen CLI of Cargo.lock's version into target/tools/wasm-bindgen (cached)
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if ! "$(WASM_BINDGEN)" --version 2>/dev/null | grep -qx 'wasm-bindgen $(WASM_BINDGEN_VERSION)'; then \
		echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
		$(CARGO) install -q --locked wasm-bindgen-cli --version =$(WASM_BINDGEN_VERSION) --root $(WASM_BINDGEN_DIR) \
		|| { echo "wasm-bindgen-cli: its lock file names a dependency the registry does not have; resolving afresh"; \
			$(CARGO) install -q wasm-bindgen-cli --version =$(WASM_BINDGEN_VERSION) --root $(WASM_BINDGEN_DIR); }; \
	fi

wasm-opt: ## wasm-opt (npm binaryen) into target/tools/binaryen (cached)
	@if ! "$(WASM_OPT)" --version 2>/dev/null | grep -q 'version $(firstword $(subst ., ,$(BINARYEN_VERSION)))'; then \
		mkdir -p $(BINARYEN_DIR) && $(NPM) install --no-save --no-audit --no-fund --prefix $(BINARYEN_DIR) binaryen@$(BINARYEN_VERSION) >/dev/null; \
	fi

wasm-esbuild: ## esbuild (npm) for the WebAssembly build's JavaScript into target/tools/wasm-esbuild (cached)
	@if [ "$$(node -p 'try { require("$(WASM_ESBUILD_DIR)/node_modules/esbuild/package.json").version } catch { "" }')" != '$(WASM_ESBUILD_VERSION)' ]; then \
		mkdir -p $(WASM_ESBUILD_DIR) && $(NPM) install --no-save --no-audit --no-fund --prefix $(WASM_ESBUILD_DIR) esbuild@$(WASM_ESBUILD_VERSION) >/dev/null; \
	fi

# Size first: opt-level "z", fat LTO, one codegen unit (wasm32-unknown-unknown aborts on panic already). The
# overrides are this command's only (the workspace's release profile stays as it is for the native builds).
wasm-build: wasm-bindgen-cli wasm-opt wasm-esbuild ## The WebAssembly build into bindings-wasm/pkg/ (browser, workerd, edge-light, node entries), sizes printed
	CARGO_PROFILE_RELEASE_OPT_LEVEL=z CARGO_PROFILE_RELEASE_LTO=true CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
	CARGO_PROFILE_RELEASE_PANIC=abort CARGO_PROFILE_RELEASE_STRIP=none \
		$(CARGO) build -q --release --locked -p openrouter-pkce-wasm --target wasm32-unknown-unknown
	rm -rf $(WASM_PKG) && mkdir -p $(WASM_PKG)
	$(WASM_BINDGEN) --target web --weak-refs --no-typescript --out-dir $(WASM_PKG)/web $(WASM_OUT)
	$(WASM_BINDGEN) --target nodejs --weak-refs --no-typescript --out-dir $(WASM_PKG)/node $(WASM_OUT)
	$(WASM_OPT) -Oz --strip-debug --strip-producers $(WASM_FEATURES) \
		-o $(WASM_PKG)/web/openrouter_pkce_wasm_bg.wasm $(WASM_PKG)/web/openrouter_pkce_wasm_bg.wasm
	WASM_ESBUILD=$(WASM_ESBUILD_DIR)/node_modules/esbuild node bindings-wasm/tools/build.mjs

wasm-test: wasm-build node-build ## The WebAssembly build: the shared vectors, flows against the emulator, the Node fallback (tests/wasm/)
	node --test tests/wasm/
