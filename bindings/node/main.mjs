// The package's ES module entry point (`import { Client } from 'codecommit-auth'`). It
// re-exports main.js, so ESM and CommonJS users share one loaded addon and one set of
// classes: `instanceof` holds across both, and the addon is never loaded twice.
import cjs from './main.js'

export const {
  Client,
  GitCredential,
  errorCodes,
  gitCredential,
  gitCredentialSync,
  sign,
  signedUrl,
  signedUrlSync,
} = cjs
export default cjs
