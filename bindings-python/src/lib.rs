//! Python bindings for openrouter-pkce (filled in by the Python-package issue).
