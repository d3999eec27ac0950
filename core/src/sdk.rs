//! The one AWS SDK set-up: HTTP client, timeouts, retries, and how SDK errors become text.
//!
//! Every AWS call (STS, SSO, IMDS, container credentials, sign-in) goes through
//! [`http_client`], which caps each response body at [`CREDENTIALS_MAX`]: aws-config has no
//! knob for that, and an endless body would otherwise grow until the allocator aborts.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_smithy_http_client::tls;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use http_body_util::BodyExt;

use crate::limits::{self, CREDENTIALS_MAX};

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
    std::env::var(OPERATION_TIMEOUT_VAR)
        .ok()
        .and_then(|v| parse_timeout(&v))
        .unwrap_or(DEFAULT_OPERATION_TIMEOUT)
}

fn parse_timeout(raw: &str) -> Option<Duration> {
    let secs: u64 = raw.trim().parse().ok()?;
    (1..=3600)
        .contains(&secs)
        .then(|| Duration::from_secs(secs))
}

/// One HTTPS client configuration for every AWS call (rustls with ring: one TLS stack), with
/// response bodies capped at [`CREDENTIALS_MAX`].
pub(crate) fn http_client() -> SharedHttpClient {
    let inner = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    SharedHttpClient::new(CappedClient {
        inner,
        limit: CREDENTIALS_MAX,
    })
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
        let message = e
            .to_string()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" | ");
        if !parts.iter().any(|p| p.contains(&message)) {
            parts.push(message);
        }
        next = e.source();
    }
    parts.join(": ")
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

/// Wraps the real client: every connector it hands out caps response bodies.
#[derive(Debug)]
struct CappedClient {
    inner: SharedHttpClient,
    limit: u64,
}

impl HttpClient for CappedClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(CappedConnector {
            inner: self.inner.http_connector(settings, components),
            limit: self.limit,
        })
    }

    fn validate_base_client_config(
        &self,
        runtime_components: &RuntimeComponentsBuilder,
        cfg: &ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        self.inner
            .validate_base_client_config(runtime_components, cfg)
    }

    fn connector_metadata(
        &self,
    ) -> Option<aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata> {
        self.inner.connector_metadata()
    }
}

#[derive(Debug)]
struct CappedConnector {
    inner: SharedHttpConnector,
    limit: u64,
}

impl HttpConnector for CappedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        // The host only: a query string may carry a token (IMDS, presigned requests).
        let host = request
            .uri()
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split(['/', '?']).next())
            .unwrap_or_default()
            .to_owned();
        let (inner, limit) = (self.inner.clone(), self.limit);
        HttpConnectorFuture::new(async move {
            let mut response = inner.call(request).await?;
            // Read inside the connector future, so the attempt timeout bounds a slow body too.
            let body = read_capped(response.take_body(), limit)
                .await
                .map_err(|e| e.into_connector_error(&host))?;
            *response.body_mut() = SdkBody::from(body);
            Ok(response)
        })
    }
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
    fn operation_timeout_values_saturate_or_are_refused() {
        assert_eq!(parse_timeout("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_timeout(" 7 "), Some(Duration::from_secs(7)));
        for bad in ["0", "-1", "18446744073709551616", "3601", "1.5", "", "x"] {
            assert_eq!(parse_timeout(bad), None, "{bad}");
        }
    }
}
