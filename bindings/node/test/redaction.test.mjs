// No secret in any Node error: message, util.inspect and stack. Takes the URL `signedUrl`
// itself produces from planted keys (secret key and session token), mutates it in many
// ways and feeds every mutation to every entry point (one-shot functions and Client
// methods, sync and async, as remote and as endpoint/region/profile option).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import util from 'node:util'

import { cc } from './helpers.mjs'

const AT = new Date('2026-01-02T03:04:05Z')
const SECRET = 'Pl4nted/SecretKey+wJalrXUtnFEMIK7MDENGbP'
const TOKEN = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD6Zk2b+Xq1v/tYq9Bz0C8gH4kRrWm5a' +
  'XhUeM3nCIgR4x7pL1sZpN2wRk8PLANTEDtokenQk3Jw9vXy+Zt5eR2uNq/H0aLmC7sD4fGiOpK=='

process.env.AWS_ACCESS_KEY_ID = 'ASIAPLANTEDKEY123456'
process.env.AWS_SECRET_ACCESS_KEY = SECRET
process.env.AWS_SESSION_TOKEN = TOKEN
process.env.AWS_REGION = 'us-east-1'

function mutations (url) {
  const at = url.indexOf('@')
  return [
    url + '.git', url + '?x=1', url + '//', url + '#f', url + '/extra',
    url.replace('/demo', '/'), url.replace('/v1/repos/demo', ''),
    url.replace('https://', 'http://'), url.replace('https://', 'codecommit://'),
    url.replace('https://', 'codecommit::us-east-1://'), url.replace('https://', 'ftp://'),
    url.toUpperCase(), url.replace('.com/', '.com:99999/'), url.replace('.com/', '.com.evil.example/'),
    url.replace('@', '@@'), url.replace('@', '%40'), url.slice(0, at) + '\\' + url.slice(at),
    encodeURIComponent(url), url.slice(0, at), url.slice(0, at - 20), url + '\n\x1b[2J',
  ]
}

function secrets (url) {
  const at = url.indexOf('@')
  const signature = url.slice(url.lastIndexOf(':', at) + 1, at)
  const encoded = encodeURIComponent(TOKEN)
  return [SECRET, TOKEN, encoded, TOKEN.slice(0, 40), signature, signature.slice(16, 48)]
}

test('no secret in any error message, inspect output or stack', async () => {
  const url = cc.signedUrlSync('codecommit::us-east-1://demo', { at: AT, cache: false })
  assert.ok(url.includes(encodeURIComponent(TOKEN)), 'the planted token is in the signed URL')
  const client = new cc.Client({ cache: false })
  const calls = {
    signedUrlSync: (m) => cc.signedUrlSync(m, { at: AT, cache: false }),
    signedUrl: (m) => cc.signedUrl(m, { at: AT, cache: false }),
    gitCredentialSync: (m) => cc.gitCredentialSync(m, { at: AT, cache: false }),
    gitCredential: (m) => cc.gitCredential(m, { at: AT, cache: false }),
    'Client.signedUrlSync': (m) => client.signedUrlSync(m, { at: AT }),
    'Client.gitCredential': (m) => client.gitCredential(m, { at: AT }),
    'endpoint option': (m) => cc.signedUrlSync('codecommit://demo', { endpoint: m, cache: false }),
    'region option': (m) => cc.signedUrlSync('codecommit://demo', { region: m, cache: false }),
    'profile option': (m) => cc.signedUrlSync('codecommit://demo', { profile: m, cache: false }),
  }
  let raised = 0
  const leaks = []
  for (const mutated of mutations(url)) {
    for (const [name, call] of Object.entries(calls)) {
      let error
      try {
        await call(mutated)
      } catch (e) {
        error = e
      }
      if (!error) continue
      raised++
      const shown = [error.message, String(error), util.inspect(error), error.stack ?? '',
        JSON.stringify(error)].join('\n')
      const found = secrets(url).filter((s) => shown.includes(s)).map((s) => s.slice(0, 12))
      if (found.length) leaks.push(`${name}(${JSON.stringify(mutated.slice(0, 60))}): ${found}: ${shown.slice(0, 200)}`)
      assert.ok(!error.message.includes('\x1b') && !error.message.includes('\n'), error.message)
      assert.ok(Buffer.byteLength(error.message) <= 1024, `${Buffer.byteLength(error.message)} bytes`)
    }
  }
  assert.ok(raised > 50, `only ${raised} errors`)
  assert.deepEqual(leaks, [])
})
