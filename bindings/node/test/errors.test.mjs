// Every error code core can produce through the Node API surfaces as an Error with that
// `code` (and `errno` = its number); arguments of the wrong type throw TypeError.

import assert from 'node:assert/strict'
import { test } from 'node:test'

import { cc, writeAwsConfig, writeAwsCredentials } from './helpers.mjs'

const ROLE = 'arn:aws:iam::123456789012:role/deployer'
const SERIAL = 'arn:aws:iam::123456789012:mfa/alice'

writeAwsConfig({
  static: { region: 'us-east-1' },
  noregion: {},
  nocreds: { region: 'us-east-1' },
  norole: { role_arn: ROLE, region: 'us-east-1' },
  'sso-session corp': { sso_start_url: 'https://example.invalid/start', sso_region: 'us-east-1' },
  sso: { sso_session: 'corp', sso_account_id: '123456789012', sso_role_name: 'Dev', region: 'us-east-1' },
  mfa: { role_arn: ROLE, source_profile: 'static', mfa_serial: SERIAL, region: 'us-east-1' },
  failing: { credential_process: 'sh -c "echo no credentials here >&2; exit 3"', region: 'us-east-1' },
})
writeAwsCredentials({
  static: { aws_access_key_id: 'AKIASTATICSTATICSTAT', aws_secret_access_key: 'static-secret' },
  noregion: { aws_access_key_id: 'AKIANOREGIONNOREGION', aws_secret_access_key: 'secret' },
})

const SIGN = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
  host: 'git-codecommit.us-east-1.amazonaws.com',
  path: '/v1/repos/MyDemoRepo',
  at: new Date('2023-11-14T22:13:20Z'),
}

/**
 * One way to reach each code through the Node API. `run` returns a Promise (rejection
 * expected) or throws synchronously.
 */
const TRIGGERS = {
  INVALID_REMOTE: [
    () => cc.gitCredential('not a remote'),
    () => cc.gitCredentialSync('codecommit://'),
    () => new cc.Client().signedUrl('ssh://git-codecommit.us-east-1.amazonaws.com/v1/repos/r'),
    () => new cc.Client().plainUrl('codecommit::us-east-1://'),
  ],
  INVALID_REGION: [
    () => cc.gitCredential('codecommit://static@repo', { region: 'not a region' }),
    () => cc.gitCredential('codecommit://noregion@repo'),
    () => new cc.Client({ region: 'Mars' }),
    () => cc.sign({ ...SIGN, region: 'us east 1' }),
  ],
  HOST_NOT_ALLOWED: [
    () => cc.gitCredential('https://example.com/v1/repos/r', { profile: 'static' }),
    () => cc.signedUrlSync('https://git-codecommit.us-east-1.amazonaws.com.evil.example/v1/repos/r', { profile: 'static' }),
  ],
  UNKNOWN_PROFILE: [
    () => cc.gitCredential('codecommit::us-east-1://nosuchprofile@repo'),
    () => new cc.Client({ profile: 'nosuchprofile' }).gitCredentialSync('codecommit::us-east-1://repo'),
  ],
  INVALID_CONFIG: [() => cc.gitCredential('codecommit::us-east-1://norole@repo')],
  NO_CREDENTIALS: [() => cc.gitCredential('codecommit::us-east-1://nocreds@repo')],
  LOGIN_REQUIRED: [() => cc.gitCredential('codecommit::us-east-1://sso@repo', { cache: false })],
  MFA_REQUIRED: [
    // No callback at all.
    () => cc.gitCredential('codecommit::us-east-1://mfa@repo', { cache: false }),
    // The callback rejects.
    () => cc.gitCredential('codecommit::us-east-1://mfa@repo', { cache: false, mfa: async () => { throw new Error('user cancelled') } }),
    // The callback throws.
    () => cc.gitCredential('codecommit::us-east-1://mfa@repo', { cache: false, mfa: () => { throw new Error('no device') } }),
    // The callback returns something that is not a code.
    () => cc.gitCredential('codecommit::us-east-1://mfa@repo', { cache: false, mfa: () => 42 }),
    // A synchronous call cannot run the callback (it would block the thread the callback needs).
    () => cc.gitCredentialSync('codecommit::us-east-1://mfa@repo', { cache: false, mfa: () => '123456' }),
  ],
  CREDENTIAL_SOURCE: [() => cc.gitCredential('codecommit::us-east-1://failing@repo')],
  TIMEOUT: [
    () => cc.gitCredential('codecommit::us-east-1://mfa@repo', {
      cache: false,
      mfa: () => new Promise(() => {}), // never answers
      mfaTimeoutSeconds: 0.2,
    }),
  ],
  INVALID_ARGUMENT: [
    () => cc.sign({ ...SIGN, path: '/not/a/repo/path' }),
    () => cc.sign({ ...SIGN, accessKeyId: '' }),
    () => cc.sign({ ...SIGN, at: new Date(NaN) }),
    // A signature spells the year with four digits.
    () => cc.sign({ ...SIGN, at: new Date(8.64e15) }),
    () => cc.gitCredentialSync('codecommit::us-east-1://static@repo', { at: new Date('+010000-01-01T00:00:00Z') }),
    () => cc.gitCredential('codecommit::us-east-1://static@repo', { at: new Date('-000001-12-31T23:59:59Z') }),
    () => new cc.Client({ refreshMarginSeconds: -1 }),
    () => cc.gitCredential('codecommit::us-east-1://static@repo', { mfaTimeoutSeconds: Infinity }),
  ],
}

/** Codes no Node API call can produce, and why. A new core code must be added to one list. */
const NOT_FROM_NODE = {
  INVALID_CREDENTIAL_REQUEST: "parsing git's credential-helper request: only the CLI speaks that protocol",
  MISSING_PATH: "git's credential-helper request without a path: only the CLI speaks that protocol",
  IO: 'stdin/stdout/terminal/git failures of the CLI programs; the library reports none',
  INTERNAL: 'a bug: a panic in core is caught at the boundary and reported with this code',
  NULL_ARGUMENT: 'C API only',
  INVALID_UTF8: 'C API only (JavaScript strings are always valid Unicode)',
}

async function outcome(run) {
  try {
    await run()
  } catch (e) {
    return e
  }
  return null
}

test('every error code is either reachable from Node or documented as not', () => {
  const codes = cc.errorCodes()
  const names = Object.keys(codes).sort()
  assert.deepEqual([...Object.keys(TRIGGERS), ...Object.keys(NOT_FROM_NODE)].sort(), names)
  assert.equal(codes.INVALID_REMOTE, 10)
  assert.equal(codes.INVALID_UTF8, 26)
  assert.equal(new Set(Object.values(codes)).size, names.length)
})

for (const [code, triggers] of Object.entries(TRIGGERS)) {
  test(`${code} surfaces as error.code`, async () => {
    const errno = cc.errorCodes()[code]
    for (const run of triggers) {
      const e = await outcome(run)
      assert.ok(e instanceof Error, `${run}: expected an error, got ${e}`)
      assert.ok(!(e instanceof TypeError), `${run}: ${e}`)
      assert.equal(e.code, code, `${run}: ${e.code}: ${e.message}`)
      assert.equal(e.errno, errno)
      assert.ok(e.message.length > 20, e.message)
      assert.doesNotMatch(e.message, /rust type|napi/i, `${run}`)
      assert.match(e.stack, /^Error: /)
    }
  })
}

test('errors name what to do next and never carry a secret', async () => {
  const e = await outcome(() => cc.gitCredential('codecommit::us-east-1://nosuchprofile@repo'))
  assert.match(e.message, /nosuchprofile/)
  assert.match(e.message, /aws configure --profile nosuchprofile/)
  const rejected = await outcome(() => cc.gitCredential('codecommit::us-east-1://mfa@repo', {
    cache: false, mfa: async () => { throw new Error('user cancelled') },
  }))
  assert.match(rejected.message, /user cancelled/)
  assert.match(rejected.message, new RegExp(SERIAL))
  const sync = await outcome(() => cc.gitCredentialSync('codecommit::us-east-1://mfa@repo', { cache: false, mfa: () => '1' }))
  assert.match(sync.message, /Promise API/)
  const bad = await outcome(() => cc.sign({ ...SIGN, path: '/x' }))
  assert.ok(!bad.message.includes(SIGN.secretAccessKey))
})

test('synchronous functions throw, Promise functions reject', async () => {
  assert.throws(() => cc.gitCredentialSync('nope'), { code: 'INVALID_REMOTE' })
  assert.throws(() => cc.signedUrlSync('nope'), { code: 'INVALID_REMOTE' })
  assert.throws(() => new cc.Client().gitCredentialSync('nope'), { code: 'INVALID_REMOTE' })
  assert.throws(() => new cc.Client().signedUrlSync('nope'), { code: 'INVALID_REMOTE' })
  const p = cc.gitCredential('nope')
  assert.ok(p instanceof Promise)
  await assert.rejects(p, { code: 'INVALID_REMOTE' })
  await assert.rejects(cc.signedUrl('nope'), { code: 'INVALID_REMOTE' })
  await assert.rejects(new cc.Client().gitCredential('nope'), { code: 'INVALID_REMOTE' })
  await assert.rejects(new cc.Client().signedUrl('nope'), { code: 'INVALID_REMOTE' })
  await assert.rejects(new cc.Client().isomorphicGitAuth()('nope'), { code: 'INVALID_REMOTE' })
})

// -------------------------------------------------------------------- TypeError

const WRONG = [42, true, {}, [], () => {}, Symbol('s'), 10n]
const REMOTE = 'codecommit::us-east-1://static@repo'

/** Promise-returning entry points reject (never throw); the others throw. */
const PROMISE_FUNCTIONS = /^(gitCredential|signedUrl|Client#gitCredential|Client#signedUrl|onAuth)\(/

async function assertTypeError(run, what) {
  const check = (e) => {
    assert.ok(e instanceof TypeError, `${what}: ${e}`)
    assert.equal(e.code, 'ERR_INVALID_ARG_TYPE', what)
    assert.doesNotMatch(e.message, /rust type/, what)
    return true
  }
  if (!PROMISE_FUNCTIONS.test(what)) return assert.throws(run, check, what)
  let promise
  assert.doesNotThrow(() => { promise = run() }, what)
  await assert.rejects(promise, check, what)
}

test('wrong argument types throw TypeError (remoteOrUrl); Promise functions reject with it', async () => {
  const client = new cc.Client()
  const entryPoints = {
    gitCredential: (x) => cc.gitCredential(x),
    gitCredentialSync: (x) => cc.gitCredentialSync(x),
    signedUrl: (x) => cc.signedUrl(x),
    signedUrlSync: (x) => cc.signedUrlSync(x),
    'Client#gitCredential': (x) => client.gitCredential(x),
    'Client#gitCredentialSync': (x) => client.gitCredentialSync(x),
    'Client#signedUrl': (x) => client.signedUrl(x),
    'Client#signedUrlSync': (x) => client.signedUrlSync(x),
    'Client#repositoryUrl': (x) => client.repositoryUrl(x),
    'Client#plainUrl': (x) => client.plainUrl(x),
    'Client#isomorphicGitAuth': (x) => client.isomorphicGitAuth(x),
    onAuth: (x) => client.isomorphicGitAuth()(x),
  }
  for (const [name, call] of Object.entries(entryPoints)) {
    for (const value of WRONG) await assertTypeError(() => call(value), `${name}(${String(value)})`)
  }
  for (const name of Object.keys(entryPoints).filter((n) => n !== 'Client#isomorphicGitAuth')) {
    await assertTypeError(() => entryPoints[name](undefined), `${name}(undefined)`)
    await assertTypeError(() => entryPoints[name](null), `${name}(null)`)
  }
  assert.throws(() => cc.gitCredentialSync(), { name: 'TypeError', message: /"remoteOrUrl" argument must be of type string\. Received undefined/ })
  assert.throws(() => cc.gitCredentialSync(5), { name: 'TypeError', message: /Received type number/ })
})

test('wrong argument types throw TypeError (options and their fields); Promise functions reject with it', async () => {
  const client = new cc.Client()
  const withOptions = {
    gitCredential: (o) => cc.gitCredential(REMOTE, o),
    gitCredentialSync: (o) => cc.gitCredentialSync(REMOTE, o),
    signedUrl: (o) => cc.signedUrl(REMOTE, o),
    signedUrlSync: (o) => cc.signedUrlSync(REMOTE, o),
    'new Client': (o) => new cc.Client(o),
  }
  for (const [name, call] of Object.entries(withOptions)) {
    for (const value of [42, 'profile', true, Symbol('s')]) await assertTypeError(() => call(value), `${name}(${String(value)})`)
    for (const [field, value] of [
      ['profile', 42], ['region', {}], ['endpoint', 1], ['refreshMarginSeconds', '600'],
      ['ignoreHostCheck', 'yes'], ['cache', 1], ['mfa', 'code'], ['mfaTimeoutSeconds', '1'],
    ]) {
      await assertTypeError(() => call({ [field]: value }), `${name}({${field}: ${String(value)}})`)
    }
  }
  for (const [name, call] of Object.entries({
    gitCredential: (o) => cc.gitCredential(REMOTE, o),
    'Client#gitCredential': (o) => client.gitCredential(REMOTE, o),
    'Client#signedUrlSync': (o) => client.signedUrlSync(REMOTE, o),
  })) {
    for (const value of ['2024-01-01', 1700000000000, {}]) await assertTypeError(() => call({ at: value }), `${name}({at: ${value}})`)
    await assertTypeError(() => call(7), `${name}(7)`)
  }
  // sign(input)
  for (const value of [undefined, null, 42, 'input']) await assertTypeError(() => cc.sign(value), `sign(${String(value)})`)
  for (const [field, value] of [
    ['accessKeyId', 1], ['secretAccessKey', undefined], ['sessionToken', 5], ['region', null],
    ['host', []], ['path', {}], ['at', 'now'],
  ]) {
    await assertTypeError(() => cc.sign({ ...SIGN, [field]: value }), `sign({${field}: ${String(value)}})`)
  }
})

test('null and undefined mean "default" for every optional value', async () => {
  const options = { profile: null, region: undefined, endpoint: null, refreshMarginSeconds: null, ignoreHostCheck: null, cache: null, mfa: null, mfaTimeoutSeconds: null, at: null }
  assert.equal(cc.gitCredentialSync(REMOTE, options).accessKeyId, 'AKIASTATICSTATICSTAT')
  assert.equal((await cc.gitCredential(REMOTE, null)).accessKeyId, 'AKIASTATICSTATICSTAT')
  const client = new cc.Client(null)
  assert.equal((await client.gitCredential(REMOTE, { at: undefined })).accessKeyId, 'AKIASTATICSTATICSTAT')
  assert.equal(cc.sign({ ...SIGN, sessionToken: null }).username, SIGN.accessKeyId)
})

test('every year from 1970 to 9999 signs (one range for every binding)', () => {
  for (const at of ['1970-01-01T00:00:00.000Z', '2024-02-29T12:00:00.000Z', '9999-12-31T23:59:59.999Z']) {
    const c = cc.sign({ ...SIGN, at: new Date(at) })
    assert.equal(c.password.slice(0, 16), at.slice(0, 19).replace(/[-:]/g, '') + 'Z')
    assert.equal(c.expiresAt.getTime(), Date.parse(at) + 15 * 60 * 1000)
  }
})

test('GitCredential cannot be constructed from JavaScript', () => {
  assert.throws(() => new cc.GitCredential())
})
