// The WebAssembly build (`openrouter-pkce/wasm`) has the native package's types, and `new Client({fetch})`.
import { AuthRequest, Client, OpenRouterPkceError, completeAuth, generatePkce, startAuth } from 'openrouter-pkce/wasm'
import type { ErrorCode, FetchLike } from 'openrouter-pkce/wasm'

export async function wasmOk(fetchImpl: FetchLike): Promise<string> {
  const flow = startAuth({ callbackUrl: 'https://app.example/callback', keyLabel: 'My app' })
  const stored: string = JSON.stringify(flow.toDict())
  const client = new Client({ baseUrl: 'http://127.0.0.1:8080', timeoutMs: 5000, fetch: fetchImpl })
  const key = await client.completeAuth(AuthRequest.fromJSON(JSON.parse(stored)), 'https://app.example/callback?code=x')
  const code: ErrorCode = 'UNSUPPORTED_RUNTIME'
  const again = await completeAuth(flow.seal('a'.repeat(32)), '?code=x', { secrets: 'a'.repeat(32) })
  return `${generatePkce().codeChallenge}${key.masked}${again.masked}${code}${new OpenRouterPkceError('TIMEOUT', 'y').code}`
}
