// Starts the webpack-bundled Web Worker (body-webworker.mjs) with the page's query, and shows its result.
const worker = new Worker('/worker.js' + location.search)
worker.onmessage = (event) => {
  window.__result = event.data
  document.getElementById('out').textContent = JSON.stringify(event.data, null, 1)
}
worker.onerror = (event) => {
  window.__result = { passed: 0, failed: 1, steps: [{ name: 'worker', ok: false, error: event.message }] }
}
