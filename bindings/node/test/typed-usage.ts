// Type-checked (never run) by types.test.mjs with `tsc --noEmit`: the generated index.d.ts
// must describe the API as documented, and reject what the addon rejects at run time.
import {
  Client,
  GitCredential,
  errorCodes,
  gitCredential,
  gitCredentialSync,
  sign,
  signedUrl,
  signedUrlSync,
  type ClientOptions,
  type CodeCommitAuthError,
  type ErrorCodeName,
  type ErrorCodes,
  type GitAuth,
  type GitCredentialOptions,
  type MfaRequest,
  type SignInput,
} from 'codecommit-auth'
import type { AuthCallback } from 'isomorphic-git'

async function usage(): Promise<void> {
  const options: ClientOptions = {
    profile: 'dev',
    region: 'us-east-1',
    endpoint: 'https://git-codecommit.us-east-1.amazonaws.com',
    refreshMarginSeconds: 600,
    ignoreHostCheck: false,
    cache: true,
    mfa: async (request: MfaRequest): Promise<string> => `${request.serial}${request.roleArn}${request.profile}`,
    mfaTimeoutSeconds: 60,
  }
  const client = new Client(options)
  new Client()
  new Client(null)
  new Client({ mfa: () => '123456' })

  const cred: GitCredential = await client.gitCredential('codecommit://dev@repo')
  const username: string = cred.username
  const password: string = cred.password
  const expiresAt: Date = cred.expiresAt
  const url: string = cred.url
  const plainUrl: string = cred.repositoryUrl
  const profile: string | null = cred.profile
  const fields: string[] = [cred.host, cred.path, cred.region, cred.accessKeyId, cred.source, cred.gitReply()]
  void [username, password, expiresAt, url, plainUrl, profile, fields]

  const at = new Date('2026-01-01T00:00:00Z')
  const sync: GitCredential = client.gitCredentialSync('codecommit://repo', { at })
  const signed: string = await client.signedUrl('codecommit://repo')
  const signedSync: string = client.signedUrlSync('codecommit://repo', { at: null })
  const cloneUrl: string = client.repositoryUrl('codecommit://dev@repo')
  void [sync, signed, signedSync, cloneUrl]

  const oneShot: GitCredentialOptions = { profile: 'dev', at, cache: false }
  const c1: GitCredential = await gitCredential('codecommit::eu-west-1://repo', oneShot)
  const c2: GitCredential = gitCredentialSync('codecommit::eu-west-1://repo')
  const u1: string = await signedUrl('codecommit::eu-west-1://repo', { region: null })
  const u2: string = signedUrlSync('https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/repo')
  void [c1, c2, u1, u2]

  const input: SignInput = {
    accessKeyId: 'AKIA',
    secretAccessKey: 'secret',
    sessionToken: null,
    region: 'us-east-1',
    host: 'git-codecommit.us-east-1.amazonaws.com',
    path: '/v1/repos/repo',
    at,
  }
  const pure: GitCredential = sign(input)
  void pure

  // isomorphic-git accepts our onAuth as its AuthCallback.
  const onAuth: AuthCallback = client.isomorphicGitAuth()
  const fixed: (url: string) => Promise<GitAuth> = client.isomorphicGitAuth('codecommit://dev@repo')
  void [onAuth, fixed]

  // errorCodes() is typed: every name is known, with its number.
  const codes: ErrorCodes = errorCodes()
  const invalidRemote: 10 = codes.INVALID_REMOTE
  const name: ErrorCodeName = 'HOST_NOT_ALLOWED'
  void [invalidRemote, codes[name]]
  // @ts-expect-error not an error code
  void codes.NOT_A_CODE
  // @ts-expect-error the numbers are literal types
  const wrongNumber: 11 = codes.INVALID_REMOTE
  void wrongNumber
  try {
    await client.gitCredential('codecommit://repo')
  } catch (e) {
    const error = e as CodeCommitAuthError
    const code: ErrorCodeName = error.code
    const errno: number = error.errno
    void [code, errno, error.message]
  }
  // The new name and its deprecated alias.
  const repositoryUrl: string = client.repositoryUrl('codecommit://repo')
  const deprecatedUrl: string = client.plainUrl('codecommit://repo')
  void [repositoryUrl, deprecatedUrl]

  // What the addon rejects with a TypeError, the types reject too.
  // @ts-expect-error remoteOrUrl must be a string
  await client.gitCredential(42)
  // @ts-expect-error remoteOrUrl is required
  gitCredentialSync()
  // @ts-expect-error profile must be a string
  new Client({ profile: 1 })
  // @ts-expect-error the MFA callback returns the code
  new Client({ mfa: (request: MfaRequest) => request.serial.length })
  // @ts-expect-error at must be a Date
  await gitCredential('codecommit://repo', { at: '2026-01-01' })
  // @ts-expect-error sign needs the keys
  sign({ region: 'us-east-1', host: 'h', path: '/v1/repos/r' })
  // @ts-expect-error the password is read-only
  cred.password = 'x'
  // @ts-expect-error unknown option
  new Client({ profiles: 'dev' })
}

void usage
