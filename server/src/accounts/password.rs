//! Password hashing (Argon2id, PHC strings), password rules, generated passwords.
//!
//! Hashing costs about 19 MiB and a few tens of milliseconds on purpose; callers on the async
//! runtime run it with `spawn_blocking`.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

/// Shortest password accepted.
pub const MIN_CHARS: usize = 10;
/// Longest password accepted (hashing a megabyte would be a cheap denial of service).
pub const MAX_CHARS: usize = 200;

/// Argon2id memory cost in KiB (OWASP's first recommended setting: m=19 MiB, t=2, p=1).
pub const MEMORY_KIB: u32 = 19 * 1024;
/// Argon2id passes.
pub const ITERATIONS: u32 = 2;
/// Argon2id lanes.
pub const PARALLELISM: u32 = 1;

/// Why a password cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    /// Fewer than [`MIN_CHARS`] characters.
    #[error("the password is too short (at least {MIN_CHARS} characters)")]
    TooShort,
    /// More than [`MAX_CHARS`] characters.
    #[error("the password is too long (at most {MAX_CHARS} characters)")]
    TooLong,
}

/// Hashing or reading a stored hash failed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("password hash: {0}")]
pub struct HashError(String);

/// Whether `password` may be set.
pub fn problem(password: &str) -> Option<PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        Some(PasswordProblem::TooShort)
    } else if chars > MAX_CHARS {
        Some(PasswordProblem::TooLong)
    } else {
        None
    }
}

fn hasher() -> Result<Argon2<'static>, HashError> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .map_err(|e| HashError(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The PHC string stored for `password`, with a fresh random salt.
pub fn hash(password: &str) -> Result<String, HashError> {
    hasher()?
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `password` matches the stored PHC string. The parameters are read from the string,
/// so hashes made with older settings keep working.
pub fn verify(password: &str, stored: &str) -> bool {
    match hasher() {
        Ok(hasher) => hasher.verify_password(password.as_bytes(), stored).is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the address is unknown, so a wrong address costs the same
/// time as a wrong password (the answer must not tell which addresses exist).
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy password that is never set").unwrap_or_default())
}

/// A random password for a user made without one: 16 characters from an alphabet without
/// look-alikes (no 0/O, 1/l/I), about 90 bits.
pub fn generate() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_the_documented_parameters() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$v=19$"), "{stored}");
        assert!(
            stored.contains(&format!("m={MEMORY_KIB},t={ITERATIONS},p={PARALLELISM}")),
            "{stored}"
        );
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse batterY", &stored));
        // A fresh salt each time: the same password never hashes the same.
        assert_ne!(stored, hash("correct horse battery").unwrap());
    }

    #[test]
    fn garbage_hashes_verify_nothing() {
        assert!(!verify("anything", ""));
        assert!(!verify("anything", "$argon2id$v=19$broken"));
        assert!(!verify("anything", decoy_hash()));
    }

    #[test]
    fn password_length_rules() {
        assert_eq!(problem("short"), Some(PasswordProblem::TooShort));
        assert_eq!(problem("demo-admin"), None);
        assert_eq!(
            problem(&"x".repeat(MAX_CHARS + 1)),
            Some(PasswordProblem::TooLong)
        );
        // Characters, not bytes.
        assert_eq!(problem("èèèèèèèèèè"), None);
    }

    #[test]
    fn generated_passwords_are_long_enough_and_differ() {
        let a = generate();
        assert_eq!(a.chars().count(), 16);
        assert_eq!(problem(&a), None);
        assert_ne!(a, generate());
    }
}
