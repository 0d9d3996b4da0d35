# Python package targets, included by the root Makefile.
# Needs only python3 (with venv + pip) and cargo; everything else comes from PyPI into $(VENV).

VENV ?= .venv
PY = $(VENV)/bin/python
# The schema test (tests/python/test_openrouter_schema.py: jsonschema, PyYAML) and the official SDK run
# against the emulator (tests/python/test_official_sdk.py: openrouter): pinned.
PY_DEPS = 'maturin>=1.7,<2' pytest mypy nbclient ipykernel nbformat jsonschema==4.26.0 PyYAML==6.0.3 openrouter==1.3.84
# The web recipes (examples/fastapi, examples/flask), the scale test, FastAPI's TestClient (httpx2, for
# tests/python/test_recipes_forged.py), and an independent JOSE library for the sealed-flow interop tests: pinned.
PY_WEB_DEPS = fastapi==0.165.0 uvicorn==0.54.0 redis==8.1.0 flask==3.1.3 joserfc==1.8.0 httpx2==2.16.2
export CARGO_TARGET_DIR ?= $(CURDIR)/target

.PHONY: python-venv python-build python-test python-bench python-demo python-wheel

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

python-venv: $(PY) ## Create the Python virtualenv with the dev tools
	$(PY) -m pip install -q $(PY_DEPS) $(PY_WEB_DEPS)

python-build: python-venv ## Build the Python extension (debug) into the virtualenv
	$(VENV)/bin/maturin develop -q

python-test: python-build ## Python tests (pytest, incl. notebook and wheel install) and mypy.stubtest
	$(PY) -m pytest -q
	$(PY) -m mypy.stubtest openrouter_pkce --allowlist bindings-python/stubtest-allowlist.txt
	$(PY) -m mypy --strict bindings-python/python/openrouter_pkce

python-wheel: python-venv ## Build the release wheel into dist/
	$(VENV)/bin/maturin build --release -o dist

python-bench: python-venv ## generate_pkce() vs the stdlib (release build)
	$(VENV)/bin/maturin develop -q --release
	$(PY) bench/python/bench_pkce.py

python-demo: python-build ## The one-click login() against the emulator (browser simulated), in Python
	$(PY) bindings-python/examples/demo.py
