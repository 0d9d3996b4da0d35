import openrouter_pkce as orp


async def main() -> None:
    await orp.login_async(mode="Headless")  # E: arg-type
