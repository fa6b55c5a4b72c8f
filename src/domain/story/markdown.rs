//! Markdown → sanitised HTML. Editors are trusted less than a browser needs them to be: raw HTML
//! in a story is allowed through the same allow-list that guards everything we serve.

use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder.link_rel(Some("noopener noreferrer"));
    builder
});

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Renders Markdown to HTML that is safe to embed in our pages and in an `Article`.
pub fn render(markdown: &str) -> String {
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options()));
    CLEANER.clean(&unsafe_html).to_string()
}

/// The text of the first paragraph, for a teaser when the editor gave no summary.
pub fn first_paragraph_text(markdown: &str) -> String {
    let mut text = String::new();
    let mut inside = false;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Paragraph) => inside = true,
            Event::End(TagEnd::Paragraph) if !text.trim().is_empty() => break,
            Event::End(TagEnd::Paragraph) => inside = false,
            Event::Text(t) | Event::Code(t) if inside => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if inside => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

/// Cuts `text` to at most `max` characters at a word boundary, marking the cut with `…`.
pub fn truncate_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let at_word = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!(
        "{}…",
        at_word.trim_end_matches(|c: char| c.is_whitespace() || c == ',')
    )
}

#[cfg(test)]
mod tests {
    use super::{first_paragraph_text, render, truncate_words};

    #[test]
    fn renders_markdown_and_strips_what_could_run() {
        let html = render(
            "# Title\n\nSome *text* <script>alert(1)</script> <a href=\"javascript:x\" onclick=\"y\">l</a>\n\n<iframe src=\"//x\"></iframe>",
        );
        assert!(html.contains("<h1>Title</h1>"));
        assert!(html.contains("<em>text</em>"));
        assert!(!html.contains("script"));
        assert!(!html.contains("javascript"));
        assert!(!html.contains("onclick"));
        assert!(!html.contains("iframe"));
    }

    #[test]
    fn teaser_is_the_first_paragraph_cut_at_a_word() {
        let md = "# Heading\n\nCity council *approves* the\nnew budget.\n\nSecond.";
        assert_eq!(
            first_paragraph_text(md),
            "City council approves the new budget."
        );
        assert_eq!(truncate_words("one two three four", 10), "one two…");
        assert_eq!(truncate_words("short", 10), "short");
    }
}
