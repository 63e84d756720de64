//! TLS setup shared by every HTTPS and SMTP-over-TLS client of the agent.
//!
//! reqwest is built with `rustls-no-provider`, so rustls needs its process-wide crypto
//! provider (ring) installed before the first client is built.

/// Installs ring as rustls' process-wide crypto provider. Idempotent: a provider that is
/// already installed (by an earlier call or by a dependency) is kept.
pub fn install_crypto() {
    // Err only means "a provider is already installed", which is what we want anyway.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[cfg(test)]
mod tests {
    #[test]
    fn installing_twice_is_fine() {
        super::install_crypto();
        super::install_crypto();
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    }
}
