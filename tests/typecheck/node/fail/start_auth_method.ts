import { startAuth } from 'openrouter-pkce'

export const r = startAuth({ method: 'SHA256' }) // E: TS2820
