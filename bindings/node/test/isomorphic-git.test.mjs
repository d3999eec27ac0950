// isomorphic-git clones and pushes from the local CodeCommit-compatible endpoint
// (tests/endpoint/codecommit_endpoint.py: git http-backend behind an independent SigV4
// check) with credentials from our `onAuth`, as a VS Code extension would use it.

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, test } from 'node:test'

import {
  SANDBOX, cc, randomAkid, randomName, randomSecret, require, startEndpoint, writeAwsConfig, writeAwsCredentials,
} from './helpers.mjs'

const git = require('isomorphic-git')
const http = require('isomorphic-git/http/node')

const REPO = randomName('iso')
const AKID = randomAkid()
const SECRET = randomSecret()
const author = { name: 'Node Test', email: 'node@example.invalid' }
let endpoint

before(async () => {
  endpoint = await startEndpoint({ repos: [REPO] })
  endpoint.addSecret(AKID, SECRET)
  writeAwsConfig({ dev: { region: 'us-west-2' }, stranger: { region: 'us-west-2' } })
  writeAwsCredentials({
    dev: { aws_access_key_id: AKID, aws_secret_access_key: SECRET },
    // Well-formed keys the endpoint does not know.
    stranger: { aws_access_key_id: randomAkid(), aws_secret_access_key: randomSecret() },
  })
})

after(async () => {
  await endpoint?.stop()
})

function dir(name) {
  const d = path.join(SANDBOX, name)
  fs.mkdirSync(d, { recursive: true })
  return d
}

test('init, commit and push through onAuth; clone it back; push from the clone', async () => {
  const client = new cc.Client({ profile: 'dev', endpoint: endpoint.url })
  const remote = `codecommit::us-west-2://${REPO}`
  // The URL to give isomorphic-git: no credentials, no network.
  const url = client.repositoryUrl(remote)
  assert.equal(url, `${endpoint.url}/v1/repos/${REPO}`)
  assert.equal((await client.gitCredential(remote)).repositoryUrl, url)
  const onAuth = client.isomorphicGitAuth()
  const asked = []
  const recordingOnAuth = async (u, auth) => {
    asked.push(u)
    return onAuth(u, auth)
  }

  // A first commit, pushed to the empty repository.
  const work = dir('work')
  await git.init({ fs, dir: work, defaultBranch: 'main' })
  fs.writeFileSync(path.join(work, 'README.md'), 'hello from isomorphic-git\n')
  await git.add({ fs, dir: work, filepath: 'README.md' })
  const first = await git.commit({ fs, dir: work, message: 'first', author })
  await git.addRemote({ fs, dir: work, remote: 'origin', url })
  const pushed = await git.push({ fs, http, dir: work, remote: 'origin', ref: 'main', onAuth: recordingOnAuth })
  assert.equal(pushed.ok, true, JSON.stringify(pushed))
  assert.deepEqual(asked, [url])

  // Clone it back with a fresh client whose onAuth is fixed to the codecommit:// remote.
  const clone = dir('clone')
  const other = new cc.Client({ endpoint: endpoint.url })
  await git.clone({ fs, http, dir: clone, url, ref: 'main', singleBranch: true, onAuth: other.isomorphicGitAuth(`codecommit::us-west-2://dev@${REPO}`) })
  assert.equal(fs.readFileSync(path.join(clone, 'README.md'), 'utf8'), 'hello from isomorphic-git\n')
  assert.equal(await git.resolveRef({ fs, dir: clone, ref: 'HEAD' }), first)

  // A second commit pushed from the clone, fetched by the first working copy.
  fs.writeFileSync(path.join(clone, 'second.txt'), 'second\n')
  await git.add({ fs, dir: clone, filepath: 'second.txt' })
  const second = await git.commit({ fs, dir: clone, message: 'second', author })
  const again = await git.push({ fs, http, dir: clone, remote: 'origin', ref: 'main', onAuth: other.isomorphicGitAuth(`codecommit::us-west-2://dev@${REPO}`) })
  assert.equal(again.ok, true)
  const fetched = await git.fetch({ fs, http, dir: work, remote: 'origin', ref: 'main', singleBranch: true, onAuth })
  assert.equal(fetched.fetchHead, second)

  // The bare repository on the server has both commits (checked with real git).
  const log = execFileSync('git', ['--git-dir', path.join(endpoint.root, 'repos', REPO), 'log', '--format=%s', 'main'], { encoding: 'utf8' })
  assert.deepEqual(log.trim().split('\n'), ['second', 'first'])

  // The server saw requests signed with our key, and no secret in its log.
  const requests = endpoint.requests()
  const text = JSON.stringify(requests)
  assert.ok(text.includes(AKID), 'no request authenticated with our access key id')
  assert.ok(!text.includes(SECRET))
})

test('the endpoint refuses keys it does not know: isomorphic-git reports the HTTP error', async () => {
  const client = new cc.Client({ profile: 'stranger', endpoint: endpoint.url })
  const url = `${endpoint.url}/v1/repos/${REPO}`
  const before = endpoint.requests().length
  await assert.rejects(
    git.clone({ fs, http, dir: dir('refused'), url, onAuth: client.isomorphicGitAuth() }),
    (e) => e.code === 'HttpError' && e.data.statusCode === 403,
  )
  // Unauthenticated first (401), then with our signature: refused (403).
  const statuses = endpoint.requests().slice(before).map((r) => r.status)
  assert.deepEqual(statuses, [401, 403], JSON.stringify(endpoint.requests().slice(before)))
})

test('onAuth resolves {username, password}; errors reject with their code', async () => {
  const client = new cc.Client({ profile: 'dev', endpoint: endpoint.url })
  const auth = await client.isomorphicGitAuth()(`${endpoint.url}/v1/repos/${REPO}`, {})
  assert.deepEqual(Object.keys(auth).sort(), ['password', 'username'])
  assert.equal(auth.username, AKID)
  assert.equal(typeof auth.username, 'string')
  assert.match(auth.password, /^\d{8}T\d{6}Z[0-9a-f]{64}$/)
  const fixed = await new cc.Client({ endpoint: endpoint.url }).isomorphicGitAuth(`codecommit::us-west-2://dev@${REPO}`)('ignored', {})
  assert.equal(fixed.username, AKID)
  await assert.rejects(client.isomorphicGitAuth()('https://example.com/v1/repos/x'), { code: 'HOST_NOT_ALLOWED' })
})
