//! Organisation tokens of the API: `ppd_` and 64 hex digits (32 random bytes).
//!
//! Only the SHA-256 of a token is stored. The token is 256 random bits, so a fast hash is the
//! right one (there is nothing to brute-force; a slow password hash would only cost every
//! request), and a copy of the database holds no usable token.

use crate::blobs::sha256_hex;

/// What every token starts with, so one found in a log or a repository is recognisable.
pub const PREFIX: &str = "ppd_";
const SECRET_HEX_DIGITS: usize = 64;

/// A new random token.
pub fn mint() -> String {
    let secret: [u8; 32] = rand::random();
    format!("{PREFIX}{}", hex::encode(secret))
}

/// What is stored for a token: lower-case hex SHA-256 of the token as presented.
pub fn hash(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// Whether `text` has the shape of a token (prefix, 64 lower-case hex digits). Anything else
/// is refused without a database lookup.
pub fn looks_like_token(text: &str) -> bool {
    text.strip_prefix(PREFIX).is_some_and(|secret| {
        secret.len() == SECRET_HEX_DIGITS
            && secret
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// The token of an `Authorization: Bearer <token>` header value (scheme in any case).
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_tokens_have_the_documented_shape_and_differ() {
        let a = mint();
        let b = mint();
        assert!(looks_like_token(&a), "{a}");
        assert_eq!(a.len(), PREFIX.len() + 64);
        assert_ne!(a, b);
        assert_ne!(hash(&a), hash(&b));
        assert_eq!(hash(&a).len(), 64);
    }

    #[test]
    fn malformed_tokens_are_recognised() {
        let good = format!("ppd_{}", "0a".repeat(32));
        assert!(looks_like_token(&good));
        for bad in [
            String::new(),
            "ppd_".to_string(),
            format!("ppd_{}", "0A".repeat(32)),
            format!("xyz_{}", "0a".repeat(32)),
            format!("ppd_{}", "0a".repeat(33)),
            format!("ppd_{}g", "0a".repeat(31)),
        ] {
            assert!(!looks_like_token(&bad), "{bad:?}");
        }
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer("Bearer ppd_x"), Some("ppd_x"));
        assert_eq!(bearer("bearer   ppd_x "), Some("ppd_x"));
        assert_eq!(bearer("Basic dXNlcjpwYXNz"), None);
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("ppd_x"), None);
    }
}
