//! Where futures run.
//!
//! Two executors, on purpose: futures that only read files (profile parsing, static keys)
//! are polled on the calling thread with no runtime at all, so the static-credential path
//! starts no thread pool; futures that do network I/O run on one shared tokio runtime,
//! created on first use and kept for the life of the process (never one per call).

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;

use tokio::runtime::Runtime;

use crate::error::{Error, ErrorCode, Result};

/// The shared runtime and the process it was built in. A child created by `fork()` inherits
/// the runtime but not its worker threads, so a child builds its own (and leaks the
/// inherited one: dropping it would wait for threads that do not exist).
static RUNTIME: Mutex<Option<(u32, &'static Runtime)>> = Mutex::new(None);

fn shared_runtime() -> Result<&'static Runtime> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((owner, runtime)) = *slot
        && owner == pid
    {
        return Ok(runtime);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("codecommit-auth")
        .enable_all()
        .build()
        .map_err(|e| {
            Error::new(
                ErrorCode::Internal,
                format!("cannot start the async runtime: {e}"),
            )
        })?;
    let runtime: &'static Runtime = Box::leak(Box::new(runtime));
    *slot = Some((pid, runtime));
    Ok(runtime)
}

/// Runs a future that needs tokio (network, timers) to completion on the shared runtime.
/// Safe to call from inside another runtime: then it blocks a helper thread instead.
pub(crate) fn block_on<F>(future: F) -> Result<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let runtime = shared_runtime()?;
    if tokio::runtime::Handle::try_current().is_ok() {
        return thread::scope(|s| s.spawn(|| runtime.block_on(future)).join())
            .map_err(|_| Error::new(ErrorCode::Internal, "credential resolution thread panicked"));
    }
    Ok(runtime.block_on(future))
}

/// Wakes `poll_here` through a flag and a condition variable rather than `thread::current()`:
/// on a thread Rust did not start (a C program's main thread), the first `thread::current()`
/// allocates a handle kept for the thread's life behind a tagged pointer, which valgrind
/// reports as "possibly lost" in every C program that uses the library.
#[derive(Default)]
struct FlagWaker {
    woken: Mutex<bool>,
    signal: Condvar,
}

impl FlagWaker {
    fn wait(&self) {
        let mut woken = self.woken.lock().unwrap_or_else(|p| p.into_inner());
        while !*woken {
            woken = self.signal.wait(woken).unwrap_or_else(|p| p.into_inner());
        }
        *woken = false;
    }
}

impl Wake for FlagWaker {
    fn wake(self: Arc<Self>) {
        *self.woken.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.signal.notify_one();
    }
}

/// Polls a runtime-free future to completion on this thread.
pub(crate) fn poll_here<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let flag = Arc::new(FlagWaker::default());
    let waker = Waker::from(Arc::clone(&flag));
    let mut cx = Context::from_waker(&waker);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(value) => return value,
            Poll::Pending => flag.wait(),
        }
    }
}
