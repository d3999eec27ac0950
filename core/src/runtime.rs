//! Where futures run.
//!
//! Two executors, on purpose: futures that only read files (profile parsing, static keys)
//! are polled on the calling thread with no runtime at all, so the static-credential path
//! starts no thread pool; futures that do network I/O run on one shared tokio runtime,
//! created on first use and kept for the life of the process (never one per call).

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, LazyLock};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

use tokio::runtime::Runtime;

use crate::error::{Error, ErrorCode, Result};

static RUNTIME: LazyLock<std::result::Result<Runtime, String>> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("codecommit-auth")
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
});

/// Runs a future that needs tokio (network, timers) to completion on the shared runtime.
/// Safe to call from inside another runtime: then it blocks a helper thread instead.
pub(crate) fn block_on<F>(future: F) -> Result<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let runtime = RUNTIME.as_ref().map_err(|e| {
        Error::new(
            ErrorCode::Internal,
            format!("cannot start the async runtime: {e}"),
        )
    })?;
    if tokio::runtime::Handle::try_current().is_ok() {
        return thread::scope(|s| s.spawn(|| runtime.block_on(future)).join())
            .map_err(|_| Error::new(ErrorCode::Internal, "credential resolution thread panicked"));
    }
    Ok(runtime.block_on(future))
}

struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Polls a runtime-free future to completion on this thread.
pub(crate) fn poll_here<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(value) => return value,
            Poll::Pending => thread::park(),
        }
    }
}
