// 1000 concurrent gitCredential calls resolve, each correctly, while a timer keeps firing on
// the event loop: resolution (parsing the AWS config files, signing) runs on napi's tokio
// threads, never on the JavaScript thread. The same work through the synchronous twin is
// measured too, to show that the timer check would catch a blocked loop.

import assert from 'node:assert/strict'
import { test } from 'node:test'

import { cc, randomAkid, randomSecret, writeAwsConfig, writeAwsCredentials } from './helpers.mjs'

const CALLS = 1000
const PROFILES = 200
// Filler profiles make every resolution parse a config of realistic (large) size.
const FILLER = 2000

const profiles = {}
const config = {}
for (let i = 0; i < PROFILES; i++) {
  profiles[`p${i}`] = { aws_access_key_id: randomAkid(i % 2 ? 'ASIA' : 'AKIA'), aws_secret_access_key: randomSecret() }
  if (i % 2) profiles[`p${i}`].aws_session_token = randomSecret() + randomSecret()
  config[`p${i}`] = { region: ['us-east-1', 'eu-west-1', 'cn-north-1'][i % 3] }
}
for (let i = 0; i < FILLER; i++) config[`filler${i}`] = { region: 'us-east-1', output: 'json', cli_pager: '' }
writeAwsConfig(config)
writeAwsCredentials(profiles)

function expected(i, at) {
  const profile = `p${i % PROFILES}`
  const keys = profiles[profile]
  const region = config[profile].region
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
  return cc.sign({
    accessKeyId: keys.aws_access_key_id,
    secretAccessKey: keys.aws_secret_access_key,
    sessionToken: keys.aws_session_token,
    region,
    host: `git-codecommit.${region}.${suffix}`,
    path: `/v1/repos/repo-${i}`,
    at,
  })
}

/** Runs `work` while a 1 ms interval timer records its ticks and the longest gap between them. */
async function withTimer(work) {
  let ticks = 0
  let last = performance.now()
  let maxGap = 0
  const timer = setInterval(() => {
    const now = performance.now()
    maxGap = Math.max(maxGap, now - last)
    last = now
    ticks++
  }, 1)
  const start = performance.now()
  try {
    const result = await work(() => ticks)
    const elapsed = performance.now() - start
    maxGap = Math.max(maxGap, performance.now() - last)
    return { result, elapsed, ticks, maxGap }
  } finally {
    clearInterval(timer)
  }
}

test(`${CALLS} concurrent gitCredential calls resolve while a timer keeps firing`, async (t) => {
  const base = Date.UTC(2026, 0, 1)
  const client = new cc.Client()
  const run = await withTimer(async (ticks) => {
    const ticksAtResolution = []
    const calls = Array.from({ length: CALLS }, (_, i) => {
      const at = new Date(base + i * 1000)
      const remote = `codecommit://p${i % PROFILES}@repo-${i}`
      const call = i % 2 ? cc.gitCredential(remote, { at }) : client.gitCredential(remote, { at })
      return call.then((c) => { ticksAtResolution.push(ticks()); return c })
    })
    const ticksWhenAllStarted = ticks()
    const credentials = await Promise.all(calls)
    return { credentials, ticksAtResolution, ticksWhenAllStarted }
  })
  const { credentials, ticksAtResolution, ticksWhenAllStarted } = run.result
  assert.equal(credentials.length, CALLS)
  credentials.forEach((c, i) => {
    const want = expected(i, new Date(base + i * 1000))
    assert.equal(c.password, want.password, `call ${i}`)
    assert.equal(c.username, want.username, `call ${i}`)
    assert.equal(c.url, want.url, `call ${i}`)
    assert.equal(c.profile, `p${i % PROFILES}`)
  })
  // Starting 1000 calls takes the main thread no time at all...
  assert.equal(ticksWhenAllStarted, 0)
  // ...the timer fired while they were being resolved, and the loop never stalled.
  assert.ok(run.ticks > 0, 'the timer never fired')
  assert.ok(ticksAtResolution.at(-1) > ticksAtResolution[0], 'all calls resolved within one timer tick')
  assert.ok(run.maxGap < 500, `the event loop stalled for ${run.maxGap.toFixed(1)} ms`)
  t.diagnostic(`async: ${CALLS} calls in ${run.elapsed.toFixed(0)} ms, ${run.ticks} timer ticks, longest gap ${run.maxGap.toFixed(1)} ms`)

  // The control: the same calls through the synchronous twin block the loop for their whole
  // duration, and the same timer sees it.
  const blocking = await withTimer(async () => {
    for (let i = 0; i < CALLS; i++) cc.gitCredentialSync(`codecommit://p${i % PROFILES}@repo-${i}`, { at: new Date(base + i * 1000) })
  })
  t.diagnostic(`sync control: ${CALLS} calls in ${blocking.elapsed.toFixed(0)} ms, ${blocking.ticks} timer ticks, longest gap ${blocking.maxGap.toFixed(1)} ms`)
  assert.equal(blocking.ticks, 0)
  assert.ok(blocking.maxGap >= blocking.elapsed * 0.9)
})
