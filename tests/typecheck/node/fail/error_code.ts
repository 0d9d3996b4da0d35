import { OpenRouterPkceError } from 'openrouter-pkce'

export function f(e: OpenRouterPkceError): boolean {
  return e.code === 'INVALID_CODES' // E: TS2367
}
