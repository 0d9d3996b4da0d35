'use strict'
/**
 * Calls into the core that an `AbortSignal` can end: the call id the native layer cancels by, and the
 * listener that does it.
 * @module openrouter-pkce/cancel
 */

const native = require('../native.js')
const { abortedError, convert } = require('./errors.js')
const { checkOptional, checkText, syncEnv } = require('./arguments.js')

let nextCallId = 0

/** A fresh id for `_cancel` (one counter for every cancellable call of this thread, logins included). */
function newCallId() {
  nextCallId = (nextCallId % 0xffffffff) + 1
  return nextCallId
}

/**
 * Run `start(id)` (a native call returning a promise) and await it; aborting `signal` (before or during
 * the call) drops the call in the core at once and rejects with `CANCELLED`. `args` / `names` are the
 * call's arguments and their names, for type errors; `always` runs when it ends, however.
 */
async function withSignal(signal, args, names, start, always = () => {}) {
  checkOptional(signal, 'signal', 'signal')
  checkText(args, names)
  // Nothing is started for an aborted signal: the core's CANCELLED at once.
  if (signal && signal.aborted) {
    always()
    throw abortedError()
  }
  const id = newCallId()
  let pending
  try {
    pending = start(id)
  } catch (e) {
    always()
    throw convert(e, args, names)
  }
  const onAbort = () => native._cancel(id)
  if (signal) signal.addEventListener('abort', onAbort, { once: true })
  try {
    return await pending
  } catch (e) {
    throw convert(e, args, names)
  } finally {
    if (signal) signal.removeEventListener('abort', onAbort)
    always()
  }
}

/** Call the native async `fn` on `self` with `args` and a cancel id (see `withSignal`), after `syncEnv()`. */
function cancellable(fn, self, args, signal, names) {
  syncEnv()
  return withSignal(signal, args, names, (id) => fn.apply(self, [...args, signal ? id : undefined]))
}

module.exports = { withSignal, cancellable }
