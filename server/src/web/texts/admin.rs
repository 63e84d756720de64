//! Texts of the admin pages.

/// Every text of the admin pages.
pub struct AdminTexts {
    /// The admin area's name.
    pub title: &'static str,
}

/// Italian.
pub const IT: AdminTexts = AdminTexts {
    title: "Amministrazione",
};

/// English.
pub const EN: AdminTexts = AdminTexts {
    title: "Administration",
};
