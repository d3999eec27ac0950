//! Single flight inside one process: concurrent requests on one `Client` for one profile
//! share one resolution. A `credential_process` that appends a line to a file per run counts
//! the resolutions; before the fix, N concurrent requests ran it up to N times.
//!
//! One test per binary state (environment variables are process-wide), so everything runs in
//! a single #[test].

use std::path::Path;
use std::sync::{Arc, Barrier};

use codecommit_auth::{Client, ClientOptions, ErrorCode};

const N: usize = 64;
const REMOTE: &str = "codecommit::us-east-1://counted@repo";

fn write_config(dir: &Path, process: &str) {
    std::fs::write(
        dir.join("config"),
        format!("[profile counted]\nregion = us-east-1\ncredential_process = {process}\n"),
    )
    .unwrap();
}

/// A process that counts its runs in `runs`, takes a moment (so requests overlap), then
/// prints `output`.
fn counting_process(dir: &Path, output: &str, exit: i32) -> String {
    let script = dir.join("process.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho run >> '{}'\nsleep 0.3\nprintf '%s' '{output}'\nexit {exit}\n",
            dir.join("runs").display()
        ),
    )
    .unwrap();
    format!("sh {}", script.display())
}

fn runs(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("runs"))
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

fn client() -> Arc<Client> {
    Arc::new(
        Client::new(ClientOptions {
            cache: false,
            endpoint: Some("127.0.0.1:1".into()),
            ..ClientOptions::default()
        })
        .unwrap(),
    )
}

/// N threads, released together, each asking `client` once (blocking path).
fn blocking_burst(client: &Arc<Client>) -> Vec<Result<String, ErrorCode>> {
    let barrier = Arc::new(Barrier::new(N));
    let threads: Vec<_> = (0..N)
        .map(|_| {
            let (client, barrier) = (client.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                client
                    .git_credential_blocking(REMOTE, None)
                    .map(|c| c.access_key_id().to_owned())
                    .map_err(|e| e.code())
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

/// The environment is process-wide and `set_var` is unsafe (forbidden here), so the test
/// runs itself again as a child process with the AWS files pointed at a scratch directory.
#[test]
fn concurrent_requests_on_one_client_run_the_source_once() {
    const CHILD: &str = "CODECOMMIT_AUTH_SINGLE_FLIGHT_DIR";
    if let Some(dir) = std::env::var_os(CHILD) {
        return run_in_child(Path::new(&dir));
    }
    let dir = std::env::temp_dir().join(format!("cca-single-flight-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "concurrent_requests_on_one_client_run_the_source_once",
            "--nocapture",
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env(CHILD, &dir)
        .env("HOME", &dir)
        .env("AWS_CONFIG_FILE", dir.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .status()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert!(status.success(), "the child test failed: {status}");
}

fn run_in_child(dir: &Path) {
    let dir = dir.to_path_buf();
    std::fs::write(dir.join("credentials"), "").unwrap();

    // A failing source: the waiters share the one failure, and it is not remembered.
    write_config(&dir, &counting_process(&dir, "not json", 1));
    let failing = client();
    let results = blocking_burst(&failing);
    assert!(results.iter().all(|r| r.is_err()), "{results:?}");
    assert_eq!(runs(&dir), 1, "one failed run shared by {N} requests");
    assert!(failing.git_credential_blocking(REMOTE, None).is_err());
    assert_eq!(
        runs(&dir),
        2,
        "an error is not remembered: the next request runs again"
    );

    // A working source, blocking path from N threads.
    std::fs::remove_file(dir.join("runs")).unwrap();
    let json = r#"{"Version": 1, "AccessKeyId": "AKIAPROCESSPROCESS01", "SecretAccessKey": "s"}"#;
    write_config(&dir, &counting_process(&dir, json, 0));
    let blocking = client();
    let results = blocking_burst(&blocking);
    assert!(
        results
            .iter()
            .all(|r| r.as_deref() == Ok("AKIAPROCESSPROCESS01")),
        "{results:?}"
    );
    assert_eq!(runs(&dir), 1, "{N} blocking requests, one run");

    // The async path: N tasks on one runtime, on a fresh client.
    std::fs::remove_file(dir.join("runs")).unwrap();
    let asynchronous = client();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let results = runtime.block_on(async {
        let tasks: Vec<_> = (0..N)
            .map(|_| {
                let client = asynchronous.clone();
                tokio::spawn(async move {
                    client
                        .git_credential(REMOTE, None)
                        .await
                        .map(|c| c.access_key_id().to_owned())
                        .map_err(|e| e.code())
                })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        results
    });
    assert!(
        results
            .iter()
            .all(|r| r.as_deref() == Ok("AKIAPROCESSPROCESS01")),
        "{results:?}"
    );
    assert_eq!(runs(&dir), 1, "{N} async requests, one run");
}
