import { exchangeCode } from 'openrouter-pkce'

export const k = exchangeCode({ code: 'c', codeChallengeMethod: 'S512' }) // E: TS2322
