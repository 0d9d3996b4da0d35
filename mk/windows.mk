# Windows, tested here: cross-built with Debian's mingw-w64 and run under Debian's wine (tests/windows/check.sh).
.PHONY: windows-check

windows-check: ## Windows under wine: the core's tests, the CLI and login suites, the Node addon in Windows node.exe
	bash tests/windows/check.sh
