// Type check of the ES module entry point (main.d.mts), resolved the way a user's
// TypeScript resolves `import ... from 'codecommit-auth'` under NodeNext: tsc -p test/tsconfig.esm.json
import cc, { Client, sign, type ClientOptions, type GitCredential } from 'codecommit-auth'

const options: ClientOptions = { profile: 'dev' }
const client: Client = new cc.Client(options)
const same: typeof cc.Client = Client
const credential: GitCredential = sign({
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret', region: 'us-east-1',
  host: 'git-codecommit.us-east-1.amazonaws.com', path: '/v1/repos/demo',
})
export const used = [client, same, credential.username]
