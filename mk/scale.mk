# The multi-instance scale test of the web recipes (examples/express, examples/fastapi), included by the
# main Makefile. Needs redis-server (Debian package, installed here when missing and we are root), the
# Python virtualenv with the framework packages (mk/python.mk) and the Node addon (mk/node.mk).

# Debian 12 ships redis-server 7.0; any 7.x will do (the test uses only SET/GET/GETDEL/EXPIRE).
REDIS_SERVER_MAJOR := 7
SCALE_REPORT ?= $(CURDIR)/target/scale-report.json

.PHONY: redis-server scale-test

redis-server: ## Install redis-server 7.x from Debian when missing (as root; otherwise says what to run)
	@if ! command -v redis-server >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			DEBIAN_FRONTEND=noninteractive apt-get update -q && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server && \
			systemctl disable --now redis-server >/dev/null 2>&1 || true; \
		else \
			echo "redis-server is missing: run 'sudo apt-get install -y redis-server'" >&2; exit 1; \
		fi; \
	fi
	@redis-server --version | grep -q "v=$(REDIS_SERVER_MAJOR)\." || { echo "need redis-server $(REDIS_SERVER_MAJOR).x, found: $$(redis-server --version)" >&2; exit 1; }

scale-test: redis-server python-build node-build ## Web recipes at scale: 3 instances each, 300 flows, kills, Redis outage, rotation
	@mkdir -p $(dir $(SCALE_REPORT))
	PYTHON="$(CURDIR)/$(PY)" SCALE_REPORT="$(SCALE_REPORT)" node tests/scale/scale.mjs
