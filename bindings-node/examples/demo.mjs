// A whole flow in Node against the in-process emulator: startAuth → (browser) → completeAuth.
// Run: `make node-demo` (or `node bindings-node/examples/demo.mjs` from a checkout with the addon built).
import { Emulator, startAuth, completeAuth, keyInfo } from 'openrouter-pkce';

const emu = new Emulator();
await emu.start();
try {
  const request = startAuth({ callbackUrl: 'http://localhost:3000/callback', keyLabel: 'demo', baseUrl: emu.baseUrl });
  console.log('1. send the user to:', request.url);
  // What the browser does: the emulator approves at once and redirects to the callback.
  const answer = await fetch(request.url, { redirect: 'manual' });
  const callback = answer.headers.get('location');
  console.log('2. the browser came back to the callback');
  const key = await completeAuth(request, callback);
  console.log('3. got', String(key), '— settings:', key.settingsUrl);
  const info = await keyInfo(key.key, { baseUrl: emu.baseUrl });
  console.log('4. key info: label', JSON.stringify(info.label));
} finally {
  await emu.stop();
}
