use std::process::ExitCode;

use codecommit_auth_cli::{args, credential_helper, report};

const PROGRAM: &str = "git-credential-codecommit";

fn main() -> ExitCode {
    report::install_panic_hook(PROGRAM);
    match args::process_args() {
        Ok(raw) => credential_helper::run(PROGRAM, raw),
        Err(error) => report::fail(PROGRAM, &error),
    }
}
