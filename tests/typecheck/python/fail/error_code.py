import openrouter_pkce as orp

try:
    orp.load_key()
except orp.OpenRouterPkceError as e:
    if e.code == "INVALID_CODES":  # E: comparison-overlap
        pass
