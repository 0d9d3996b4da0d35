# Browser targets: the real-Chromium login test; included by the main Makefile (`-include mk/browser.mk`).
# Needs node >= 20, npm and cargo; Debian's chromium (installed here when missing, as root). playwright-core
# drives it and downloads no browser of its own.

CHROMIUM ?= /usr/bin/chromium
NPM ?= npm

.PHONY: browser-deps browser-test

browser-deps: ## Browser: Debian's Chromium (apt-get, as root) and playwright-core (npm, no browser download)
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" -ne 0 ]; then \
			echo "$(CHROMIUM) is missing; as root run: apt-get update && apt-get install -y --no-install-recommends chromium" >&2; \
			exit 1; \
		fi; \
		echo "installing Debian's chromium"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; \
	fi
	@# (stderr hidden: Debian's launcher warns about /dev/shm sizes; shown again if it fails)
	@$(CHROMIUM) --version 2>/dev/null || $(CHROMIUM) --version
	@# package-lock.json records playwright-core; install the locked tree unless it is there already.
	@if [ ! -f node_modules/playwright-core/package.json ]; then \
		echo "OPENROUTER_PKCE_SKIP_BUILD=1 $(NPM) ci --no-audit --no-fund"; \
		OPENROUTER_PKCE_SKIP_BUILD=1 $(NPM) ci --no-audit --no-fund; \
	fi
	@node -e 'console.log("playwright-core " + require("playwright-core/package.json").version)'

browser-test: browser-deps ## Browser: login --mode loopback with BROWSER = headless Chromium clicking Approve / Deny
	$(CARGO) build -p openrouter-pkce --features cli --bin openrouter-pkce
	CHROMIUM_PATH=$(CHROMIUM) node --test tests/browser/
