// `npm pack` produces a package that installs (offline, it has no dependencies) and works
// in a fresh folder: require('codecommit-auth') there signs tests/vectors.json correctly.

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'

import { PACKAGE_DIR, REPO_ROOT, SANDBOX } from './helpers.mjs'

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

test('npm pack installs and works in a fresh folder', () => {
  const out = path.join(SANDBOX, 'pack')
  fs.mkdirSync(out)
  const packed = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', out], { cwd: PACKAGE_DIR, encoding: 'utf8' }))
  const files = packed[0].files.map((f) => f.path).sort()
  assert.deepEqual(files.filter((f) => !f.endsWith('.node')), ['README.md', 'index.d.ts', 'index.js', 'main.d.mts', 'main.d.ts', 'main.js', 'main.mjs', 'package.json'])
  assert.ok(files.some((f) => /^codecommit-auth\.[a-z0-9-]+\.node$/.test(f)), files.join(', '))

  const fresh = path.join(SANDBOX, 'fresh')
  fs.mkdirSync(fresh)
  fs.writeFileSync(path.join(fresh, 'package.json'), JSON.stringify({ name: 'fresh', version: '1.0.0', private: true }))
  execFileSync(npm, ['install', '--offline', '--no-audit', '--no-fund', path.join(out, packed[0].filename)], { cwd: fresh, stdio: 'pipe' })

  const vectors = path.join(REPO_ROOT, 'tests', 'vectors.json')
  const script = `
    const cc = require('codecommit-auth')
    const { vectors } = require(${JSON.stringify(vectors)})
    for (const v of vectors) {
      const c = cc.sign({ accessKeyId: v.access_key_id, secretAccessKey: v.secret_access_key, sessionToken: v.session_token,
                          region: v.region, host: v.host, path: v.path, at: new Date(v.at) })
      if (c.url !== v.url) throw new Error('differs: ' + v.at)
    }
    console.log(require.resolve('codecommit-auth'), vectors.length)
  `
  const printed = execFileSync(process.execPath, ['-e', script], { cwd: fresh, encoding: 'utf8' })
  assert.match(printed, new RegExp(`^${fresh.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/node_modules/codecommit-auth/main\\.js \\d+`))
})
