import { login } from 'openrouter-pkce'

export const p = login({ timeout: 5000 }) // E: TS2561
