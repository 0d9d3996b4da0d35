import openrouter_pkce as orp

session = orp.start_auth("http://localhost:3000/callback").to_dict()
print(session["code_verifer"])  # E: typeddict-item
