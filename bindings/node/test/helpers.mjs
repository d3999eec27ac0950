// Shared set-up for the node --test files: an isolated AWS environment, the addon, the
// local CodeCommit-compatible endpoint and the official-tool oracle (both from ../../tests).
//
// Importing this module replaces the process's AWS environment before the addon is loaded
// (node --test runs each test file in its own process), so nothing here can reach a real
// account or the developer's own ~/.aws.

import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const REPO_ROOT = path.resolve(PACKAGE_DIR, '..', '..')
export const VENV_PYTHON = path.join(REPO_ROOT, '.venv', 'bin', 'python')
export const require = createRequire(import.meta.url)

// ---------------------------------------------------------------- isolated environment

export const SANDBOX = fs.mkdtempSync(path.join(os.tmpdir(), 'codecommit-auth-node-'))
export const AWS_CONFIG_FILE = path.join(SANDBOX, 'aws-config')
export const AWS_CREDENTIALS_FILE = path.join(SANDBOX, 'aws-credentials')

for (const name of Object.keys(process.env)) {
  if (name.startsWith('AWS_') || name === 'CODE_COMMIT_ENDPOINT') delete process.env[name]
}
fs.mkdirSync(path.join(SANDBOX, 'home'))
process.env.HOME = path.join(SANDBOX, 'home')
process.env.AWS_CONFIG_FILE = AWS_CONFIG_FILE
process.env.AWS_SHARED_CREDENTIALS_FILE = AWS_CREDENTIALS_FILE
// Never ask the EC2 instance metadata service (no credentials must come from the machine).
process.env.AWS_EC2_METADATA_DISABLED = 'true'
fs.writeFileSync(AWS_CONFIG_FILE, '')
fs.writeFileSync(AWS_CREDENTIALS_FILE, '')

process.on('exit', () => fs.rmSync(SANDBOX, { recursive: true, force: true }))

/** Writes the AWS config file from `{profileName: {key: value}}` (`sso-session X` sections too). */
export function writeAwsConfig(sections) {
  fs.writeFileSync(AWS_CONFIG_FILE, iniText(sections, true))
}

/** Writes the shared credentials file from `{profileName: {key: value}}`. */
export function writeAwsCredentials(sections) {
  fs.writeFileSync(AWS_CREDENTIALS_FILE, iniText(sections, false))
}

function iniText(sections, isConfig) {
  let text = ''
  for (const [name, keys] of Object.entries(sections)) {
    const header = !isConfig || name === 'default' || name.startsWith('sso-session ') ? name : `profile ${name}`
    text += `[${header}]\n`
    for (const [k, v] of Object.entries(keys)) text += `${k} = ${v}\n`
    text += '\n'
  }
  return text
}

// ---------------------------------------------------------------- the addon

/** The package as a user gets it: `require('codecommit-auth')` resolves to this folder. */
export const cc = require(PACKAGE_DIR)

// ---------------------------------------------------------------- random test values

export function randomAkid(prefix = 'AKIA') {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let id = prefix
  for (const b of randomBytes(16)) id += alphabet[b % alphabet.length]
  return id
}

export function randomSecret() {
  return randomBytes(30).toString('base64')
}

export function randomName(prefix = 'repo') {
  return `${prefix}-${randomBytes(4).toString('hex')}`
}

// ---------------------------------------------------------------- local CodeCommit endpoint

export function requireVenv() {
  if (!fs.existsSync(VENV_PYTHON)) {
    throw new Error(`${VENV_PYTHON} is missing: run ./x setup (or ./x test) at the repository root first`)
  }
}

/**
 * Starts tests/endpoint/codecommit_endpoint.py (git http-backend behind an independent SigV4
 * check) and resolves to {url, host, port, root, process, addSecret(akid, secret, token),
 * requests(), stop()}.
 */
export async function startEndpoint({ repos = [], args = [] } = {}) {
  requireVenv()
  const root = fs.mkdtempSync(path.join(SANDBOX, 'endpoint-'))
  const script = path.join(REPO_ROOT, 'tests', 'endpoint', 'codecommit_endpoint.py')
  const argv = [script, '--root', root, ...args]
  if (repos.length) argv.push('--create-repo', ...repos)
  const child = spawn(VENV_PYTHON, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => { stderr += d })
  const lines = readline.createInterface({ input: child.stdout })
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`endpoint not ready after 60 s:\n${stderr}`)), 60_000)
    lines.once('line', (line) => { clearTimeout(timer); resolve(JSON.parse(line)) })
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`endpoint exited (${code}):\n${stderr}`)) })
  })
  const secretsPath = path.join(root, 'secrets.json')
  return {
    ...ready,
    root,
    process: child,
    stderr: () => stderr,
    addSecret(akid, secret, token = null) {
      const data = fs.existsSync(secretsPath) ? JSON.parse(fs.readFileSync(secretsPath, 'utf8')) : {}
      data[akid] = { secret, token }
      const tmp = `${secretsPath}.${randomBytes(4).toString('hex')}.tmp`
      fs.writeFileSync(tmp, JSON.stringify(data))
      fs.renameSync(tmp, secretsPath)
    },
    requests() {
      const log = path.join(root, 'requests.log')
      if (!fs.existsSync(log)) return []
      return fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    },
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}

// ---------------------------------------------------------------- official-tool oracle

/**
 * Runs cases through tests/oracle/official.py (the official git-remote-codecommit and
 * `aws codecommit credential-helper`, pinned clock), one JSON object per case, same order.
 */
export function runOracle(cases) {
  requireVenv()
  const script = path.join(REPO_ROOT, 'tests', 'oracle', 'official.py')
  const input = cases.map((c) => JSON.stringify(c)).join('\n') + '\n'
  const result = spawnSync(VENV_PYTHON, [script], { input, encoding: 'utf8', maxBuffer: 256 << 20, timeout: 300_000 })
  if (result.status !== 0) throw new Error(`official.py failed (${result.status}):\n${result.stderr}`)
  const out = result.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l))
  if (out.length !== cases.length) throw new Error(`official.py answered ${out.length} of ${cases.length} cases`)
  return out
}

/** A deterministic PRNG (mulberry32) so failing randomized cases can be reproduced by seed. */
export function prng(seed) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    string: (alphabet, n) => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''),
  }
}
