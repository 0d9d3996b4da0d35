// Types that catch typos: `tsc --strict` over tests/typecheck/node. Every file in fail/ must fail with the
// error code its `// E: TSnnnn` comment names, on that line and nowhere else; pass/ must have no error
// (so a fail file fails for its typo, not for something else).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { ROOT } from './_helpers.mjs'

const DIR = join(ROOT, 'tests', 'typecheck', 'node')

test('tsc --strict: every typo fails on its line with its code, the correct spellings pass', () => {
  const tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc')
  let out = ''
  try {
    execFileSync(process.execPath, [tsc, '-p', join(DIR, 'tsconfig.json'), '--pretty', 'false'], { encoding: 'utf8', timeout: 180000 })
  } catch (e) {
    out = e.stdout
  }
  const errors = out.split('\n').filter((l) => l.includes(': error TS'))
  assert.ok(!errors.some((l) => l.includes('/pass/')), `the correct spellings do not type-check:\n${out}`)
  const cases = readdirSync(join(DIR, 'fail')).filter((f) => f.endsWith('.ts'))
  assert.ok(cases.length >= 10)
  for (const file of cases) {
    const lines = readFileSync(join(DIR, 'fail', file), 'utf8').split('\n')
    const marked = lines.map((l, i) => [i + 1, l.match(/\/\/ E: (TS\d+)/)]).filter(([, m]) => m)
    assert.equal(marked.length, 1, `${file}: mark the one failing line with // E: TSnnnn`)
    const [line, [, code]] = marked[0]
    const mine = errors.filter((l) => l.includes(`/fail/${file}(`))
    assert.ok(mine.length > 0, `${file} type-checked`)
    for (const l of mine) assert.ok(l.includes(`/fail/${file}(${line},`), `${file}: an error off line ${line}: ${l}`)
    assert.ok(mine.some((l) => l.includes(`error ${code}:`)), `${file}: expected ${code}, got ${mine}`)
  }
})
