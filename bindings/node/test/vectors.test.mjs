// Signed URLs equal the OFFICIAL git-remote-codecommit's, at pinned times:
//  * tests/vectors.json (computed once by the official tool, shared by every binding);
//  * randomized cases computed now by tests/oracle/official.py (the official tool run
//    in-process with its clock pinned), through both the pure `sign()` and the full
//    remote -> profile -> signed URL path (`signedUrl('codecommit::REGION://PROFILE@REPO')`).
// Reproduce a failing randomized run with NODE_CONFORMANCE_SEED=<seed printed below>.

import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'

import { REPO_ROOT, cc, prng, runOracle, writeAwsCredentials } from './helpers.mjs'

const VECTORS = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tests', 'vectors.json'), 'utf8')).vectors
const FIFTEEN_MINUTES = 15 * 60 * 1000

test('tests/vectors.json through the pure sign()', () => {
  assert.ok(VECTORS.length >= 5)
  for (const v of VECTORS) {
    const c = cc.sign({
      accessKeyId: v.access_key_id,
      secretAccessKey: v.secret_access_key,
      sessionToken: v.session_token,
      region: v.region,
      host: v.host,
      path: v.path,
      at: new Date(v.at),
    })
    assert.ok(c instanceof cc.GitCredential)
    assert.equal(c.username, v.username, v.at)
    assert.equal(c.password, v.password, v.at)
    assert.equal(c.url, v.url, v.at)
    assert.equal(c.host, v.host)
    assert.equal(c.path, v.path)
    assert.equal(c.region, v.region)
    assert.equal(c.accessKeyId, v.access_key_id)
    assert.equal(c.profile, null)
    assert.ok(c.expiresAt instanceof Date)
    assert.equal(c.expiresAt.getTime(), Date.parse(v.at) + FIFTEEN_MINUTES)
    assert.equal(c.repositoryUrl, `https://${v.host}${v.path}`)
    assert.equal(c.plainUrl, c.repositoryUrl, 'deprecated alias')
  }
})

test('tests/vectors.json through profiles and remotes (signedUrl, gitCredential, sync twins)', async () => {
  const profiles = {}
  VECTORS.forEach((v, i) => {
    profiles[`vector${i}`] = {
      aws_access_key_id: v.access_key_id,
      aws_secret_access_key: v.secret_access_key,
      ...(v.session_token ? { aws_session_token: v.session_token } : {}),
    }
  })
  writeAwsCredentials(profiles)
  for (const [i, v] of VECTORS.entries()) {
    const repo = v.path.slice('/v1/repos/'.length)
    const standard = v.host.startsWith('git-codecommit.')
    const options = { at: new Date(v.at), ...(standard ? {} : { endpoint: v.host }) }
    const remote = `codecommit::${v.region}://vector${i}@${repo}`
    assert.equal(await cc.signedUrl(remote, options), v.url, remote)
    assert.equal(cc.signedUrlSync(remote, options), v.url, remote)
    const client = new cc.Client(standard ? {} : { endpoint: v.host })
    const c = await client.gitCredential(remote, { at: new Date(v.at) })
    assert.equal(c.url, v.url)
    assert.equal(c.password, v.password)
    assert.equal(c.username, v.username)
    assert.equal(c.profile, `vector${i}`)
    assert.equal(client.gitCredentialSync(remote, { at: new Date(v.at) }).url, v.url)
    // The HTTPS URL form of the same repository signs identically.
    if (standard) {
      const viaUrl = await cc.gitCredential(`https://${v.host}${v.path}`, { profile: `vector${i}`, at: new Date(v.at) })
      assert.equal(viaUrl.url, v.url)
    }
  }
})

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='
const REPO_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-'
const KNOWN_REGIONS = [
  'us-east-1', 'us-west-2', 'eu-central-1', 'ap-southeast-2', 'cn-north-1', 'cn-northwest-1',
  'us-gov-west-1', 'us-gov-east-1',
]
// Shaped like regions but in no endpoints file yet: the official front half refuses them, its
// git_url() signs them; ours signs them (the host follows the partition's pattern).
const FUTURE_REGIONS = ['eu-south-3', 'ap-east-7', 'me-west-2']
const REGIONS = [...KNOWN_REGIONS, ...FUTURE_REGIONS]
const EARLIEST = Date.UTC(2015, 0, 1)
const LATEST = Date.UTC(2035, 11, 31, 23, 59, 59)

function generateCases(seed, n) {
  const rng = prng(seed)
  const cases = []
  for (let i = 0; i < n; i++) {
    let repo
    do repo = rng.string(REPO_ALPHABET, rng.int(1, 100))
    while (repo === '.' || repo === '..' || repo.endsWith('.git'))
    const at = new Date(EARLIEST + rng.int(0, (LATEST - EARLIEST) / 1000) * 1000).toISOString().replace('.000Z', 'Z')
    const region = rng.pick(REGIONS)
    const c = {
      kind: 'git_url',
      id: i,
      repo,
      region,
      akid: rng.pick(['AKIA', 'ASIA']) + rng.string('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 16),
      secret: rng.string(KEY_ALPHABET, 40),
      token: rng.next() < 0.5 ? null : rng.string(KEY_ALPHABET, rng.int(100, 800)),
      at,
    }
    const profile = `p${i}-${rng.string('abcdefghijklmnopqrstuvwxyz0123456789_-', 6)}`
    // The official front half (Context.from_url with a profile) for a third of the known
    // regions; its plain git_url() with the same keys otherwise. Ours always goes through
    // the profile.
    if (KNOWN_REGIONS.includes(region) && rng.next() < 0.33) c.profile = profile
    Object.defineProperty(c, 'ourProfile', { value: profile, enumerable: false })
    const e = rng.next()
    if (e < 0.1) c.endpoint = `127.0.0.1:${rng.int(1024, 65535)}`
    else if (e < 0.2) c.endpoint = `vpce-${rng.string('0123456789abcdef', 17)}-${rng.string('abcdefghijklmnopqrstuvwxyz0123456789', 8)}.git-codecommit.${region}.vpce.amazonaws.com`
    cases.push(c)
  }
  return cases
}

test('randomized pinned-time cases computed now by the official git-remote-codecommit', async (t) => {
  const seed = process.env.NODE_CONFORMANCE_SEED ? Number(process.env.NODE_CONFORMANCE_SEED) : Math.floor(Math.random() * 2 ** 32)
  const n = Number(process.env.NODE_CONFORMANCE_CASES || 300)
  const cases = generateCases(seed, n)
  const official = runOracle(cases)
  const profiles = {}
  for (const c of cases) {
    profiles[c.ourProfile] = {
      aws_access_key_id: c.akid,
      aws_secret_access_key: c.secret,
      ...(c.token ? { aws_session_token: c.token } : {}),
    }
  }
  writeAwsCredentials(profiles)
  const failures = []
  let compared = 0
  await Promise.all(cases.map(async (c, i) => {
    const expected = official[i]
    if (!expected.url) {
      failures.push({ case: c, problem: `oracle failed: ${JSON.stringify(expected)}` })
      return
    }
    const at = new Date(c.at)
    const remote = `codecommit::${c.region}://${c.ourProfile}@${c.repo}`
    const options = { at, ...(c.endpoint ? { endpoint: c.endpoint } : {}) }
    // Full front half: remote parsing, profile, endpoint, host, signature.
    const viaRemote = await cc.signedUrl(remote, options)
    if (viaRemote !== expected.url) failures.push({ case: c, problem: 'signedUrl differs', ours: viaRemote, official: expected.url })
    // Pure signer with the host the official tool used.
    const host = expected.url.slice(expected.url.lastIndexOf('@') + 1).split('/')[0]
    const pure = cc.sign({ accessKeyId: c.akid, secretAccessKey: c.secret, sessionToken: c.token, region: c.region, host, path: `/v1/repos/${c.repo}`, at })
    if (pure.url !== expected.url) failures.push({ case: c, problem: 'sign() differs', ours: pure.url, official: expected.url })
    compared++
  }))
  assert.equal(compared + failures.filter((f) => f.problem.startsWith('oracle')).length, n)
  assert.deepEqual(failures.slice(0, 3), [], `seed ${seed}: ${failures.length} of ${n} cases differ`)
  t.diagnostic(`${n} randomized cases (seed ${seed}) equal the official tool's URLs`)
})
