//! What a region name looks like (`us-east-1`, `cn-north-1`, `us-gov-west-1`): a pure
//! predicate with no imports, so endpoint, remote and redact can all use it without a cycle.

/// True when `region` has the shape of an AWS region name (not whether it exists).
pub(crate) fn is_region_shaped(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    let Some((last, rest)) = parts.split_last() else {
        return false;
    };
    region.len() <= 32
        && rest.len() >= 2
        && rest[0].len() == 2
        && rest[0].bytes().all(|b| b.is_ascii_lowercase())
        && rest[1..].iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && !last.is_empty()
        && last.len() <= 3
        && last.bytes().all(|b| b.is_ascii_digit())
}
