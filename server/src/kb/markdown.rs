//! Articles are written in Markdown (CommonMark with tables, strikethrough and task lists).
//! [`to_html`] renders one for a page and sanitises the result: an article is written by
//! a technician, but whatever its author pastes (raw HTML included) must never run in a
//! reader's browser. [`to_plain_text`] gives the words the search index and excerpts use.

use pulldown_cmark::{Event, Options, Parser, TagEnd};

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// The article as safe HTML: rendered by pulldown-cmark, then cleaned by ammonia (no
/// `<script>`, `<style>`, `<iframe>`, event-handler attributes or `javascript:` links; links
/// get `rel="noopener noreferrer"`).
pub fn to_html(markdown: &str) -> String {
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(markdown, options()));
    ammonia::Builder::default()
        // Task lists render as disabled checkboxes.
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("th", ["style"])
        .filter_style_properties(["text-align"].into_iter().collect())
        .clean(&html)
        .to_string()
}

/// The article's words without markup, paragraphs on their own lines: what is indexed and what
/// excerpts are cut from. Raw HTML in the source is left out.
pub fn to_plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_),
            ) if !text.ends_with('\n') => text.push('\n'),
            Event::End(TagEnd::TableCell) => text.push(' '),
            _ => {}
        }
    }
    text.trim_end().to_string()
}

/// The first `max_chars` characters of `text` on one line, cut at a word boundary, with `…`
/// when something was left out.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max_chars {
        return flat;
    }
    let cut: String = flat.chars().take(max_chars).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > max_chars / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_headings_lists_code_and_links() {
        let html = to_html(
            "## Passi\n\n1. Apri **Mago4**\n2. Premi `F5`\n\n[Guida](https://example.it/guida)",
        );
        assert!(html.contains("<h2>Passi</h2>"), "{html}");
        assert!(html.contains("<strong>Mago4</strong>"), "{html}");
        assert!(html.contains("<code>F5</code>"), "{html}");
        assert!(
            html.contains(
                r#"<a href="https://example.it/guida" rel="noopener noreferrer">Guida</a>"#
            ),
            "{html}"
        );
    }

    #[test]
    fn scripts_and_event_handlers_never_survive() {
        let html = to_html(
            "Ciao <script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n\
             <a href=\"javascript:alert(3)\">clic</a>\n\n[link](javascript:alert(4))\n\n\
             <iframe src=\"https://evil.example\"></iframe><svg onload=alert(5)></svg>\n\n\
             <div style=\"background:url(javascript:alert(6))\" onclick=\"alert(7)\">x</div>",
        );
        let lower = html.to_lowercase();
        for forbidden in [
            "<script",
            "alert(1)",
            "onerror",
            "javascript:",
            "<iframe",
            "onload",
            "onclick",
            "<svg",
            "style=",
        ] {
            assert!(!lower.contains(forbidden), "{forbidden} in {html}");
        }
        assert!(html.contains("Ciao"), "{html}");
        assert!(html.contains("<img src=\"x\">"), "{html}");
    }

    #[test]
    fn tables_and_task_lists_keep_their_safe_parts() {
        let html = to_html("| A | B |\n|:-|-:|\n| 1 | 2 |\n\n- [x] fatto\n- [ ] da fare");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("text-align: right") || html.contains("text-align:right"));
        assert!(html.contains(r#"type="checkbox""#), "{html}");
    }

    #[test]
    fn plain_text_keeps_words_and_drops_markup_and_raw_html() {
        let text = to_plain_text(
            "# Stampante offline\n\nRiavvia lo **spooler** con `net stop spooler`.\n\n\
             - primo\n- secondo\n\n<b onclick=x>html</b>",
        );
        assert_eq!(
            text,
            "Stampante offline\nRiavvia lo spooler con net stop spooler.\nprimo\nsecondo\nhtml"
        );
        assert!(!text.contains('<'));
    }

    #[test]
    fn excerpts_cut_at_a_word_and_say_so() {
        assert_eq!(excerpt("breve\n testo", 50), "breve testo");
        assert_eq!(
            excerpt("Riavviare il servizio di stampa, poi riprovare", 30),
            "Riavviare il servizio di…"
        );
    }
}
