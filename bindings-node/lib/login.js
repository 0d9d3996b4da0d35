'use strict'
/**
 * The JS half of `login()`: the pasted lines from stdin, the URL callback, the AbortSignal. The flow is
 * the core's.
 * @module openrouter-pkce/login
 */

const native = require('../native.js')
const { checkOptions, checkOptional, checkText, syncEnv } = require('./arguments.js')
const { withSignal } = require('./cancel.js')

/** The longest pasted line the core looks at; one byte more is read, so the core refuses a longer line. */
const MAX_PASTED_LINE = native._maxPastedLine()
/** How many unasked lines are kept before stdin is paused (bounded memory). */
const QUEUED_LINES = 3

/**
 * Pasted lines from stdin for one login, read on the first question and released when the login ends (so
 * stdin never keeps the process alive). Lines that arrive before they are asked for are kept in order; end
 * of input answers `null`. A line is cut after `MAX_PASTED_LINE + 1` bytes (the rest comes as the next line),
 * so an endless one (`< /dev/zero`) costs bounded memory and is refused as malformed; bytes that are not
 * UTF-8 become U+FFFD, refused the same way, never echoed.
 */
function stdinLines() {
  let reading = false
  let closed = false
  let partial = []
  let partialBytes = 0
  const queued = []
  const waiting = []
  const decoder = new TextDecoder('utf-8')
  const deliver = (line) => {
    const w = waiting.shift()
    if (w) w(line)
    else queued.push(line)
  }
  const flush = () => {
    const bytes = Buffer.concat(partial, partialBytes)
    partial = []
    partialBytes = 0
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length
    deliver(decoder.decode(bytes.subarray(0, end)))
  }
  const onData = (chunk) => {
    let start = 0
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start)
      const room = MAX_PASTED_LINE + 1 - partialBytes
      const stop = nl === -1 ? chunk.length : nl
      if (stop - start >= room) {
        partial.push(chunk.subarray(start, start + room))
        partialBytes += room
        start += room
        flush()
        continue
      }
      partial.push(chunk.subarray(start, stop))
      partialBytes += stop - start
      if (nl === -1) break
      flush()
      start = nl + 1
    }
    if (queued.length > QUEUED_LINES) process.stdin.pause()
  }
  const onEnd = () => {
    if (partialBytes > 0) flush()
    closed = true
    for (const w of waiting.splice(0)) w(null)
    stop()
  }
  const stop = () => {
    if (!reading) return
    reading = false
    process.stdin.off('data', onData)
    process.stdin.off('end', onEnd)
    process.stdin.pause()
  }
  return {
    ask(prompt) {
      if (queued.length > 0) {
        const line = queued.shift()
        if (reading && queued.length <= QUEUED_LINES) process.stdin.resume()
        return Promise.resolve(line)
      }
      if (closed) return Promise.resolve(null)
      if (!reading) {
        reading = true
        process.stdin.on('data', onData)
        process.stdin.on('end', onEnd)
      }
      process.stdin.resume()
      process.stderr.write(prompt)
      return new Promise((resolve) => waiting.push(resolve))
    },
    close() {
      closed = true
      stop()
      for (const w of waiting.splice(0)) w(null)
    },
  }
}

/** `onUrl` as the core calls it; one that throws has the URL printed instead (the login goes on). */
function urlShower(onUrl) {
  if (!onUrl) return null
  return (url, headless) => {
    try {
      onUrl(url, { headless })
    } catch (e) {
      process.stderr.write(`\n${url}\n`)
      process.emitWarning(`login: onUrl threw (${e && e.message}); the URL was printed instead`)
    }
  }
}

/** `login(options)` through the native `nativeLogin` of `self` (a `Client`). */
async function runLogin(nativeLogin, self, options) {
  syncEnv()
  checkOptions('login', options)
  const { signal, onUrl, ...rest } = options === undefined || options === null ? {} : options
  checkOptional(signal, 'signal', 'signal')
  checkOptional(onUrl, 'onUrl', 'function')
  checkText([rest], ['options'])
  let lines = null
  const start = (id) => {
    lines = stdinLines()
    return nativeLogin.call(self, rest, urlShower(onUrl), (prompt) => lines.ask(prompt), Boolean(process.stdin.isTTY), id)
  }
  return withSignal(signal, [], [], start, () => lines && lines.close())
}

module.exports = { runLogin }
