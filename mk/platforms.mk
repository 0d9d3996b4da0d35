# Compile checks for the release targets this machine cannot run: macOS (arm64, x86_64) and Windows msvc.
# clippy (warnings are errors) of the core and both bindings for each, so the `cfg(target_os = "macos")` /
# `cfg(windows)` branches keep compiling. ring's C code is compiled by zig cc (PyPI `ziglang`, which carries the
# targets' C headers; Apple's SDK is not needed to compile, only to link). Nothing is linked: the macOS wheels
# and addons, and the msvc ones, are built by .github/workflows/release.yml.
.PHONY: platform-check zig

ZIG_VERSION := 0.15.1
ZIG_DIR := $(CURDIR)/target/tools/zig
ZIGCC := $(CURDIR)/tests/platforms/zigcc
PLATFORM_TARGETS := aarch64-apple-darwin:aarch64-macos x86_64-apple-darwin:x86_64-macos x86_64-pc-windows-msvc:x86_64-windows-gnu

zig: ## zig $(ZIG_VERSION) (PyPI ziglang) into target/tools/zig, the C compiler of the cross compile checks
	@test -x $(ZIG_DIR)/ziglang/zig || python3 -m pip install -q --disable-pip-version-check --target $(ZIG_DIR) ziglang==$(ZIG_VERSION)

platform-check: zig ## clippy of the core and both bindings for aarch64/x86_64-apple-darwin and x86_64-pc-windows-msvc
	@for pair in $(PLATFORM_TARGETS); do \
		target=$${pair%%:*}; zig_target=$${pair##*:}; var=$$(echo $$target | tr - _); \
		rustup target list --installed | grep -qx $$target || rustup target add $$target; \
		ar=; case $$target in *-msvc) ar=AR_$$var=$(CURDIR)/tests/platforms/zig-lib ;; esac; \
		echo "== clippy for $$target"; \
		env ZIG=$(ZIG_DIR)/ziglang/zig ZIG_TARGET=$$zig_target CC_$$var=$(ZIGCC) $$ar \
			CARGO_TARGET_DIR=$(CURDIR)/target/cross \
			$(CARGO) clippy -q -p openrouter-pkce --all-features -p openrouter-pkce-python -p openrouter-pkce-node \
			--target $$target -- -D warnings || exit 1; \
	done
	@echo "platform-check: 3 targets compile"
