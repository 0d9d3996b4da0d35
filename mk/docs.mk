# The docs test (issue #12): every fenced code block of README.md and docs/*.md runs against the emulator
# (Python, JS, shell, TypeScript type-check, the README's Rust as a doctest); tests/docs/test_docs.py says
# how a block that cannot run is marked. Needs the Python and Node builds.

.PHONY: docs-test

docs-test: python-build node-build ## Docs: run every code block of README.md and docs/ against the emulator
	$(PY) -m pytest -q tests/docs
