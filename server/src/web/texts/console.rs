//! Texts of the console pages.

/// Every text of the console pages.
pub struct ConsoleTexts {
    /// The console's name.
    pub title: &'static str,
}

/// Italian.
pub const IT: ConsoleTexts = ConsoleTexts {
    title: "Console tecnici",
};

/// English.
pub const EN: ConsoleTexts = ConsoleTexts {
    title: "Technician console",
};
