// The shared body's entry for Node, Deno and Bun: `<runtime> entry.mjs '<json>'` with
// { baseUrl, expect, specifier, vectorsDir }. The driver copies this file and body.mjs into a consumer
// project (target/runtimes/…) whose node_modules holds `openrouter-pkce`, so the import below resolves the
// way it does for a user, through the package's `exports` conditions. Prints one line `RESULT <json>` and
// exits 0 when every step passed, 1 otherwise.
import { runBody, approveByRedirect } from './body.mjs'

const args = globalThis.Deno ? globalThis.Deno.args : globalThis.process.argv.slice(2)
const { baseUrl, expect, specifier, vectorsDir } = JSON.parse(args[0])

const json = async (name) => (await import(`${vectorsDir}/${name}.json`, { with: { type: 'json' } })).default
const vectors = { pkce: await json('pkce'), authUrls: await json('auth_urls') }

let result
try {
  const lib = await import(specifier)
  result = await runBody(lib, { baseUrl, vectors, expect, approve: approveByRedirect })
} catch (e) {
  result = { passed: 0, failed: 1, steps: [{ name: `import ${specifier}`, ok: false, error: `${e.name}: ${e.message}` }] }
}
console.log(`RESULT ${JSON.stringify(result)}`)
const code = result.failed === 0 ? 0 : 1
if (globalThis.Deno) globalThis.Deno.exit(code)
else globalThis.process.exit(code)
