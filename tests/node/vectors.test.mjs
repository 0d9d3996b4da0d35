// The shared vectors (the same files the Rust and Python suites read), through the native addon. The tests
// are tests/node/_vectors.mjs, which tests/wasm/vectors.test.mjs runs over the WebAssembly build too.
import * as api from 'openrouter-pkce'
import { rejectsWith } from './_helpers.mjs'
import { vectorTests } from './_vectors.mjs'

vectorTests(api, { rejectsWith, Emulator: api.Emulator, label: 'native' })
