// Correct spellings type-check: each must-fail file next door fails for its typo only.
import { Emulator, OpenRouterPkceError, authUrl, generatePkce, keyInfo, login, startAuth } from 'openrouter-pkce'

export async function ok(emu: Emulator): Promise<void> {
  const request = startAuth({ callbackUrl: 'http://localhost:3000/callback', method: 'S256' })
  authUrl({ codeChallenge: request.codeChallenge, codeChallengeMethod: 'S256' })
  generatePkce({ method: 'plain' })
  emu.injectFault({ endpoint: 'keyInfo', kind: 'hugeBody' })
  try {
    const key = await login({ mode: 'loopback', timeoutMs: 5000 })
    await keyInfo(key)
  } catch (e) {
    if (e instanceof OpenRouterPkceError && e.code === 'INVALID_CODE') console.log('restart')
  }
}
