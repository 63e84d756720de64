//! Facts about this machine that go along with every ticket (host, OS, agent version, user,
//! screens), and the OS user's name as the default contact name.
//!
//! Nothing here fails: a fact the platform does not tell is shown as "unknown".

use ppdesk_shared::api::MachineFacts;

/// What a fact the platform does not tell reads as.
pub const UNKNOWN: &str = "unknown";

/// The facts for a ticket. `screens` and `active_window` come from the capture.
pub fn gather(screens: Vec<String>, active_window: Option<String>) -> MachineFacts {
    MachineFacts {
        hostname: whoami::fallible::hostname()
            .ok()
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| UNKNOWN.to_owned()),
        os: os_name(),
        agent_version: env!("CARGO_PKG_VERSION").to_owned(),
        user: os_user_name().unwrap_or_else(|| UNKNOWN.to_owned()),
        screens,
        active_window: active_window
            .map(|title| title.trim().to_owned())
            .filter(|title| !title.is_empty()),
    }
}

/// The OS name and version as a person would say it, e.g. "Debian GNU/Linux 12 (bookworm)"
/// or "Windows 11 (build 22631, Workstation)".
pub fn os_name() -> String {
    #[cfg(target_os = "linux")]
    {
        let release = ["/etc/os-release", "/usr/lib/os-release"]
            .into_iter()
            .find_map(|path| std::fs::read_to_string(path).ok())
            .and_then(|text| pretty_name_from_os_release(&text));
        if let Some(name) = release {
            return name;
        }
    }
    let distro = whoami::distro();
    #[cfg(windows)]
    {
        windows_name(&distro)
    }
    #[cfg(not(windows))]
    {
        distro
    }
}

/// `PRETTY_NAME` of an os-release file (else `NAME` plus `VERSION`), quotes removed.
pub fn pretty_name_from_os_release(text: &str) -> Option<String> {
    let value = |key: &str| {
        text.lines().find_map(|line| {
            let (name, value) = line.trim().split_once('=')?;
            (name.trim() == key)
                .then(|| unquote(value.trim()))
                .filter(|v| !v.is_empty())
        })
    };
    value("PRETTY_NAME").or_else(|| {
        let name = value("NAME")?;
        Some(match value("VERSION") {
            Some(version) => format!("{name} {version}"),
            None => name,
        })
    })
}

fn unquote(value: &str) -> String {
    let inner = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(value);
    inner.replace("\\\"", "\"").replace("\\\\", "\\")
}

/// Windows reports itself as "Windows 10.0.BUILD (Product)" (RtlGetVersion, which does not
/// lie about the version the way the registry's ProductName does on Windows 11); client
/// builds from 22000 on are Windows 11.
pub fn windows_name(distro: &str) -> String {
    let Some(rest) = distro.strip_prefix("Windows 10.0.") else {
        return distro.to_owned();
    };
    let (build, product) = match rest.split_once(' ') {
        Some((build, product)) => (
            build,
            product.trim_matches(|c| c == '(' || c == ')' || c == ' '),
        ),
        None => (rest, ""),
    };
    let Ok(number) = build.parse::<u32>() else {
        return distro.to_owned();
    };
    let name = if matches!(product, "Server" | "Domain Controller") {
        // Server releases share the client's version numbers; the build tells which one.
        "Windows Server"
    } else if number >= 22000 {
        "Windows 11"
    } else {
        "Windows 10"
    };
    if product.is_empty() {
        format!("{name} (build {number})")
    } else {
        format!("{name} (build {number}, {product})")
    }
}

/// The login name of the user the agent runs as.
pub fn os_user_name() -> Option<String> {
    whoami::fallible::username()
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
}

/// The contact name offered when the config names none: the OS user's real name, else the
/// login name, else empty (the compose window asks).
pub fn default_contact_name() -> String {
    contact_name_from(
        whoami::fallible::realname().ok().as_deref(),
        os_user_name().as_deref(),
    )
}

/// The rule behind [`default_contact_name`]: a passwd GECOS field carries extra comma-separated
/// fields ("Mario Rossi,Room 3,,"), only the first is the name.
pub fn contact_name_from(real_name: Option<&str>, login: Option<&str>) -> String {
    real_name
        .map(|name| name.split(',').next().unwrap_or_default().trim())
        .filter(|name| !name.is_empty())
        .or_else(|| login.map(str::trim).filter(|l| !l.is_empty()))
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gather_fills_every_fact_and_keeps_what_the_capture_gave() {
        let facts = gather(
            vec!["1920x1080+0+0".into()],
            Some("  Mago4 - Fattura 123  ".into()),
        );
        assert!(!facts.hostname.is_empty());
        assert!(!facts.os.is_empty());
        assert!(!facts.user.is_empty());
        assert_eq!(facts.agent_version, env!("CARGO_PKG_VERSION"));
        assert_eq!(facts.screens, ["1920x1080+0+0"]);
        assert_eq!(facts.active_window.as_deref(), Some("Mago4 - Fattura 123"));
        assert_eq!(gather(vec![], Some("   ".into())).active_window, None);
    }

    #[test]
    fn os_release_pretty_name_wins_and_quotes_go() {
        let debian = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n";
        assert_eq!(
            pretty_name_from_os_release(debian).as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
        let bare = "NAME=Alpine\nVERSION='3.19'\n";
        assert_eq!(
            pretty_name_from_os_release(bare).as_deref(),
            Some("Alpine 3.19")
        );
        assert_eq!(pretty_name_from_os_release("ID=x\n"), None);
        assert_eq!(
            pretty_name_from_os_release("PRETTY_NAME=\"\"\nNAME=Arch Linux\n").as_deref(),
            Some("Arch Linux")
        );
    }

    #[test]
    fn windows_builds_from_22000_are_windows_11() {
        assert_eq!(
            windows_name("Windows 10.0.22631 (Workstation)"),
            "Windows 11 (build 22631, Workstation)"
        );
        assert_eq!(
            windows_name("Windows 10.0.19045 (Workstation)"),
            "Windows 10 (build 19045, Workstation)"
        );
        assert_eq!(
            windows_name("Windows 10.0.20348 (Server)"),
            "Windows Server (build 20348, Server)"
        );
        assert_eq!(
            windows_name("Windows 6.1.7601 (Workstation)"),
            "Windows 6.1.7601 (Workstation)"
        );
        assert_eq!(windows_name("Unknown Windows"), "Unknown Windows");
    }

    #[test]
    fn the_contact_name_is_the_real_name_else_the_login() {
        assert_eq!(
            contact_name_from(Some("Mario Rossi,Stanza 3,,"), Some("mrossi")),
            "Mario Rossi"
        );
        assert_eq!(contact_name_from(Some(" ,,,"), Some("mrossi")), "mrossi");
        assert_eq!(contact_name_from(None, Some("mrossi")), "mrossi");
        assert_eq!(contact_name_from(None, None), "");
    }
}
