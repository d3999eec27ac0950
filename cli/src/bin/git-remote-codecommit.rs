use std::process::ExitCode;

use codecommit_auth_cli::{args, remote_helper, report};

fn main() -> ExitCode {
    report::install_panic_hook(remote_helper::PROGRAM);
    match args::process_args() {
        Ok(raw) => remote_helper::run(raw),
        Err(error) => report::fail(remote_helper::PROGRAM, &error),
    }
}
