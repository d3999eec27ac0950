// The MFA callback end to end: a role profile with mfa_serial, moto's STS inside the local
// endpoint (AssumeRole with SerialNumber/TokenCode), the session cached so the callback is
// asked once, and the assumed-role credentials accepted by the endpoint for a real clone.

import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, test } from 'node:test'

import { SANDBOX, cc, randomName, require, startEndpoint, writeAwsConfig, writeAwsCredentials } from './helpers.mjs'

const git = require('isomorphic-git')
const http = require('isomorphic-git/http/node')

const ROLE = 'arn:aws:iam::123456789012:role/deployer'
const SERIAL = 'arn:aws:iam::123456789012:mfa/alice'
const REPO = randomName('mfa')
let endpoint

function stsCalls() {
  const log = path.join(endpoint.root, 'sts-calls.log')
  if (!fs.existsSync(log)) return []
  return fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((c) => c.action === 'assume_role')
}

before(async () => {
  endpoint = await startEndpoint({ repos: [REPO], args: ['--sts'] })
  // Before the first credential request, so no resolution can race with this change.
  process.env.AWS_ENDPOINT_URL_STS = endpoint.sts_url
  writeAwsConfig({
    base: { region: 'us-east-1' },
    mfa: { role_arn: ROLE, source_profile: 'base', mfa_serial: SERIAL, region: 'us-east-1' },
  })
  writeAwsCredentials({ base: { aws_access_key_id: 'AKIABASEBASEBASEBASE', aws_secret_access_key: 'base-secret' } })
})

after(async () => {
  await endpoint?.stop()
})

test('the mfa callback is asked once; its code reaches STS; the session signs a clone', async () => {
  const asked = []
  const client = new cc.Client({
    endpoint: endpoint.url,
    mfa: async (request) => {
      asked.push(request)
      await new Promise((resolve) => setTimeout(resolve, 20)) // a person typing
      return '123456'
    },
  })
  const remote = `codecommit::us-west-2://mfa@${REPO}`
  const [a, b] = await Promise.all([client.gitCredential(remote), client.gitCredential(remote)])
  assert.deepEqual(asked, [{ profile: 'mfa', serial: SERIAL, roleArn: ROLE }])
  const calls = stsCalls()
  assert.equal(calls.length, 1, JSON.stringify(calls))
  assert.equal(calls[0].SerialNumber, SERIAL)
  assert.equal(calls[0].TokenCode, '123456')
  for (const c of [a, b]) {
    assert.match(c.username, /^ASIA[A-Z0-9]+%/)
    assert.equal(c.profile, 'mfa')
    assert.ok(c.expiresAt.getTime() > Date.now())
  }

  // The assumed-role session is accepted by the endpoint (moto issued it).
  await git.clone({ fs, http, dir: path.join(SANDBOX, 'mfa-clone'), url: a.repositoryUrl, onAuth: client.isomorphicGitAuth(remote) })

  // A new client (e.g. the next VS Code window) finds the session in the shared cache:
  // no callback, no STS call.
  const later = new cc.Client({ endpoint: endpoint.url, mfa: () => { throw new Error('must not be asked') } })
  assert.equal((await later.gitCredential(remote)).accessKeyId, a.accessKeyId)
  assert.equal(stsCalls().length, 1)
})

test('a callback returning a plain string works too', async () => {
  const before = stsCalls().length
  const url = await cc.signedUrl(`codecommit::us-west-2://mfa@${REPO}`, { endpoint: endpoint.url, cache: false, mfa: () => '654321' })
  assert.match(url, /^http:\/\/ASIA/)
  const calls = stsCalls()
  assert.equal(calls.length, before + 1)
  assert.equal(calls.at(-1).TokenCode, '654321')
})
