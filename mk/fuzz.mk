# Fuzzing (cargo fuzz on the nightly toolchain); included by the root Makefile. Not part of `make test`:
# each target runs for FUZZ_SECONDS, and every crash it finds becomes a unit test in the core.
# The corpus lives in core/fuzz/corpus/<target> (committed, minimised with `cargo fuzz cmin` to a set cover
# of the edges: the fewest inputs that reach every edge the whole corpus reaches, hit counts aside); it is
# only read: new inputs a run finds go to core/fuzz/new/<target> (ignored), and `make fuzz-cmin` folds
# them into the committed corpus, minimised again. A crash is written to core/fuzz/artifacts/<target>/.

FUZZ_SECONDS ?= 60
FUZZ_TARGETS := callback_response auth_url_options auth_request_json key_file http_answers
CARGO_FUZZ_VERSION := 0.13.1
FUZZ_TOOLCHAIN ?= nightly
# A set cover of the edges, not every input that bumps a hit counter (2,711 files before issue 18, 608 after).
FUZZ_CMIN_FLAGS ?= -set_cover_merge=1 -use_counters=0 -rss_limit_mb=2048 -timeout=10

.PHONY: fuzz fuzz-tools fuzz-build fuzz-cmin

fuzz-tools: ## Install the nightly toolchain and cargo-fuzz (pinned) when missing
	@rustup toolchain list | grep -q '^$(FUZZ_TOOLCHAIN)' || rustup toolchain install $(FUZZ_TOOLCHAIN) --profile minimal
	@cargo fuzz --version 2>/dev/null | grep -q ' $(CARGO_FUZZ_VERSION)' || \
		$(CARGO) install cargo-fuzz --version $(CARGO_FUZZ_VERSION) --locked

fuzz-build: fuzz-tools ## Build every fuzz target
	cd core && $(CARGO) +$(FUZZ_TOOLCHAIN) fuzz build

fuzz: fuzz-build ## Run every fuzz target for FUZZ_SECONDS each (default 60) on its committed corpus
	@set -e; cd core; for t in $(FUZZ_TARGETS); do \
		echo "== fuzz $$t ($(FUZZ_SECONDS)s)"; \
		mkdir -p fuzz/new/$$t; \
		$(CARGO) +$(FUZZ_TOOLCHAIN) fuzz run $$t fuzz/new/$$t fuzz/corpus/$$t -- \
			-max_total_time=$(FUZZ_SECONDS) -max_len=16384 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1; \
	done
	@echo "make fuzz: no crash in $(words $(FUZZ_TARGETS)) targets"

fuzz-cmin: fuzz-build ## Fold the inputs the last `make fuzz` found into the committed corpus, minimised
	@set -e; cd core; for t in $(FUZZ_TARGETS); do \
		if [ -d fuzz/new/$$t ]; then cp -n fuzz/new/$$t/* fuzz/corpus/$$t/ 2>/dev/null || true; fi; \
		$(CARGO) +$(FUZZ_TOOLCHAIN) fuzz cmin $$t fuzz/corpus/$$t -- $(FUZZ_CMIN_FLAGS); \
		rm -rf fuzz/new/$$t; \
	done
