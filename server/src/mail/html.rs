//! What of a mail's HTML a page may show.
//!
//! Mail HTML is written by strangers. Before any page shows it, [`for_page`] keeps only
//! ammonia's allow-list of harmless tags and attributes (no `<script>`, `<style>`, `<iframe>`,
//! `<form>`, no `on…=` handlers, no `style`), and then decides every URL:
//!
//! - links (`href`, `cite`) stay only as absolute `http`, `https`, `mailto` or `tel` URLs, so no
//!   `javascript:`, `data:` or relative URL that would act on our own site;
//! - images load only from our own `/attachments/{id}`: a `cid:` reference to an inline part of
//!   the same message is rewritten to it, every other source (remote tracking pixels, `data:`)
//!   is removed, so reading a mail never tells its sender anything.

use std::borrow::Cow;
use std::collections::HashMap;

/// The path a page links an attachment by.
pub fn attachment_path(id: i64) -> String {
    format!("/attachments/{id}")
}

/// `html` made safe to put in a page. `inline_parts` maps the Content-IDs of the message's
/// attachments (without `<>`) to their attachment ids.
pub fn for_page(html: &str, inline_parts: &HashMap<String, i64>) -> String {
    let parts = inline_parts.clone();
    ammonia::Builder::default()
        // Let `cid:` through the scheme check; the filter below turns it into our own path.
        .add_url_schemes(["cid"])
        .attribute_filter(move |element, attribute, value| {
            decide_attribute(element, attribute, value, &parts)
        })
        // Runs after the filter: the only relative URLs left are the ones it wrote.
        .url_relative(ammonia::UrlRelative::Custom(Box::new(keep_attachment_path)))
        .clean(html)
        .to_string()
}

/// Whether an attribute stays, rewritten or as it is.
fn decide_attribute<'v>(
    element: &str,
    attribute: &str,
    value: &'v str,
    inline_parts: &HashMap<String, i64>,
) -> Option<Cow<'v, str>> {
    match (element, attribute) {
        ("img", "src") => {
            let id = content_id_of(value).and_then(|cid| inline_parts.get(&cid))?;
            Some(Cow::Owned(attachment_path(*id)))
        }
        (_, "href" | "src" | "cite" | "longdesc" | "action" | "background" | "poster") => {
            is_safe_link(value).then_some(Cow::Borrowed(value))
        }
        _ => Some(Cow::Borrowed(value)),
    }
}

/// An absolute link a reader may follow by choice.
fn is_safe_link(url: &str) -> bool {
    let url = url.trim_start().to_ascii_lowercase();
    ["http://", "https://", "mailto:", "tel:"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
}

/// The Content-ID a `cid:` URL names (RFC 2392: percent-encoded), without `<>`.
fn content_id_of(url: &str) -> Option<String> {
    let rest = url.trim();
    let scheme = rest.get(..4)?;
    if !scheme.eq_ignore_ascii_case("cid:") {
        return None;
    }
    let id = percent_decode(&rest[4..]);
    let id = id.trim_matches(['<', '>']);
    (!id.is_empty()).then(|| id.to_string())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match decoded {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn keep_attachment_path(url: &str) -> Option<Cow<'_, str>> {
    is_attachment_path(url).then_some(Cow::Borrowed(url))
}

fn is_attachment_path(url: &str) -> bool {
    url.strip_prefix("/attachments/")
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(html: &str) -> String {
        let parts = HashMap::from([("logo@mail".to_string(), 7_i64)]);
        for_page(html, &parts)
    }

    fn assert_inert(html: &str) {
        let out = clean(html).to_ascii_lowercase();
        for bad in [
            "<script",
            "onerror",
            "onload",
            "onclick",
            "javascript:",
            "<iframe",
            "<object",
            "<embed",
            "<form",
            "<style",
            "<meta",
            "<base",
            "<link",
            "<svg",
            "data:",
            "http://evil",
            "https://evil",
            "style=",
        ] {
            assert!(
                !out.contains(bad),
                "{bad:?} survived in {out:?} (from {html:?})"
            );
        }
    }

    #[test]
    fn scripts_handlers_and_active_content_are_removed() {
        for html in [
            "<p>ciao</p><script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<IMG SRC=x OnError=\"alert(1)\">",
            "<a href=\"javascript:alert(1)\">clic</a>",
            "<a href=\"  JaVaScRiPt:alert(1)\">clic</a>",
            "<a href=\"jav&#x09;ascript:alert(1)\">clic</a>",
            "<svg onload=alert(1)><circle r=1></svg>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<object data=\"https://evil.example/x.swf\"></object>",
            "<embed src=\"https://evil.example/x.swf\">",
            "<form action=\"https://evil.example\"><input name=p></form>",
            "<style>body{display:none}</style><p style=\"color:red\">x</p>",
            "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
            "<base href=\"https://evil.example/\"><a href=\"x\">x</a>",
            "<link rel=stylesheet href=\"https://evil.example/x.css\">",
            "<body onload=alert(1)>x</body>",
            "<div onmouseover=\"alert(1)\">x</div>",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
        ] {
            assert_inert(html);
        }
    }

    #[test]
    fn remote_and_data_images_never_load() {
        assert_eq!(
            clean("<img src=\"https://evil.example/pixel.gif\" alt=\"p\">"),
            "<img alt=\"p\">"
        );
        assert_eq!(clean("<img src=\"data:image/png;base64,AAAA\">"), "<img>");
        assert_eq!(clean("<img src=\"/attachments/3\">"), "<img>");
        assert_eq!(clean("<img src=\"//evil.example/p.gif\">"), "<img>");
    }

    #[test]
    fn inline_images_point_at_their_attachment() {
        assert_eq!(
            clean("<img src=\"cid:logo@mail\" alt=\"logo\">"),
            "<img src=\"/attachments/7\" alt=\"logo\">"
        );
        assert_eq!(
            clean("<img src=\"CID:%3Clogo@mail%3E\">"),
            "<img src=\"/attachments/7\">"
        );
        // A part of another message, or none at all: nothing to show.
        assert_eq!(clean("<img src=\"cid:other@mail\">"), "<img>");
    }

    #[test]
    fn ordinary_links_stay_and_open_safely() {
        let out = clean("<a href=\"https://www.projectpp.it/x\">sito</a>");
        assert!(out.contains("href=\"https://www.projectpp.it/x\""), "{out}");
        assert!(out.contains("rel=\"noopener noreferrer\""), "{out}");
        assert!(clean("<a href=\"mailto:a@b.it\">m</a>").contains("mailto:a@b.it"));
        // Relative links would act on our own site: removed.
        assert_eq!(
            clean("<a href=\"/logout\">x</a>"),
            "<a rel=\"noopener noreferrer\">x</a>"
        );
        assert_eq!(
            clean("<a href=\"cid:logo@mail\">x</a>"),
            "<a rel=\"noopener noreferrer\">x</a>"
        );
    }

    #[test]
    fn text_and_structure_survive() {
        assert_eq!(
            clean("<p>Buongiorno,<br><b>errore</b> in <i>fattura</i></p><ul><li>1</li></ul>"),
            "<p>Buongiorno,<br><b>errore</b> in <i>fattura</i></p><ul><li>1</li></ul>"
        );
    }
}
