// Node speaks Node (issue 12): one core client per Client (sync and async calls share one
// credential memory), unknown option names refused, Promise functions reject instead of
// throwing, no Rust wording in messages, no loader metadata among the exports,
// util.inspect shows no secret, core's cache warnings reach process.emitWarning (and are
// drained), HOST_NOT_ALLOWED points at the endpoint option, one signing-time range.

import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, test } from 'node:test'
import util from 'node:util'

import { PACKAGE_DIR, SANDBOX, cc, startEndpoint, writeAwsConfig, writeAwsCredentials } from './helpers.mjs'

const ROLE = 'arn:aws:iam::123456789012:role/deployer'
const AKID = 'AKIACOUNTEDCOUNTED02'
const SECRET = 'counted-secret-value'

/** A credential_process counting its runs in a file. */
function countingProcess(name) {
  const runs = path.join(SANDBOX, `${name}.runs`)
  const script = path.join(SANDBOX, `${name}.sh`)
  const payload = JSON.stringify({ Version: 1, AccessKeyId: AKID, SecretAccessKey: SECRET })
  fs.writeFileSync(script, `echo run >> '${runs}'\nprintf '%s' '${payload}'\n`)
  return { command: `sh ${script}`, runs: () => (fs.existsSync(runs) ? fs.readFileSync(runs, 'utf8').split('\n').filter(Boolean).length : 0) }
}

const counted = countingProcess('language')
let endpoint

before(async () => {
  endpoint = await startEndpoint({ args: ['--sts'] })
  process.env.AWS_ENDPOINT_URL_STS = endpoint.sts_url
  writeAwsConfig({
    counted: { region: 'us-east-1', credential_process: counted.command },
    base: { region: 'us-east-1' },
    role: { role_arn: ROLE, source_profile: 'base', region: 'us-east-1' },
  })
  writeAwsCredentials({ base: { aws_access_key_id: 'AKIABASEBASEBASEBAS2', aws_secret_access_key: 'base-secret' } })
})

after(async () => {
  await endpoint?.stop()
})

test('a sync call then an async call on one client run the credential_process once', async () => {
  const client = new cc.Client({ cache: false })
  const remote = 'codecommit://counted@repo'
  assert.equal(client.gitCredentialSync(remote).accessKeyId, AKID)
  assert.equal((await client.gitCredential(remote)).accessKeyId, AKID)
  assert.equal(client.signedUrlSync(remote).includes(AKID), true)
  assert.equal(counted.runs(), 1)
})

test('unknown option names are refused, with the known ones listed', async () => {
  const check = (e) => {
    assert.ok(e instanceof TypeError, String(e))
    assert.equal(e.code, 'ERR_INVALID_ARG_VALUE')
    assert.match(e.message, /unknown property "endpiont" \(known: .*\b(endpoint|at)\b/)
    return true
  }
  assert.throws(() => new cc.Client({ endpiont: 'localhost:1' }), check)
  assert.throws(() => cc.gitCredentialSync('codecommit://counted@repo', { endpiont: 'x' }), check)
  await assert.rejects(cc.gitCredential('codecommit://counted@repo', { endpiont: 'x' }), check)
  await assert.rejects(new cc.Client().gitCredential('codecommit://counted@repo', { endpiont: 'x' }), check)
  // A request's options are `at` only: client options there are refused too.
  assert.throws(() => new cc.Client().gitCredentialSync('codecommit://counted@repo', { profile: 'x' }), /unknown property "profile"/)
  assert.throws(() => cc.sign({ accessKeyId: 'A', secretAccessKey: 's', region: 'us-east-1', host: 'h', path: '/v1/repos/r', acessKeyId: 'B' }), /unknown property "acessKeyId"/)
})

test('Promise functions reject on wrong arguments; nothing is thrown synchronously', async () => {
  const client = new cc.Client()
  const calls = {
    gitCredential: () => cc.gitCredential(42),
    signedUrl: () => cc.signedUrl('codecommit://r', { profile: 5 }),
    'Client#gitCredential': () => client.gitCredential(undefined),
    'Client#signedUrl': () => client.signedUrl('codecommit://r', 'options'),
    onAuth: () => client.isomorphicGitAuth()(7),
    'bad at': () => cc.gitCredential('codecommit://r', { at: 'now' }),
  }
  for (const [name, call] of Object.entries(calls)) {
    let promise
    assert.doesNotThrow(() => { promise = call() }, name)
    assert.ok(promise instanceof Promise, name)
    await assert.rejects(promise, (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_TYPE', name)
  }
})

test('messages never show Rust type wording', async () => {
  const attempts = [
    () => new cc.Client({ profile: 42 }),
    () => new cc.Client({ mfa: 'code' }),
    () => new cc.Client({ refreshMarginSeconds: '600' }),
    () => cc.gitCredentialSync('codecommit://r', { at: {} }),
    () => cc.sign({ accessKeyId: 1 }),
    () => cc.sign({}),
  ]
  for (const attempt of attempts) {
    const e = await (async () => { try { await attempt() } catch (e) { return e } })()
    assert.ok(e instanceof Error, `${attempt}`)
    assert.doesNotMatch(e.message, /rust|napi|String|f64|Option</, `${attempt}: ${e.message}`)
  }
  assert.throws(() => new cc.Client({ profile: 42 }), { message: 'The "options.profile" property must be of type string. Received type number' })
})

test('the exports are the public API only (no loader metadata)', async () => {
  assert.deepEqual(Object.keys(cc).sort(), ['Client', 'GitCredential', 'errorCodes', 'gitCredential', 'gitCredentialSync', 'sign', 'signedUrl', 'signedUrlSync'])
  assert.equal('__napiBindingTarget' in cc, false)
  const esm = await import(path.join(PACKAGE_DIR, 'main.js'))
  assert.deepEqual(Object.keys(esm).filter((k) => k.startsWith('__')), [])
  assert.equal(typeof esm.Client, 'function')
  assert.doesNotMatch(fs.readFileSync(path.join(PACKAGE_DIR, 'main.d.ts'), 'utf8'), /__napi/)
})

test('util.inspect(cred) shows host, region, masked key id and expiry, never a secret', async () => {
  const cred = await new cc.Client({ cache: false }).gitCredential('codecommit://counted@repo')
  const shown = util.inspect(cred)
  assert.match(shown, /host: 'git-codecommit\.us-east-1\.amazonaws\.com'/)
  assert.match(shown, /region: 'us-east-1'/)
  assert.match(shown, /accessKeyId: '\*\*\*\*ED02'/)
  assert.match(shown, /expiresAt: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/)
  for (const secret of [AKID, SECRET, cred.password, cred.url]) assert.ok(!shown.includes(secret), shown)
  assert.equal(util.inspect({ nested: cred }).includes(cred.password), false)
  assert.equal('__inspect' in cred, false)
})

test("core's cache warnings reach process.emitWarning once each (the list is drained)", async () => {
  // A group-writable cache directory fails the trust check: core does not use it and warns.
  const cache = path.join(process.env.HOME, '.aws', 'cli', 'cache')
  fs.mkdirSync(cache, { recursive: true })
  fs.chmodSync(cache, 0o777)
  const seen = []
  const listener = (w) => { if (w.name === 'CodeCommitAuthWarning') seen.push(w) }
  process.on('warning', listener)
  try {
    const client = new cc.Client({ endpoint: endpoint.url })
    const remote = `codecommit::us-east-1://role@repo`
    await client.gitCredential(remote)
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(seen.length, 1, seen.map(String).join('\n'))
    assert.equal(seen[0].code, 'CODECOMMIT_AUTH_CACHE')
    assert.match(seen[0].message, /cache/)
    // The sync API drains too; nothing is re-emitted.
    const sync = new cc.Client({ endpoint: endpoint.url, refreshMarginSeconds: 3600 * 24 })
    sync.gitCredentialSync(remote)
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(seen.length, 2)
    await client.gitCredential(remote) // remembered: no cache access, no warning
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(seen.length, 2)
  } finally {
    process.off('warning', listener)
    fs.chmodSync(cache, 0o700)
  }
})

test('HOST_NOT_ALLOWED points a Node caller at the endpoint option', () => {
  assert.throws(() => cc.gitCredentialSync('https://example.com/v1/repos/r', { profile: 'counted' }), (e) => {
    assert.equal(e.code, 'HOST_NOT_ALLOWED')
    assert.match(e.message, /endpoint option/)
    return true
  })
})

test('signing times: 1970-01-01 to 9999-12-31 (UTC), as every binding', () => {
  const input = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 's', region: 'us-east-1', host: 'git-codecommit.us-east-1.amazonaws.com', path: '/v1/repos/r' }
  for (const at of ['1970-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z']) {
    assert.equal(cc.sign({ ...input, at: new Date(at) }).password.slice(0, 16), at.slice(0, 19).replace(/[-:]/g, '') + 'Z')
  }
  for (const at of ['1969-12-31T23:59:59.999Z', '0000-01-01T00:00:00.000Z', '+010000-01-01T00:00:00.000Z']) {
    assert.throws(() => cc.sign({ ...input, at: new Date(at) }), { code: 'INVALID_ARGUMENT', message: /from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z/ })
  }
})
