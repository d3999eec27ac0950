// The ES module entry point (main.mjs, the package's "import" export) exports the same
// objects as main.js: one addon, one set of classes, whichever way a user loads it.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { test } from 'node:test'

import { PACKAGE_DIR, require } from './helpers.mjs'

test('main.mjs exports exactly what main.js exports, the same objects', async () => {
  const esm = await import(`${PACKAGE_DIR}/main.mjs`)
  const cjs = require(`${PACKAGE_DIR}/main.js`)
  const names = Object.keys(esm).filter((k) => k !== 'default').sort()
  assert.deepEqual(names, Object.keys(cjs).sort())
  for (const name of names) assert.equal(esm[name], cjs[name], name)
  assert.equal(esm.default, cjs)
})

test('the package.json exports map sends import to main.mjs and require to main.js', () => {
  const pkg = require(`${PACKAGE_DIR}/package.json`)
  assert.equal(pkg.exports['.'].import.default, './main.mjs')
  assert.equal(pkg.exports['.'].require.default, './main.js')
  assert.ok(pkg.files.includes('main.mjs') && pkg.files.includes('main.d.mts'))
})

test('TypeScript resolves `import ... from "codecommit-auth"` to main.d.mts and type-checks it', () => {
  // NodeNext resolution through the exports map's "import" condition (self-reference).
  const tsc = require.resolve('typescript/bin/tsc')
  const out = spawnSync(process.execPath, [tsc, '-p', path.join(PACKAGE_DIR, 'test', 'tsconfig.esm.json'), '--traceResolution'],
    { encoding: 'utf8', timeout: 120_000 })
  assert.equal(out.status, 0, out.stdout.split('\n').filter((l) => l.includes('error')).join('\n'))
  assert.match(out.stdout, /Module name 'codecommit-auth' was successfully resolved to '[^']*main\.d\.mts'/)
})
