import { login } from 'openrouter-pkce'

export const p = login({ mode: 'loopbak' }) // E: TS2820
