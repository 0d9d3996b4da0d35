//! Node.js bindings for openrouter-pkce (filled in by the Node-package issue).
