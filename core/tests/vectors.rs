//! The pure `sign` against vectors computed by the official git-remote-codecommit
//! (tests/vectors.json, shared with the C, Python and Node tests).

use std::time::SystemTime;

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[test]
fn sign_matches_the_official_tool() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors.json"
    ))
    .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let vectors = doc["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 5);
    for v in vectors {
        let s = |k: &str| v[k].as_str().unwrap();
        let at = SystemTime::from(OffsetDateTime::parse(s("at"), &Rfc3339).unwrap());
        let cred = codecommit_auth::sign(
            s("access_key_id"),
            s("secret_access_key"),
            v["session_token"].as_str(),
            s("region"),
            s("host"),
            s("path"),
            at,
        )
        .unwrap();
        assert_eq!(cred.password().expose(), s("password"), "{}", s("at"));
        assert_eq!(cred.username().expose(), s("username"));
        assert_eq!(cred.url().expose(), s("url"));
    }
}
