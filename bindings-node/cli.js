#!/usr/bin/env node
'use strict'
// The `openrouter-pkce` command (`npx openrouter-pkce login`): the core's command line, run on a native
// thread. Ctrl-C / SIGTERM cancel the running command (a login ends with its port closed, exit code 130);
// a second Ctrl-C exits at once.
const native = require('./native.js')

let interrupted = false
function cancel() {
  if (interrupted) process.exit(130)
  interrupted = true
  native._cliCancel()
}
process.on('SIGINT', cancel)
process.on('SIGTERM', cancel)

native._cliMain(['openrouter-pkce', ...process.argv.slice(2)]).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`error: ${err && err.message}\n`)
    process.exit(1)
  },
)
