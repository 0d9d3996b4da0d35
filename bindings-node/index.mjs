// ESM entry point of openrouter-pkce: the same objects as the CommonJS `index.js`, as named exports (Node
// reads their names from `index.js`'s `module.exports = { … }` literal) and as the default export.
export * from './index.js'
export { default } from './index.js'
