//! Texts of the portal pages.

/// Every text of the portal pages.
pub struct PortalTexts {
    /// The portal's name.
    pub title: &'static str,
}

/// Italian.
pub const IT: PortalTexts = PortalTexts {
    title: "Helpdesk online",
};

/// English.
pub const EN: PortalTexts = PortalTexts {
    title: "Online helpdesk",
};
