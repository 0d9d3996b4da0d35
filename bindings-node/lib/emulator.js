'use strict'
/**
 * The core's in-process fake of OpenRouter, for tests: option checks and coded errors over the native
 * `Emulator`, whose names, defaults and `approve` are the core's.
 * @module openrouter-pkce/emulator
 */

const util = require('node:util')
const native = require('../native.js')
const { convert } = require('./errors.js')
const { checkOptions, sync, withoutSignal, wrapMethods } = require('./arguments.js')
const { cancellable } = require('./cancel.js')

/**
 * The in-process fake of OpenRouter for tests: `new Emulator({autoApprove?, relayState?, codeTtlMs?,
 * port?})`, `await emu.start()`, `emu.baseUrl`, `emu.injectFault({...})`, `emu.requestCount()`,
 * `emu.lastAttribution()`, `emu.issueCode({...})`, `emu.createKey({...})`, `emu.approve(url)`,
 * `await emu.stop()`. It serves `/auth`, `/api/v1/auth/keys`, `/api/v1/auth/keys/code` and
 * `/api/v1/key`, the API endpoints with CORS.
 */
class Emulator extends native.Emulator {
  /** @param {import('../native').EmulatorOpts} [options] */
  constructor(options) {
    checkOptions('Emulator', options, 'emulator')
    try {
      super(options)
    } catch (e) {
      throw convert(e)
    }
  }

  /**
   * Listen (`PORT_IN_USE` if the port is taken). `signal` (an AbortSignal) rejects with `CANCELLED` at
   * once and the start is undone.
   * @param {{signal?: AbortSignal}} [options]
   */
  start(options) {
    return lifecycle(super.start, this, 'start', options)
  }

  /**
   * Close the port, giving in-flight requests a few seconds; `signal` cuts them at once (`CANCELLED`).
   * @param {{signal?: AbortSignal}} [options]
   */
  stop(options) {
    return lifecycle(super.stop, this, 'stop', options)
  }

  [util.inspect.custom]() {
    let url = '(stopped)'
    try {
      url = this.baseUrl
    } catch {}
    return `Emulator { baseUrl: '${url}' }`
  }
}

async function lifecycle(fn, self, name, options) {
  const [rest, signal] = withoutSignal(options)
  checkOptions(name, rest, 'lifecycle')
  return cancellable(fn, self, [], signal, [])
}

wrapMethods(Emulator, {
  requestCount: ['endpointName'],
  lastAttribution: ['endpointName'],
  setAutoApprove: ['on'],
  setRelayState: ['on'],
  setCodeTtlMs: ['ms'],
  approve: ['authUrl'],
})
for (const [name, kind] of [['injectFault', 'fault'], ['issueCode', 'issueCode'], ['createKey', 'createKey']]) {
  const base = native.Emulator.prototype[name]
  const checked = function (options) {
    checkOptions(name, options, kind)
    return base.call(this, options)
  }
  Object.defineProperty(Emulator.prototype, name, { value: sync(checked), writable: true, configurable: true })
}
for (const name of ['baseUrl', 'port']) {
  const desc = Object.getOwnPropertyDescriptor(native.Emulator.prototype, name)
  Object.defineProperty(Emulator.prototype, name, { get: sync(desc.get), configurable: true })
}

module.exports = { Emulator }
