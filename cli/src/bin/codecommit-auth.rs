use std::process::ExitCode;

use codecommit_auth_cli::{args, report, tool};

fn main() -> ExitCode {
    report::install_panic_hook(tool::PROGRAM);
    match args::process_args() {
        Ok(raw) => tool::run(raw),
        Err(error) => report::fail(tool::PROGRAM, &error),
    }
}
