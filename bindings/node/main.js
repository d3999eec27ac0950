'use strict'
// The package's entry point. index.js is napi-rs's generated loader: it exports what the
// addon exports plus its own metadata (`__napiBindingTarget`). This file exports the public
// API only, and adds what only JavaScript can: `util.inspect` of a GitCredential.

const { inspect } = require('node:util')
const native = require('./index.js')

const { GitCredential } = native
// The native side formats the non-secret fields (host, region, masked key id, expiry).
const describe = GitCredential.prototype.__inspect
delete GitCredential.prototype.__inspect
Object.defineProperty(GitCredential.prototype, inspect.custom, {
  value: function () {
    return describe.call(this)
  },
})

exports.Client = native.Client
exports.GitCredential = native.GitCredential
exports.errorCodes = native.errorCodes
exports.gitCredential = native.gitCredential
exports.gitCredentialSync = native.gitCredentialSync
exports.sign = native.sign
exports.signedUrl = native.signedUrl
exports.signedUrlSync = native.signedUrlSync
