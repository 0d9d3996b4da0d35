import { startAuth } from 'openrouter-pkce'

export const r = startAuth({ key_label: 'x' }) // E: TS2561
