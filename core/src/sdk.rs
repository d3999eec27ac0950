//! The one AWS SDK set-up: HTTP client, timeouts, retries, and how SDK errors become text.
//!
//! Every AWS call (STS, SSO, IMDS, container credentials, sign-in) goes through
//! [`http_client`], which caps each response body at [`CREDENTIALS_MAX`]: aws-config has no
//! knob for that, and an endless body would otherwise grow until the allocator aborts.
//!
//! Proxies and CAs, as botocore routes them:
//! - `HTTPS_PROXY`/`https_proxy`, `HTTP_PROXY`/`http_proxy`, `ALL_PROXY` and
//!   `NO_PROXY`/`no_proxy` through aws-smithy-http-client's own `ProxyConfig::from_env()`
//!   (CONNECT tunnels for HTTPS; `user:password@` in the proxy URL is sent as Basic
//!   proxy authorization and never shown). IMDS uses them like any call, unless `NO_PROXY`
//!   covers the metadata address (botocore's IMDSFetcher: `get_environ_proxies`); the
//!   container-credentials endpoint never does (botocore's ContainerMetadataFetcher builds its
//!   session without proxies).
//! - `AWS_CA_BUNDLE`, else the selected profile's `ca_bundle` (botocore's order): a PEM
//!   bundle trusted INSTEAD OF the OS store, as botocore does. Without either, the OS store.
//! - A failed TLS handshake is one line naming the host and suggesting `AWS_CA_BUNDLE`.
//!
//! Every call is traced (`CODECOMMIT_AUTH_TRACE`) here, once: what, where, status, duration.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_smithy_http_client::Connector;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use http_body_util::BodyExt;

use crate::limits::{self, CONFIG_MAX, CREDENTIALS_MAX};
use crate::redact::echo;

/// Network bounds for every credential source.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(30);

/// TEST-ONLY: overrides the 30 s bound on one whole credential resolution, so the test suite
/// does not sit through 30 s waits. Not documented for users; a value that is not a whole
/// number of seconds in 1..=3600 is ignored (the default applies), never an overflow.
const OPERATION_TIMEOUT_VAR: &str = "CODECOMMIT_AUTH_OPERATION_TIMEOUT";

/// The bound on one whole credential resolution (30 s; see [`OPERATION_TIMEOUT_VAR`]).
pub(crate) fn operation_timeout() -> Duration {
    crate::environment::var(OPERATION_TIMEOUT_VAR)
        .and_then(|v| parse_timeout(&v))
        .unwrap_or(DEFAULT_OPERATION_TIMEOUT)
}

fn parse_timeout(raw: &str) -> Option<Duration> {
    let secs: u64 = raw.trim().parse().ok()?;
    (1..=3600)
        .contains(&secs)
        .then(|| Duration::from_secs(secs))
}

tokio::task_local! {
    /// The selected profile's `ca_bundle` while its credentials are resolved.
    static PROFILE_CA_BUNDLE: Option<String>;
}

/// Runs `resolution` with the selected profile's `ca_bundle` setting in effect for every
/// client [`http_client`] builds inside it (`AWS_CA_BUNDLE` still wins, as in botocore).
pub(crate) async fn with_profile_ca_bundle<F: Future>(
    ca_bundle: Option<String>,
    resolution: F,
) -> F::Output {
    PROFILE_CA_BUNDLE.scope(ca_bundle, resolution).await
}

/// `AWS_CA_BUNDLE`, else the profile's `ca_bundle`, with where it came from. Empty is unset.
fn ca_bundle_setting() -> Option<(String, &'static str)> {
    let env = crate::environment::var("AWS_CA_BUNDLE").filter(|v| !v.trim().is_empty());
    if let Some(path) = env {
        return Some((path, "AWS_CA_BUNDLE"));
    }
    PROFILE_CA_BUNDLE
        .try_with(Clone::clone)
        .ok()
        .flatten()
        .filter(|v| !v.trim().is_empty())
        .map(|path| (path, "the profile's ca_bundle"))
}

/// The trust store: the OS store, or only the certificates of the CA bundle in effect.
fn trust_store() -> Result<TrustStore, String> {
    let Some((path, from)) = ca_bundle_setting() else {
        return Ok(TrustStore::default());
    };
    let pem = crate::platform::read_limited(std::path::Path::new(&path), CONFIG_MAX, true)
        .map_err(|e| e.to_string())
        .and_then(|pem| check_bundle(&pem).map(|()| pem))
        .map_err(|why| {
            format!(
                "cannot use the CA bundle {} (from {from}): {why}; point it at a PEM file of \
                 CA certificates, or unset it",
                echo(&path)
            )
        })?;
    Ok(TrustStore::empty().with_pem_certificate(pem))
}

/// The checks aws-smithy-http-client would otherwise make with `expect` (a panic): every
/// PEM block parses, and every certificate can be a trust anchor. At least one is needed.
fn check_bundle(pem: &[u8]) -> Result<(), String> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("it is not valid PEM ({e})"))?;
    if certs.is_empty() {
        return Err("it holds no -----BEGIN CERTIFICATE----- block".into());
    }
    let mut roots = rustls::RootCertStore::empty();
    for cert in certs {
        roots
            .add(cert)
            .map_err(|e| format!("a certificate in it cannot be used: {e}"))?;
    }
    Ok(())
}

/// One HTTPS client configuration for every AWS call (rustls with ring: one TLS stack),
/// routed through the environment's proxies (see the module docs), trusting the CA bundle
/// in effect, with response bodies capped at [`CREDENTIALS_MAX`]. A CA bundle that cannot
/// be used makes every call fail with one line that names it.
pub(crate) fn http_client() -> SharedHttpClient {
    let trust = trust_store().and_then(|trust| {
        TlsContext::builder()
            .with_trust_store(trust)
            .build()
            .map_err(|e| format!("cannot set up TLS: {e}"))
    });
    SharedHttpClient::new(CappedClient {
        tls: trust,
        limit: CREDENTIALS_MAX,
        container_host: container_host(),
        connectors: Mutex::new(HashMap::new()),
    })
}

/// The authority of the container-credentials endpoint in use, if any: requests to it, and
/// to the fixed ECS/EKS addresses, never go through a proxy.
fn container_host() -> Option<String> {
    let uri = crate::environment::var("AWS_CONTAINER_CREDENTIALS_FULL_URI")?;
    Some(authority(&uri).to_ascii_lowercase())
}

/// The fixed container-credentials addresses (botocore's ContainerMetadataFetcher).
const CONTAINER_HOSTS: [&str; 3] = ["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]"];

/// `host[:port]` of a URI (no userinfo, path or query).
fn authority(uri: &str) -> &str {
    let rest = uri.split_once("://").map_or(uri, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority.rsplit('@').next().unwrap_or_default()
}

pub(crate) fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(READ_TIMEOUT)
        .operation_attempt_timeout(READ_TIMEOUT)
        // A backstop only: the bound users see is the tokio timeout around the whole
        // resolution (ErrorCode::Timeout). Equal values raced, and the SDK's timeout came
        // out as a generic CredentialSource error half of the time.
        .operation_timeout(operation_timeout() + Duration::from_secs(5))
        .build()
}

/// Standard retries with backoff: throttling and 5xx are retried, boundedly.
pub(crate) fn retries() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(3)
}

/// Every message in the error chain, once, joined by ": ", on one line (a credential
/// process's stderr may span several). Unlike `DisplayErrorContext`, no `Debug` dump (raw
/// HTTP responses with their headers and bodies) reaches the user.
pub(crate) fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let message = one_line(&e.to_string());
        if !parts.iter().any(|p| p.contains(&message)) {
            parts.push(message);
        }
        next = e.source();
    }
    parts.join(": ")
}

/// A multi-line message as one line: a line ending in `:` (a heading, as in aws-config's
/// "error parsing FILE on line N:") runs on into the next; other lines are joined with "; ".
fn one_line(message: &str) -> String {
    let mut joined = String::new();
    for line in message.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !joined.is_empty() {
            joined.push_str(if joined.ends_with(':') { " " } else { "; " });
        }
        joined.push_str(line);
    }
    joined
}

#[cfg(test)]
mod error_chain_tests {
    use super::*;

    #[test]
    fn multi_line_messages_join_without_a_stray_bar() {
        let parse = "error parsing /home/u/.aws/config on line 2:\n  Expected an '=' sign";
        assert_eq!(
            one_line(parse),
            "error parsing /home/u/.aws/config on line 2: Expected an '=' sign"
        );
        let chain = "Attempted:\nEnvironment: not set\n\nProfile: not enabled\n";
        assert_eq!(
            one_line(chain),
            "Attempted: Environment: not set; Profile: not enabled"
        );
        let err = std::io::Error::other("first\nsecond");
        assert_eq!(error_chain(&err), "first; second");
        assert!(!error_chain(&err).contains('|'));
    }
}

/// True when a connect or read timeout of the HTTP client is somewhere in the chain.
pub(crate) fn is_timeout(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(e) = next {
        if e.downcast_ref::<ConnectorError>()
            .is_some_and(ConnectorError::is_timeout)
        {
            return true;
        }
        next = e.source();
    }
    false
}

/// Connectors by (connect, read) timeout: one connection pool per setting, reused by calls.
type ConnectorKey = (Option<Duration>, Option<Duration>);

/// Builds the connectors: every one caps response bodies, routes around proxies for the
/// container endpoint, traces its calls and turns TLS failures into a line a person can act on.
#[derive(Debug)]
struct CappedClient {
    /// The TLS set-up, or why the CA bundle cannot be used (then every call fails with it).
    tls: Result<TlsContext, String>,
    limit: u64,
    container_host: Option<String>,
    connectors: Mutex<HashMap<ConnectorKey, SharedHttpConnector>>,
}

impl CappedClient {
    fn connector(
        &self,
        tls: &TlsContext,
        proxy: ProxyConfig,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        let mut builder = Connector::builder()
            .proxy_config(proxy)
            .tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::Ring,
            ))
            .tls_context(tls.clone());
        builder.set_connector_settings(Some(settings.clone()));
        builder.set_sleep_impl(components.sleep_impl());
        SharedHttpConnector::new(builder.build())
    }
}

impl HttpClient for CappedClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        let tls = match &self.tls {
            Ok(tls) => tls,
            Err(why) => return SharedHttpConnector::new(FailingConnector(why.clone())),
        };
        let key = (settings.connect_timeout(), settings.read_timeout());
        let mut connectors = self.connectors.lock().unwrap_or_else(|p| p.into_inner());
        connectors
            .entry(key)
            .or_insert_with(|| {
                SharedHttpConnector::new(CappedConnector {
                    proxied: self.connector(tls, ProxyConfig::from_env(), settings, components),
                    direct: self.connector(tls, ProxyConfig::disabled(), settings, components),
                    container_host: self.container_host.clone(),
                    limit: self.limit,
                })
            })
            .clone()
    }

    fn connector_metadata(
        &self,
    ) -> Option<aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata> {
        Some(
            aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata::new(
                "hyper",
                Some(std::borrow::Cow::Borrowed("1.x")),
            ),
        )
    }
}

/// Every call fails with the same message (a CA bundle that cannot be used).
#[derive(Debug)]
struct FailingConnector(String);

impl HttpConnector for FailingConnector {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        let message = self.0.clone();
        HttpConnectorFuture::new(async move { Err(ConnectorError::other(message.into(), None)) })
    }
}

#[derive(Debug)]
struct CappedConnector {
    proxied: SharedHttpConnector,
    direct: SharedHttpConnector,
    container_host: Option<String>,
    limit: u64,
}

impl CappedConnector {
    /// The container-credentials endpoint is always reached directly (as botocore does).
    fn is_container(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        let name = host.rsplit_once(':').map_or(host.as_str(), |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                host.as_str()
            }
        });
        CONTAINER_HOSTS.contains(&name) || self.container_host.as_deref() == Some(host.as_str())
    }
}

impl HttpConnector for CappedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        // The host only: a query string may carry a token (IMDS, presigned requests).
        let host = authority(request.uri()).to_owned();
        let direct = self.is_container(&host);
        let timer = crate::trace::timer(
            "http",
            format_args!("{}", describe(&request, &host, direct)),
        );
        let inner = if direct { &self.direct } else { &self.proxied }.clone();
        let limit = self.limit;
        HttpConnectorFuture::new(async move {
            let mut response = match inner.call(request).await {
                Ok(response) => response,
                Err(e) => {
                    let e = explain_tls(e, &host);
                    timer.finish(format_args!("failed: {}", error_chain(&e)));
                    return Err(e);
                }
            };
            // Read inside the connector future, so the attempt timeout bounds a slow body too.
            let body = read_capped(response.take_body(), limit)
                .await
                .map_err(|e| e.into_connector_error(&host))?;
            timer.finish(format_args!("HTTP {}", response.status().as_u16()));
            *response.body_mut() = SdkBody::from(body);
            Ok(response)
        })
    }
}

/// What a call is, for the trace: `STS AssumeRole POST sts.us-east-1.amazonaws.com`, `IMDS
/// GET 169.254.169.254/latest/api/token`. Never a query string, header or body value beyond
/// the STS action name.
fn describe(request: &HttpRequest, host: &str, direct: bool) -> String {
    let path = request
        .uri()
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or("/")
        .split(['?', '#'])
        .next()
        .unwrap_or_default();
    let action = request
        .body()
        .bytes()
        .and_then(|b| std::str::from_utf8(b).ok())
        .and_then(|form| {
            form.split('&')
                .find_map(|kv| kv.strip_prefix("Action="))
                .filter(|a| a.bytes().all(|b| b.is_ascii_alphanumeric()))
        });
    let what = match action {
        Some(action) => format!("STS {action}"),
        None if path.starts_with("/latest/") => "IMDS".to_owned(),
        None if direct => "container credentials (direct, never proxied)".to_owned(),
        None if host.starts_with("portal.sso.") || path.starts_with("/federation/") => {
            "SSO".to_owned()
        }
        None if host.starts_with("oidc.") => "SSO OIDC".to_owned(),
        None => "AWS".to_owned(),
    };
    let shown_path = if action.is_some() { "" } else { path };
    format!(
        "{what} {} {}{}",
        request.method(),
        echo(host),
        echo(shown_path)
    )
}

/// A failed TLS handshake, or a proxy that refuses our proxy credentials, becomes one
/// actionable line naming the host; other errors pass unchanged.
fn explain_tls(error: ConnectorError, host: &str) -> ConnectorError {
    let chain = error_chain(&error);
    if chain.contains("proxy authorization required") {
        return ConnectorError::io(
            format!(
                "the proxy refused to connect to {} (407 Proxy Authentication Required): check \
                 the user and password in HTTPS_PROXY/HTTP_PROXY (http://USER:PASSWORD@HOST:PORT, \
                 percent-encoded)",
                echo(host)
            )
            .into(),
        );
    }
    let is_tls = chain.contains("TLS handshake failed")
        || chain.contains("invalid peer certificate")
        || chain.contains("certificate");
    if !is_tls {
        return error;
    }
    let reason = chain.rsplit(": ").next().unwrap_or(&chain).to_owned();
    ConnectorError::io(
        format!(
            "TLS handshake with {} failed ({}): if a proxy or a private CA signs this host's \
             certificate, set AWS_CA_BUNDLE (or the profile's ca_bundle) to its PEM bundle",
            echo(host),
            echo(&reason)
        )
        .into(),
    )
}

/// How far this machine's clock is from STS's (server minus local, in whole seconds), from
/// the `Date` header of one unsigned request to STS in `region` (or `AWS_ENDPOINT_URL_STS`),
/// through the same proxies and CAs as every call. `None` when STS cannot be reached or sends
/// no usable `Date` within a few seconds: the check is then skipped.
pub fn sts_clock_skew_blocking(region: &str) -> Option<i64> {
    let url = crate::environment::var("AWS_ENDPOINT_URL_STS")
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| format!("https://sts.{region}.amazonaws.com/"));
    crate::runtime::block_on(async move {
        tokio::time::timeout(CLOCK_CHECK_WAIT, server_date(&url))
            .await
            .ok()
            .flatten()
    })
    .ok()
    .flatten()
}

/// The whole clock check, connect to answer.
const CLOCK_CHECK_WAIT: Duration = Duration::from_secs(5);

async fn server_date(url: &str) -> Option<i64> {
    let tls = TlsContext::builder()
        .with_trust_store(trust_store().ok()?)
        .build()
        .ok()?;
    let host = authority(url).to_owned();
    let direct = CONTAINER_HOSTS.contains(&host.as_str());
    let proxy = if direct {
        ProxyConfig::disabled()
    } else {
        ProxyConfig::from_env()
    };
    let connector = Connector::builder()
        .proxy_config(proxy)
        .connector_settings(
            HttpConnectorSettings::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .read_timeout(CLOCK_CHECK_WAIT)
                .build(),
        )
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .tls_context(tls)
        .build();
    let request = HttpRequest::get(url).ok()?;
    let timer = crate::trace::timer("http", format_args!("STS clock check GET {}", echo(&host)));
    let sent = std::time::SystemTime::now();
    let response = connector.call(request).await.ok()?;
    let received = std::time::SystemTime::now();
    timer.finish(format_args!("HTTP {}", response.status().as_u16()));
    let date = response.headers().get("date")?;
    let server = parse_http_date(date)?;
    // The server stamped its Date somewhere between send and receive: take the middle.
    let local = sent + received.duration_since(sent).unwrap_or_default() / 2;
    let skew = match server.duration_since(local) {
        Ok(ahead) => ahead.as_secs_f64(),
        Err(behind) => -behind.duration().as_secs_f64(),
    };
    Some(skew.round() as i64)
}

/// An HTTP `Date` (IMF-fixdate, `Tue, 01 Dec 2026 15:52:00 GMT`).
fn parse_http_date(value: &str) -> Option<std::time::SystemTime> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let at = time::PrimitiveDateTime::parse(value.trim(), &format).ok()?;
    Some(at.assume_utc().into())
}

/// Why a body could not be read whole.
#[derive(Debug)]
pub(crate) enum BodyError {
    TooLarge(u64),
    Read(aws_smithy_runtime_api::box_error::BoxError),
}

impl BodyError {
    fn into_connector_error(self, host: &str) -> ConnectorError {
        match self {
            BodyError::TooLarge(limit) => ConnectorError::other(
                format!(
                    "the response body from {} is larger than {}; refusing to read more",
                    crate::redact::echo(host),
                    limits::describe(limit)
                )
                .into(),
                None,
            ),
            BodyError::Read(e) => ConnectorError::io(e),
        }
    }
}

/// Collects `body` into memory, at most `limit` bytes: one byte more is an error, never a
/// bigger buffer.
pub(crate) async fn read_capped<B>(body: B, limit: u64) -> Result<Vec<u8>, BodyError>
where
    B: http_body::Body<Data = bytes::Bytes>,
    B::Error: Into<aws_smithy_runtime_api::box_error::BoxError>,
{
    let mut body = std::pin::pin!(body);
    let mut out = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| BodyError::Read(e.into()))?;
        if let Ok(data) = frame.into_data() {
            if (out.len() as u64).saturating_add(data.len() as u64) > limit {
                return Err(BodyError::TooLarge(limit));
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out)
}

/// The one `SdkConfig` for STS calls (AssumeRole with or without MFA): our HTTP client,
/// timeouts and retries, in `region` (us-east-1 when none), signed with `credentials` when
/// given. Added by the layers refactor so mfa.rs and resolve.rs stop writing it twice.
pub(crate) async fn sts_config(
    region: Option<String>,
    credentials: Option<aws_credential_types::provider::SharedCredentialsProvider>,
) -> aws_types::SdkConfig {
    let region = region.unwrap_or_else(|| "us-east-1".to_owned());
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_types::region::Region::new(region))
        .http_client(http_client())
        .timeout_config(timeouts())
        .retry_config(retries());
    if let Some(credentials) = credentials {
        loader = loader.credentials_provider(credentials);
    }
    loader.load().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    /// A body that never ends: 64 KiB frames forever.
    struct Endless;

    impl http_body::Body for Endless {
        type Data = bytes::Bytes;
        type Error = std::io::Error;
        fn poll_frame(
            self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<http_body::Frame<bytes::Bytes>, std::io::Error>>> {
            Poll::Ready(Some(Ok(http_body::Frame::data(bytes::Bytes::from(
                vec![b'x'; 64 * 1024],
            )))))
        }
    }

    #[test]
    fn an_endless_body_stops_at_the_limit() {
        let read = crate::runtime::poll_here(read_capped(Endless, CREDENTIALS_MAX));
        assert!(matches!(read, Err(BodyError::TooLarge(CREDENTIALS_MAX))));
    }

    #[test]
    fn a_body_at_the_limit_is_read_whole() {
        let body = SdkBody::from(vec![b'a'; 1024]);
        let read = crate::runtime::poll_here(read_capped(body, 1024)).unwrap();
        assert_eq!(read.len(), 1024);
        let body = SdkBody::from(vec![b'a'; 1025]);
        let read = crate::runtime::poll_here(read_capped(body, 1024));
        assert!(matches!(read, Err(BodyError::TooLarge(1024))));
    }

    #[test]
    fn too_large_names_host_and_limit() {
        let err = BodyError::TooLarge(CREDENTIALS_MAX).into_connector_error("sts.example.com");
        let text = error_chain(&err);
        assert!(
            text.contains("sts.example.com") && text.contains("1 MiB"),
            "{text}"
        );
    }

    #[test]
    fn bad_ca_bundles_are_errors_not_panics() {
        assert!(check_bundle(b"").is_err());
        assert!(check_bundle(b"not pem at all").is_err());
        let garbage = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(check_bundle(garbage).is_err());
        let broken = b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        assert!(check_bundle(broken).is_err());
    }

    #[test]
    fn http_dates() {
        let at = parse_http_date("Tue, 01 Dec 2026 15:52:07 GMT").unwrap();
        assert_eq!(crate::trace::time(at), "2026-12-01T15:52:07Z");
        assert!(parse_http_date("yesterday").is_none());
    }

    #[test]
    fn authorities() {
        assert_eq!(
            authority("https://sts.amazonaws.com/x?y"),
            "sts.amazonaws.com"
        );
        assert_eq!(authority("http://u:p@127.0.0.1:80/creds"), "127.0.0.1:80");
        assert_eq!(authority("http://[fd00:ec2::23]/v1"), "[fd00:ec2::23]");
    }

    #[test]
    fn container_endpoints_are_direct() {
        let connector = CappedConnector {
            proxied: SharedHttpConnector::new(FailingConnector("p".into())),
            direct: SharedHttpConnector::new(FailingConnector("d".into())),
            container_host: Some("127.0.0.1:9911".into()),
            limit: 1,
        };
        for direct in [
            "169.254.170.2",
            "169.254.170.23:80",
            "[fd00:ec2::23]",
            "127.0.0.1:9911",
        ] {
            assert!(connector.is_container(direct), "{direct}");
        }
        for proxied in ["169.254.169.254", "127.0.0.1:9912", "sts.amazonaws.com"] {
            assert!(!connector.is_container(proxied), "{proxied}");
        }
    }

    #[test]
    fn tls_failures_name_the_host_and_the_fix() {
        let inner = ConnectorError::io(
            "TLS handshake failed: invalid peer certificate: UnknownIssuer".into(),
        );
        let text = error_chain(&explain_tls(inner, "sts.example.com"));
        assert!(
            text.contains("sts.example.com") && text.contains("AWS_CA_BUNDLE"),
            "{text}"
        );
        let refused = ConnectorError::io("tunnel error: proxy authorization required".into());
        let text = error_chain(&explain_tls(refused, "sts.example.com"));
        assert!(
            text.contains("407") && text.contains("HTTPS_PROXY"),
            "{text}"
        );
        let other = ConnectorError::io("connection refused".into());
        assert!(!error_chain(&explain_tls(other, "h")).contains("AWS_CA_BUNDLE"));
    }

    #[test]
    fn operation_timeout_values_saturate_or_are_refused() {
        assert_eq!(parse_timeout("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_timeout(" 7 "), Some(Duration::from_secs(7)));
        for bad in ["0", "-1", "18446744073709551616", "3601", "1.5", "", "x"] {
            assert_eq!(parse_timeout(bad), None, "{bad}");
        }
    }
}
