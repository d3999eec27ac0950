//! A small argument parser: `--flag`, `--opt value`, `--opt=value`, positionals.
//! (A full parser crate would double the start-up work of a program Git runs per request.)

use codecommit_auth::redact::echo;
use codecommit_auth::{Error, ErrorCode, Result};

/// Parsed command line.
#[derive(Debug, Default)]
pub struct Args {
    pub positionals: Vec<String>,
    options: Vec<(String, Option<String>)>,
}

impl Args {
    /// `with_value` lists the options that take a value; anything else starting with `--`
    /// must be in `flags`.
    pub fn parse(
        raw: impl IntoIterator<Item = String>,
        with_value: &[&str],
        flags: &[&str],
    ) -> Result<Args> {
        let mut args = Args::default();
        let mut raw = raw.into_iter();
        while let Some(arg) = raw.next() {
            if arg == "--" {
                args.positionals.extend(raw.by_ref());
                break;
            }
            let Some(stripped) = arg.strip_prefix("--") else {
                args.positionals.push(arg);
                continue;
            };
            let (name, inline) = match stripped.split_once('=') {
                Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
                None => (stripped.to_owned(), None),
            };
            if with_value.contains(&name.as_str()) {
                let value = inline
                    .or_else(|| raw.next())
                    .ok_or_else(|| usage(&format!("--{} needs a value", echo(&name))))?;
                args.options.push((name, Some(value)));
            } else if flags.contains(&name.as_str()) && inline.is_none() {
                args.options.push((name, None));
            } else {
                return Err(usage(&format!("unknown option --{}", echo(&name))));
            }
        }
        Ok(args)
    }

    /// The last value given for `--name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    pub fn flag(&self, name: &str) -> bool {
        self.options.iter().any(|(n, _)| n == name)
    }
}

/// A usage error (exit status 2, like most command-line tools).
pub fn usage(message: &str) -> Error {
    Error::new(
        ErrorCode::InvalidArgument,
        format!("{message} (see --help)"),
    )
}

/// The process arguments after the program name; invalid UTF-8 is an error, not a panic.
pub fn process_args() -> Result<Vec<String>> {
    std::env::args_os()
        .skip(1)
        .map(|a| {
            a.into_string().map_err(|a| {
                let shown = echo(&a.to_string_lossy());
                usage(&format!("argument \"{shown}\" is not valid UTF-8"))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: &[&str]) -> Result<Args> {
        Args::parse(
            v.iter().map(|s| s.to_string()),
            &["profile", "at"],
            &["json"],
        )
    }

    #[test]
    fn forms() {
        let a = parse(&[
            "url",
            "--profile",
            "p",
            "--at=2020-01-01T00:00:00Z",
            "--json",
            "x",
        ])
        .unwrap();
        assert_eq!(a.positionals, ["url", "x"]);
        assert_eq!(a.value("profile"), Some("p"));
        assert_eq!(a.value("at"), Some("2020-01-01T00:00:00Z"));
        assert!(a.flag("json"));
        assert!(parse(&["--nope"]).is_err());
        assert!(parse(&["--profile"]).is_err());
        assert!(parse(&["--json=1"]).is_err());
        assert_eq!(parse(&["--", "--json"]).unwrap().positionals, ["--json"]);
    }
}
