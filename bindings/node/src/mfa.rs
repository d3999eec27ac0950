//! MFA: core asks from a blocking thread; the JavaScript callback runs on the main thread.
//! A client's synchronous calls block that very thread, so while one runs the callback
//! cannot: [`MainThread`] lets the one core client choose the MFA policy per call.

use std::collections::HashMap;
use std::sync::mpsc::{self, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use codecommit_auth as cc;
use napi::Status;
use napi::bindgen_prelude::{Either, Promise};
use napi::threadsafe_function::ThreadsafeFunction;
use napi_derive::napi;

/// The MFA callback: receives what is asked for, returns the current code (or a Promise of it).
pub(crate) type MfaCallback = ThreadsafeFunction<
    MfaRequest,
    Either<String, Promise<String>>,
    MfaRequest,
    Status,
    false, // errors are not passed as the first argument
    true,  // weak: a Client with a callback does not keep the process alive
>;

/// What the MFA callback is asked for: the code of device `serial`, to assume `roleArn`.
#[napi(object, object_from_js = false)]
pub struct MfaRequest {
    pub profile: String,
    pub serial: String,
    pub role_arn: String,
}

/// A callback's answer, or why there is none.
type Answer = Result<String, String>;

/// Whether a synchronous call of the client holds the main thread, and the prompts waiting
/// for the callback (each is refused when a synchronous call starts: its answer could only
/// come after that call, which may itself be waiting for the same role session).
#[derive(Default)]
pub(crate) struct MainThread {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    sync_calls: usize,
    next_id: u64,
    waiting: HashMap<u64, SyncSender<Answer>>,
}

/// Held for the length of a synchronous call.
pub(crate) struct Blocked<'a>(&'a MainThread);

impl MainThread {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Marks the main thread blocked and refuses every prompt waiting for the callback.
    pub(crate) fn block(&self) -> Blocked<'_> {
        let mut state = self.lock();
        state.sync_calls += 1;
        for (_, waiting) in state.waiting.drain() {
            let _ = waiting.try_send(Err(SYNC_CALL.into()));
        }
        Blocked(self)
    }

    /// Registers a prompt's answer channel; `None` while a synchronous call blocks.
    fn wait(&self, sender: SyncSender<Answer>) -> Option<u64> {
        let mut state = self.lock();
        if state.sync_calls > 0 {
            return None;
        }
        state.next_id += 1;
        let id = state.next_id;
        state.waiting.insert(id, sender);
        Some(id)
    }

    fn done(&self, id: u64) {
        self.lock().waiting.remove(&id);
    }
}

impl Drop for Blocked<'_> {
    fn drop(&mut self) {
        self.0.lock().sync_calls -= 1;
    }
}

/// Why the callback gave no code. A value that is not a string reaches here as napi's
/// conversion error, whose wording names Rust types: it is replaced.
fn callback_failure(error: napi::Error) -> String {
    match error.status {
        Status::StringExpected | Status::ObjectExpected | Status::InvalidArg => {
            "it returned neither a string nor a Promise of a string".into()
        }
        _ => error.reason,
    }
}

const SYNC_CALL: &str = "a synchronous call (gitCredentialSync / signedUrlSync) blocks the \
                         event loop the mfa callback runs on: use the Promise API \
                         (gitCredential / signedUrl) for profiles with mfa_serial";

pub(crate) struct JsMfaPrompt {
    callback: Arc<MfaCallback>,
    timeout: Duration,
    main: Arc<MainThread>,
}

impl JsMfaPrompt {
    pub(crate) fn new(callback: MfaCallback, timeout: Duration, main: Arc<MainThread>) -> Self {
        JsMfaPrompt {
            callback: Arc::new(callback),
            timeout,
            main,
        }
    }
}

impl cc::MfaPrompt for JsMfaPrompt {
    fn code(&self, request: &cc::MfaRequest) -> cc::Result<String> {
        let failed = |detail: &str| {
            cc::Error::new(
                cc::ErrorCode::MfaRequired,
                format!(
                    "profile {} needs an MFA code for {} and the mfa callback gave none: {detail}",
                    request.profile, request.serial
                ),
            )
        };
        let (sender, receiver) = mpsc::sync_channel(1);
        let Some(id) = self.main.wait(sender.clone()) else {
            return Err(failed(SYNC_CALL));
        };
        let callback = Arc::clone(&self.callback);
        let asked = MfaRequest {
            profile: request.profile.clone(),
            serial: request.serial.clone(),
            role_arn: request.role_arn.clone(),
        };
        napi::bindgen_prelude::spawn(async move {
            let answer = match callback.call_async_catch(asked).await {
                Ok(Either::A(code)) => Ok(code),
                Ok(Either::B(promise)) => promise.await,
                Err(e) => Err(e),
            };
            let _ = sender.try_send(answer.map_err(callback_failure));
        });
        let answer = receiver.recv_timeout(self.timeout);
        self.main.done(id);
        match answer {
            Ok(Ok(code)) => Ok(code),
            Ok(Err(detail)) => Err(failed(&detail)),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(cc::Error::new(
                cc::ErrorCode::Timeout,
                format!(
                    "the MFA callback did not answer within {} s (profile {}); answer sooner \
                     or raise mfaTimeoutSeconds",
                    self.timeout.as_secs_f64(),
                    request.profile
                ),
            )),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(failed("the callback was released")),
        }
    }
}
