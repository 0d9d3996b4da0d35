# Release artifacts: `make dist` builds every package users install into dist/, `make dist-check` verifies
# them the way users install them (docs/releasing.md). Included by the root Makefile.
#
# Linux x86_64/aarch64 × glibc/musl are cross-built here with zig (the `ziglang` PyPI package) through
# maturin --zig. maturin's cargo is tests/dist/cargo-with-node.sh, which builds the Node addon for the same
# target in the same environment (the same zig linker wrappers) just before the Python extension, so the
# dependencies compile once per target. macOS and Windows are built by
# .github/workflows/release.yml. Every tool is pinned in tests/dist/requirements.txt and lives in
# target/dist/ (venv, node binaries, debootstrap roots, cargo target dir).

DIST ?= dist
DIST_WORK := $(CURDIR)/target/dist
DIST_VENV := $(DIST_WORK)/venv
DIST_BIN := $(DIST_VENV)/bin
DIST_CARGO_TARGET := $(DIST_WORK)/cargo
DIST_VERSION = $(shell sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
# Rust target  <-> zig target (glibc floor) <-> wheel compatibility <-> npm package directory
DIST_TARGETS := x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-unknown-linux-musl aarch64-unknown-linux-musl
wheel_compat = $(if $(findstring -gnu,$(1)),manylinux2014,musllinux_1_2)
npm_dir = linux-$(if $(findstring x86_64,$(1)),x64,arm64)-$(if $(findstring -gnu,$(1)),gnu,musl)
# Append "label: seconds" to target/dist/timings.txt (and print it).
timed = t0=$$(date +%s); $(2); rc=$$?; echo "[dist time] $(1): $$(( $$(date +%s) - t0 )) s" | tee -a $(DIST_WORK)/timings.txt; exit $$rc

# musl: link the C library dynamically (a cdylib is loaded into a musl Python/Node, which has its own).
export CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS ?= -C target-feature=-crt-static
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_RUSTFLAGS ?= -C target-feature=-crt-static

.PHONY: dist dist-tools dist-check dist-table dist-clean lint-workflows $(addprefix dist-,$(DIST_TARGETS))

$(DIST_BIN)/.installed: tests/dist/requirements.txt
	@mkdir -p $(DIST_WORK)
	@$(call timed,dist venv (pinned tools),python3 -m venv $(DIST_VENV) && $(DIST_BIN)/python -m pip install -q --upgrade pip && $(DIST_BIN)/python -m pip install -q -r tests/dist/requirements.txt)
	touch $@

dist-tools: $(DIST_BIN)/.installed ## Install the pinned dist tools (zig, maturin, auditwheel, twine, actionlint), Rust targets, debootstrap, qemu, musl-gcc
	@$(call timed,rustup targets,rustup target add $(DIST_TARGETS) >/dev/null)
	@command -v debootstrap >/dev/null && command -v qemu-aarch64-static >/dev/null && command -v musl-gcc >/dev/null || \
		{ $(call timed,apt debootstrap qemu-user-static musl-tools,apt-get update -q && apt-get install -y -q --no-install-recommends debootstrap qemu-user-static musl-tools) ; }

# One target: the Node addon and the abi3 wheel, both from one `maturin build --zig` (see above).
define dist_target
dist-$(1): dist-tools
	@mkdir -p $(DIST)
	@$$(call timed,wheel + node addon $(1),PATH=$(DIST_BIN):$$$$PATH CARGO=$(CURDIR)/tests/dist/cargo-with-node.sh CARGO_TARGET_DIR=$(DIST_CARGO_TARGET) nice -n 10 $(DIST_BIN)/maturin build --quiet --release --locked --zig --target $(1) --compatibility $(call wheel_compat,$(1)) --out $(DIST))
	rm -rf $(DIST_WORK)/npm/$(call npm_dir,$(1)) && mkdir -p $(DIST_WORK)/npm && cp -r npm/$(call npm_dir,$(1)) $(DIST_WORK)/npm/
	cp LICENSE-MIT LICENSE-APACHE $(DIST_WORK)/npm/$(call npm_dir,$(1))/
	cp $(DIST_CARGO_TARGET)/$(1)/release/libopenrouter_pkce_node.so $(DIST_WORK)/npm/$(call npm_dir,$(1))/openrouter-pkce.$(call npm_dir,$(1)).node
	$(if $(findstring -musl,$(1)),$(DIST_BIN)/python tests/dist/musl_needed.py $(DIST)/openrouter_pkce-$(DIST_VERSION)-*-musllinux_1_2_$(firstword $(subst -, ,$(1))).whl $(DIST_WORK)/npm/$(call npm_dir,$(1))/openrouter-pkce.$(call npm_dir,$(1)).node)
	cd $(DIST_WORK)/npm/$(call npm_dir,$(1)) && npm pack --silent --pack-destination $(CURDIR)/$(DIST) >/dev/null
endef
$(foreach t,$(DIST_TARGETS),$(eval $(call dist_target,$(t))))

dist: ## Build every release artifact into dist/ (4 wheels, sdist, npm main + 4 linux packages, crate) and print the table
	rm -rf $(DIST) $(DIST_WORK)/timings.txt
	@mkdir -p $(DIST_WORK)
	@$(call timed,make dist (total),$(MAKE) --no-print-directory dist-build)
	@$(MAKE) --no-print-directory dist-table

.PHONY: dist-build
# The main npm package carries the WebAssembly build (bindings-wasm/pkg/, mk/wasm.mk).
dist-build: $(addprefix dist-,$(DIST_TARGETS)) $(if $(wildcard mk/wasm.mk),wasm-build)
	@$(call timed,sdist,$(DIST_BIN)/maturin sdist --out $(DIST) >/dev/null)
	@$(call timed,npm main package,node tests/dist/pack-main.mjs $(DIST_WORK)/npm/main $(DIST))
	@$(call timed,crate,$(CARGO) package --quiet --locked --no-verify --allow-dirty -p openrouter-pkce && cp $(CARGO_TARGET_DIR)/package/openrouter-pkce-$(DIST_VERSION).crate $(DIST)/)

dist-table: $(DIST_BIN)/.installed ## Print the table of dist/ (file, target, size, libc floor)
	@$(DIST_BIN)/python tests/dist/artifacts.py $(DIST)

dist-check: dist dist-tools ## Verify dist/: auditwheel, twine, ELF floors, installs on Python 3.9–3.13 and Node 18–24 without cargo, a musl Python, Debian 11, arm64 under qemu, publish dry runs
	@$(call timed,dist-check (total),$(DIST_BIN)/python tests/dist/check.py)
	@cat $(DIST_WORK)/timings.txt

lint-workflows: $(DIST_BIN)/.installed ## actionlint on .github/workflows
	$(DIST_BIN)/actionlint -no-color .github/workflows/*.yml

dist-clean: ## Remove dist/ and target/dist (tools, roots, cross builds)
	rm -rf $(DIST) $(DIST_WORK)
