// ESM entry point of openrouter-pkce: the same objects as the CommonJS `index.js`, as named exports.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const api = require('./index.js')

export const {
  VERSION,
  OpenRouterPkceError,
  Pkce,
  generatePkce,
  createVerifier,
  createChallenge,
  verifyChallenge,
  authUrl,
  startAuth,
  AuthRequest,
  ApiKey,
  exchangeCode,
  completeAuth,
  keyInfo,
  login,
  loadKey,
  saveKey,
  logout,
  keyPath,
  Client,
  Emulator,
} = api
export default api
