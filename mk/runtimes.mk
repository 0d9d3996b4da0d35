# Every JavaScript runtime (issue 19 item 4); included by the main Makefile (`-include mk/runtimes.mk`).
# One shared test body (tests/runtimes/body.mjs) runs in headless Chromium (a Vite-bundled SPA doing the
# browser flow of OpenRouter's guide), workerd (an esbuild-bundled Worker doing the sealed-cookie flow), Deno,
# Bun and Node (native, and on the wasm fallback), plus sealed flows crossing Worker <-> Node and Python.
# Everything talks to the CLI's emulator on 127.0.0.1 only.
#
# The runtimes and bundlers come from the npm registry, pinned, installed beside the build under target/tools
# (as Bun is by mk/node.mk), never as dependencies of the package; each is reinstalled only when its version
# differs. Their platform binaries are x86_64 Linux ones: elsewhere the tests say why they skip (under CI a
# missing tool fails).

DENO_VERSION := 2.9.6
WORKERD_VERSION := 1.20261123.1
ESBUILD_VERSION := 0.28.2
VITE_VERSION := 8.4.1
WRANGLER_VERSION := 4.86.0
WEBPACK_VERSION := 5.113.0
# WebDriver BiDi to a stock Firefox (no browser download: puppeteer-core).
PUPPETEER_VERSION := 24.43.1
# Debian's browser engines beyond Chromium: Gecko (Firefox ESR) and WebKit (WebKitGTK's MiniBrowser and WebDriver,
# under Xvfb).
ENGINE_PACKAGES := firefox-esr webkit2gtk-driver xvfb xauth
# Next.js, whose `next start` runs edge routes in Vercel's edge-runtime: the app of tests/runtimes/nextjs.test.mjs
# is target/runtimes/nextjs, with these installed in it.
NEXT_VERSION := 16.5.0
REACT_VERSION := 19.3.1
NEXTJS_APP := $(CURDIR)/target/runtimes/nextjs
RUNTIMES_TOOLS := $(CURDIR)/target/tools

.PHONY: runtimes-tools runtimes-test engines-deps nextjs-deps

# $(call npm-tool,DIR,PACKAGE,VERSION): `npm install PACKAGE@VERSION` into target/tools/DIR unless it is there.
define npm-tool
	@if [ "$$(node -p 'try { require("$(RUNTIMES_TOOLS)/$(1)/node_modules/$(2)/package.json").version } catch { "" }')" != '$(3)' ]; then \
		echo "installing $(2)@$(3) into target/tools/$(1)"; \
		mkdir -p $(RUNTIMES_TOOLS)/$(1) && $(NPM) install --no-save --no-audit --no-fund --prefix $(RUNTIMES_TOOLS)/$(1) $(2)@$(3) >/dev/null; \
	fi
endef

runtimes-tools: bun ## Runtimes: Deno, workerd, esbuild, Vite, wrangler and webpack (pinned, from npm) into target/tools
	$(call npm-tool,deno,deno,$(DENO_VERSION))
	$(call npm-tool,workerd,workerd,$(WORKERD_VERSION))
	$(call npm-tool,esbuild,esbuild,$(ESBUILD_VERSION))
	$(call npm-tool,vite,vite,$(VITE_VERSION))
	$(call npm-tool,wrangler,wrangler,$(WRANGLER_VERSION))
	$(call npm-tool,webpack,webpack,$(WEBPACK_VERSION))

engines-deps: ## Browser engines: Debian's Firefox ESR, WebKitGTK (WebDriver, MiniBrowser) and Xvfb (apt-get, as root); puppeteer-core (npm)
	@if ! command -v firefox-esr WebKitWebDriver xvfb-run >/dev/null || [ "$$(command -v firefox-esr WebKitWebDriver xvfb-run | wc -l)" -ne 3 ]; then \
		if [ "$$(id -u)" -ne 0 ]; then \
			echo "a browser engine is missing; as root run: apt-get update && apt-get install -y --no-install-recommends $(ENGINE_PACKAGES)" >&2; \
			exit 1; \
		fi; \
		echo "installing Debian's $(ENGINE_PACKAGES)"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(ENGINE_PACKAGES); \
	fi
	$(call npm-tool,puppeteer,puppeteer-core,$(PUPPETEER_VERSION))

nextjs-deps: ## Next.js and React (pinned, npm) into target/runtimes/nextjs, the app of the edge-runtime test
	@if [ "$$(node -p 'try { require("$(NEXTJS_APP)/node_modules/next/package.json").version } catch { "" }')" != '$(NEXT_VERSION)' ]; then \
		echo "installing next@$(NEXT_VERSION) react@$(REACT_VERSION) react-dom@$(REACT_VERSION) into target/runtimes/nextjs"; \
		mkdir -p $(NEXTJS_APP) && $(NPM) install --no-save --no-audit --no-fund --prefix $(NEXTJS_APP) \
			next@$(NEXT_VERSION) react@$(REACT_VERSION) react-dom@$(REACT_VERSION) >/dev/null; \
	fi

runtimes-test: runtimes-tools browser-deps engines-deps nextjs-deps $(if $(wildcard mk/wasm.mk),wasm-build) ## Runtimes: the shared body in Chromium, Firefox and WebKit (Vite and webpack SPAs), workerd, Next.js's edge runtime, Deno, Bun and Node (native and wasm); sealed flows across Worker, Node and Python
	$(CARGO) build -p openrouter-pkce --features cli --bin openrouter-pkce
	@ls bindings-node/*.node >/dev/null 2>&1 || $(NPM) run build
	node tests/runtimes/prepare.mjs
	CHROMIUM_PATH=$(CHROMIUM) node --test --test-timeout=240000 tests/runtimes/

# `make bench`'s JavaScript runtimes part (bench/js/): oauth4webapi, the compared PKCE library, pinned beside the
# other tools (the SDK and jose are devDependencies already).
OAUTH4WEBAPI_VERSION := 3.8.9

.PHONY: bench-js-deps bench-js

bench-js-deps: runtimes-tools browser-deps $(if $(wildcard mk/wasm.mk),wasm-build)
	$(call npm-tool,oauth4webapi,oauth4webapi,$(OAUTH4WEBAPI_VERSION))

bench-js: bench-js-deps ## Bench: only the WebAssembly build against @openrouter/sdk and oauth4webapi in Chromium and workerd (updates that part of docs/benchmarks.md)
	python3 bench/run.py --js-runtimes-only $(BENCH_ARGS)
