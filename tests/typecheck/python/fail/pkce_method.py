import openrouter_pkce as orp

orp.generate_pkce(method="s256")  # E: arg-type
