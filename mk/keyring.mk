# The OS keyring (storage="keyring", issue 20 item 5) tested for real: a D-Bus session of its own with
# gnome-keyring-daemon unlocked (tests/keyring/session.sh, as keyring-rs's own CI does), then the Rust CLI
# tests (round trip, moving a profile between file and keyring, the 30 s timeout against a bus that never
# answers), the Python and the Node round trips in that one session. Included by the main Makefile.
# gnome-keyring, dbus and secret-tool are Debian packages, installed here when missing and we are root.

KEYRING_PACKAGES := gnome-keyring dbus libsecret-tools

.PHONY: keyring-tools keyring-test

keyring-tools: ## Install gnome-keyring, dbus and secret-tool from Debian when missing (as root; otherwise says what to run)
	@if ! command -v gnome-keyring-daemon >/dev/null 2>&1 || ! command -v dbus-run-session >/dev/null 2>&1 || \
		! command -v secret-tool >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			DEBIAN_FRONTEND=noninteractive apt-get update -q && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(KEYRING_PACKAGES); \
		else \
			echo "the keyring test needs $(KEYRING_PACKAGES): run 'sudo apt-get install -y $(KEYRING_PACKAGES)'" >&2; exit 1; \
		fi; \
	fi

keyring-test: keyring-tools python-build node-build ## The OS keyring for real: Rust, Python and Node round trips against gnome-keyring in a private D-Bus session
	$(CARGO) build -q -p openrouter-pkce --example fake_browser
	OPENROUTER_PKCE_KEYRING_TEST=1 tests/keyring/session.sh sh -c '\
		$(CARGO) test -q -p openrouter-pkce --all-features --test credentials -- --include-ignored --nocapture && \
		$(PY) -m pytest -q -s tests/python/test_credentials.py && \
		node --test tests/node/credentials.test.mjs'
