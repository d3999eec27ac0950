// The ES module entry point (main.mjs, the package's "import" export) exports the same
// objects as main.js: one addon, one set of classes, whichever way a user loads it.

import assert from 'node:assert/strict'
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
