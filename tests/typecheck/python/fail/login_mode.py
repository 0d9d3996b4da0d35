import openrouter_pkce as orp

orp.login(mode="loopbak")  # E: arg-type
