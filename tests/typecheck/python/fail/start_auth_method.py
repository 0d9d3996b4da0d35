import openrouter_pkce as orp

orp.start_auth("http://localhost:3000/callback", method="SHA256")  # E: arg-type
