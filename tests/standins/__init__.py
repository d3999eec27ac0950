"""Small local stand-ins for AWS credential sources, for tests (all loopback, port 0).

One module per stand-in; each server is a context manager with ``.url`` and ``.requests``
(what it received, for assertions):

  sso_portal          SSO portal GetRoleCredentials, and seeding ~/.aws/sso/cache
  sso_oidc            SSO OIDC CreateToken (refresh_token grant)
  signin              AWS Sign-In CreateOAuth2Token (login_session refresh, DPoP checked)
  container           container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI)
  imds                IMDSv2 (token required) instance-profile credentials
  silent              a port that accepts connections and never answers; a closed port
  sts                 AssumeRole that fails on script (500s, Throttling, stalls), then succeeds
  credential_process  scripts for credential_process (good, failing, malformed)
"""
