//! Texts of the common pages.

/// Every text of the common pages.
pub struct CommonTexts {
    /// The product's name in the header.
    pub app_name: &'static str,
}

/// Italian.
pub const IT: CommonTexts = CommonTexts {
    app_name: "ppdesk",
};

/// English.
pub const EN: CommonTexts = CommonTexts {
    app_name: "ppdesk",
};
