//! Single flight inside one process: concurrent requests for the same key share one piece of
//! work in flight. Its result (an error included) goes to every request that waited for it;
//! nothing is kept afterwards, so a request that arrives after a failure tries again.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

/// The flights in progress, by key. Runtime-agnostic (a tokio `OnceCell` wakes its waiters
/// on whatever executor polls them), so blocking callers on many threads and async callers
/// on any runtime share one flight.
pub(crate) struct SingleFlight<K, V> {
    flights: Mutex<HashMap<K, Arc<OnceCell<V>>>>,
}

impl<K: Eq + Hash + Clone, V: Clone> SingleFlight<K, V> {
    pub(crate) fn new() -> Self {
        SingleFlight {
            flights: Mutex::new(HashMap::new()),
        }
    }

    /// Runs `work` for `key`, unless work for `key` is already in flight: then waits for that
    /// result instead. If the request doing the work is dropped (cancelled), one waiter's
    /// `work` takes over. `work` should first look for a result a finished flight left behind
    /// (a memo), since a request may start a new flight just after the previous one ended.
    pub(crate) async fn run<F, Fut>(&self, key: K, work: F) -> V
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        let flight = self.join(&key);
        let value = flight.get_or_init(work).await.clone();
        self.leave(&key, &flight);
        value
    }

    /// The flight for `key`: the one in progress, or a new one (a finished flight whose
    /// result is still there is never joined: its result may be an error or stale).
    fn join(&self, key: &K) -> Arc<OnceCell<V>> {
        let mut flights = self.flights.lock().unwrap_or_else(|p| p.into_inner());
        match flights.get(key) {
            Some(flight) if !flight.initialized() => Arc::clone(flight),
            _ => {
                let flight = Arc::new(OnceCell::new());
                flights.insert(key.clone(), Arc::clone(&flight));
                flight
            }
        }
    }

    /// Forgets a finished flight, unless a newer one has replaced it already.
    fn leave(&self, key: &K, flight: &Arc<OnceCell<V>>) {
        let mut flights = self.flights.lock().unwrap_or_else(|p| p.into_inner());
        if flights.get(key).is_some_and(|f| Arc::ptr_eq(f, flight)) {
            flights.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn concurrent_requests_share_one_run_and_its_error() {
        const N: usize = 100;
        let flight = Arc::new(SingleFlight::<&str, Result<u32, String>>::new());
        let runs = Arc::new(AtomicUsize::new(0));
        let rt = runtime();
        let tasks: Vec<_> = (0..N)
            .map(|_| {
                let (flight, runs) = (flight.clone(), runs.clone());
                rt.spawn(async move {
                    let joined = flight.clone();
                    flight
                        .run("p", || async move {
                            runs.fetch_add(1, Ordering::SeqCst);
                            // The work ends only once all N requests hold the flight (the
                            // map's reference plus one each), so none can arrive late.
                            while joined_count(&joined) < N + 1 {
                                tokio::time::sleep(Duration::from_millis(1)).await;
                            }
                            Err::<u32, String>("boom".into())
                        })
                        .await
                })
            })
            .collect();
        for task in tasks {
            assert_eq!(rt.block_on(task).unwrap(), Err("boom".to_owned()));
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        // The error was not kept: the next request runs again.
        let again = rt.block_on(flight.run("p", || async { Ok::<u32, String>(7) }));
        assert_eq!(again, Ok(7));
        assert!(flight.flights.lock().unwrap().is_empty());
    }

    fn joined_count(flight: &SingleFlight<&str, Result<u32, String>>) -> usize {
        flight
            .flights
            .lock()
            .unwrap()
            .get("p")
            .map_or(0, Arc::strong_count)
    }
}
