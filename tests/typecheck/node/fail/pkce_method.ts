import { generatePkce } from 'openrouter-pkce'

export const p = generatePkce({ method: 's256' }) // E: TS2820
