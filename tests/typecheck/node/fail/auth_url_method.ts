import { authUrl } from 'openrouter-pkce'

export const u = authUrl({ codeChallengeMethod: 'sha256' }) // E: TS2820
