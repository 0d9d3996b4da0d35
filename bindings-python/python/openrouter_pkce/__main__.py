"""``python -m openrouter_pkce``: the ``openrouter-pkce`` command."""

from openrouter_pkce._cli import run

if __name__ == "__main__":
    run()
