//! `GitCredential`: a signed credential. Its fields are getters on the prototype, so
//! `console.log`/`JSON.stringify` of the object show no secret; `util.inspect` shows the
//! non-secret fields (main.js).

use codecommit_auth as cc;
use napi::{Env, JsDate};
use napi_derive::napi;

use crate::args::millis_since_epoch;
use crate::errors::{core_error, guarded};

/// A signed CodeCommit Git credential.
#[napi]
pub struct GitCredential {
    inner: cc::GitCredential,
}

impl From<cc::GitCredential> for GitCredential {
    fn from(inner: cc::GitCredential) -> Self {
        GitCredential { inner }
    }
}

/// What isomorphic-git's `onAuth` returns.
#[napi(object, object_from_js = false)]
pub struct GitAuth {
    pub username: String,
    pub password: String,
}

impl From<cc::GitCredential> for GitAuth {
    fn from(c: cc::GitCredential) -> Self {
        GitAuth {
            username: c.username().expose().to_owned(),
            password: c.password().expose().to_owned(),
        }
    }
}

/// The signed URL of a credential.
pub(crate) fn url_of(c: cc::GitCredential) -> String {
    c.url().expose().to_owned()
}

#[napi]
impl GitCredential {
    /// The access key id, plus `%SESSION_TOKEN` for temporary credentials (not URL-encoded).
    #[napi(getter)]
    pub fn username(&self) -> String {
        self.inner.username().expose().to_owned()
    }

    /// `YYYYMMDDTHHMMSSZ` followed by the hex SigV4 signature.
    #[napi(getter)]
    pub fn password(&self) -> String {
        self.inner.password().expose().to_owned()
    }

    /// The earlier of the signature's validity (15 minutes) and the credentials' expiry.
    #[napi(getter, ts_return_type = "Date")]
    pub fn expires_at<'env>(&self, env: &'env Env) -> napi::Result<JsDate<'env>> {
        env.create_date(millis_since_epoch(self.inner.expires_at()))
    }

    /// `https://USERNAME:PASSWORD@HOST/v1/repos/REPO` (a secret).
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.inner.url().expose().to_owned()
    }

    /// The repository URL without credentials: give it to isomorphic-git as `url`.
    #[napi(getter)]
    pub fn repository_url(&self) -> String {
        self.inner.plain_url()
    }

    /// @deprecated Use `repositoryUrl` (the same value); `plainUrl` goes in the next release.
    #[napi(getter)]
    pub fn plain_url(&self) -> String {
        self.inner.plain_url()
    }

    #[napi(getter)]
    pub fn access_key_id(&self) -> String {
        self.inner.access_key_id().to_owned()
    }

    /// The host signed for, port included when there is one.
    #[napi(getter)]
    pub fn host(&self) -> String {
        self.inner.host().to_owned()
    }

    /// `/v1/repos/REPO`.
    #[napi(getter)]
    pub fn path(&self) -> String {
        self.inner.path().to_owned()
    }

    #[napi(getter)]
    pub fn region(&self) -> String {
        self.inner.region().to_owned()
    }

    /// The AWS profile used (`null` for `sign`).
    #[napi(getter)]
    pub fn profile(&self) -> Option<String> {
        self.inner.profile().map(str::to_owned)
    }

    /// Where the credentials came from (never a secret).
    #[napi(getter)]
    pub fn source(&self) -> String {
        self.inner.source().to_owned()
    }

    /// The git credential-helper reply (`username=`, `password=`, `password_expiry_utc=`).
    #[napi]
    pub fn git_reply(&self, env: Env) -> napi::Result<String> {
        guarded(|| self.inner.git_reply()).map_err(|e| core_error(&env, &e))
    }

    /// What `util.inspect` shows: host, region, masked key id and expiry, never a secret.
    #[napi(js_name = "__inspect", skip_typescript)]
    pub fn inspect(&self) -> String {
        let c = &self.inner;
        format!(
            "GitCredential {{ host: '{}', region: '{}', accessKeyId: '{}', expiresAt: {} }}",
            c.host(),
            c.region(),
            cc::trace::key_id(c.access_key_id()),
            cc::trace::time(c.expires_at()),
        )
    }
}
