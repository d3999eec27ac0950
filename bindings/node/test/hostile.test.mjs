// The hostile remotes of tests/hostile_remotes.json (shared with the CLI, Python and C runs in
// tests/test_hostile.py) through the Node API: each one is refused with its documented code,
// or signed for exactly the expected CodeCommit host; never for another host, never a
// message with a line break or a secret.

import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'

import { AWS_CONFIG_FILE, REPO_ROOT, cc } from './helpers.mjs'

const SECRETS = ['hostile/env+secret=KEY0123456789abcdefghij', 'hostile/profile+secret=KEY0123456789abcdef']
// The environment of tests/test_hostile.py (hostile_env).
fs.writeFileSync(
  AWS_CONFIG_FILE,
  '[default]\nregion = us-east-1\n[profile me@corp]\nregion = eu-west-1\n' +
    `aws_access_key_id = AKIAHOSTILEPROFILE01\naws_secret_access_key = ${SECRETS[1]}\n`,
)
process.env.AWS_ACCESS_KEY_ID = 'ASIAHOSTILEENVKEY001'
process.env.AWS_SECRET_ACCESS_KEY = SECRETS[0]
process.env.AWS_SESSION_TOKEN = 'FwoGZXIvYXdzEHostileToken/+=0123456789'

const { cases } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tests', 'hostile_remotes.json'), 'utf8'))
for (const c of cases) {
  if (c.repeat) c.remote = c.remote + c.repeat[0].repeat(c.repeat[1]) + (c.suffix ?? '')
}

function outcome(run) {
  try {
    const cred = run()
    return { status: 0, host: cred.host, url: cred.url }
  } catch (err) {
    assert.ok(err instanceof Error, `not an Error: ${err}`)
    return { status: err.errno, message: err.message, code: err.code }
  }
}

function check(c, got) {
  assert.equal(got.status, c.status, `${c.id}: ${JSON.stringify(got)}`)
  if (c.status === 0) {
    assert.equal(got.host.toLowerCase(), c.host.toLowerCase(), c.id)
    assert.ok(!got.url.includes('evil'), c.id)
  } else {
    assert.ok(!/[\r\n]/.test(got.message), `${c.id}: multi-line message ${JSON.stringify(got.message)}`)
    for (const s of SECRETS) assert.ok(!got.message.includes(s), `${c.id}: secret in message`)
  }
}

test(`${cases.length} hostile remotes through gitCredentialSync`, () => {
  for (const c of cases) check(c, outcome(() => cc.gitCredentialSync(c.remote)))
})

test('the same remotes through Client.gitCredential (Promise API)', async () => {
  const client = new cc.Client({ cache: false })
  for (const c of cases) {
    let got
    try {
      const cred = await client.gitCredential(c.remote)
      got = { status: 0, host: cred.host, url: cred.url }
    } catch (err) {
      got = { status: err.errno, message: err.message, code: err.code }
    }
    check(c, got)
  }
})

test('console.log / util.inspect / JSON.stringify of a credential and a client show no secret', async () => {
  const util = await import('node:util')
  const client = new cc.Client({ cache: false })
  const cred = client.gitCredentialSync('codecommit::us-east-1://repo')
  const token = process.env.AWS_SESSION_TOKEN
  assert.ok(cred.username.includes(token), 'the test credential has a session token')
  const shown = [
    util.inspect(cred, { showHidden: true, depth: 5, getters: false }),
    util.inspect(client, { showHidden: true, depth: 5 }),
    JSON.stringify(cred),
    JSON.stringify(client),
    String(cred),
    Object.keys(cred).join(','),
  ].join('\n')
  for (const needle of [SECRETS[0], token, cred.password, encodeURIComponent(token)]) {
    assert.ok(!shown.includes(needle), `shown: ${shown}`)
  }
})
