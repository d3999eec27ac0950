//! Micro-benchmarks of the hot paths: `cargo bench -p codecommit-auth`.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use codecommit_auth::signature::{SigningRequest, sign_password};
use codecommit_auth::{Client, ClientOptions, CredentialRequest, Remote, Secret};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

const HOST: &str = "git-codecommit.us-east-1.amazonaws.com";

fn request(at: SystemTime) -> SigningRequest<'static> {
    SigningRequest {
        host: HOST,
        path: "/v1/repos/MyDemoRepo",
        region: "us-east-1",
        at,
    }
}

fn signing(c: &mut Criterion) {
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let secret = Secret::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    c.bench_function("sign/cached_key", |b| {
        b.iter(|| sign_password(black_box(&secret), black_box(&request(at))))
    });
    // A new secret every iteration: the key derivation (4 HMACs) runs each time.
    let mut n = 0u64;
    c.bench_function("sign/cold_key", |b| {
        b.iter_batched(
            || {
                n += 1;
                Secret::new(format!("cold-secret-{n}"))
            },
            |secret| sign_password(&secret, &request(at)),
            BatchSize::SmallInput,
        )
    });
}

fn parsing(c: &mut Criterion) {
    c.bench_function("parse/remote", |b| {
        b.iter(|| Remote::parse(black_box("codecommit::eu-west-1://dev@my-repo"), None))
    });
    let input =
        b"capability[]=authtype\nprotocol=https\nhost=git-codecommit.us-east-1.amazonaws.com\n\
path=v1/repos/MyDemoRepo\nwwwauth[]=Basic realm=\"x\"\n\n";
    c.bench_function("parse/credential_request", |b| {
        b.iter(|| CredentialRequest::parse(black_box(input)))
    });
}

fn full_credential(c: &mut Criterion) {
    // Static keys from the environment, no config files: the in-process path of
    // `git-credential-codecommit get` minus process start-up and stdio.
    require_env();
    let client = Client::new(ClientOptions::default()).expect("client");
    c.bench_function("git_credential/static", |b| {
        b.iter(|| {
            client.git_credential_blocking(black_box("codecommit::us-east-1://MyDemoRepo"), None)
        })
    });
}

fn require_env() {
    // std::env::set_var is unsafe in edition 2024; the bench reads the variables the
    // runner exports instead (see ./x bench), and fails loudly if they are missing.
    assert!(
        std::env::var_os("AWS_ACCESS_KEY_ID").is_some(),
        "run through ./x bench, which sets AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
    );
}

criterion_group!(benches, signing, parsing, full_credential);
criterion_main!(benches);
