//! Black-box tests: a raw HTTP client against a running emulator.
