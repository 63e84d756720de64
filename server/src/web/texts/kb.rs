//! Texts of the kb pages.

/// Every text of the kb pages.
pub struct KbTexts {
    /// The knowledge base's name.
    pub title: &'static str,
}

/// Italian.
pub const IT: KbTexts = KbTexts {
    title: "Knowledge base",
};

/// English.
pub const EN: KbTexts = KbTexts {
    title: "Knowledge base",
};
