// Single flight inside one process: 200 concurrent gitCredential calls on one Client for one
// profile share one resolution, so a credential_process that counts its runs runs once (it
// ran 93-276 times for 500 calls before the fix). A shared failure reaches every caller and
// is not remembered: the next call runs the process again.

import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'

import { SANDBOX, cc, writeAwsConfig } from './helpers.mjs'

const CALLS = 200
const AKID = 'AKIACOUNTEDCOUNTED01'
const REMOTE = 'codecommit::us-east-1://counted@repo'

/** A credential_process appending a line to `runs` per run, slow enough that calls overlap. */
function countingProfile(name, exitCode) {
  const runs = path.join(SANDBOX, `${name}.runs`)
  const script = path.join(SANDBOX, `${name}.sh`)
  const payload = JSON.stringify({ Version: 1, AccessKeyId: AKID, SecretAccessKey: 's' })
  fs.writeFileSync(script, `echo run >> '${runs}'\nsleep 1\nprintf '%s' '${payload}'\nexit ${exitCode}\n`)
  writeAwsConfig({ counted: { region: 'us-east-1', credential_process: `sh ${script}` } })
  return () => (fs.existsSync(runs) ? fs.readFileSync(runs, 'utf8').split('\n').filter(Boolean).length : 0)
}

test(`${CALLS} concurrent calls on one client run credential_process once`, async () => {
  const runs = countingProfile('ok', 0)
  const client = new cc.Client({ cache: false })
  const creds = await Promise.all(Array.from({ length: CALLS }, () => client.gitCredential(REMOTE)))
  assert.deepEqual(new Set(creds.map((c) => c.accessKeyId)), new Set([AKID]))
  assert.equal(runs(), 1)
})

test('concurrent calls share one failure, which is not remembered', async () => {
  const runs = countingProfile('failing', 1)
  const client = new cc.Client({ cache: false })
  const outcomes = await Promise.allSettled(Array.from({ length: CALLS }, () => client.gitCredential(REMOTE)))
  assert.ok(outcomes.every((o) => o.status === 'rejected' && o.reason.code === 'CREDENTIAL_SOURCE'), outcomes[0].reason)
  assert.equal(runs(), 1)
  await assert.rejects(client.gitCredential(REMOTE), (e) => e.code === 'CREDENTIAL_SOURCE')
  assert.equal(runs(), 2)
})
