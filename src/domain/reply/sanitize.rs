//! Remote HTML, cleaned against an allow-list with Mastodon's as the baseline: text formatting,
//! lists, quotes, code and links; no scripts, styles, images, iframes or forms. Links open
//! nothing of ours and pass no reputation (`rel="nofollow noopener ugc"`).

use std::{collections::HashSet, sync::LazyLock};

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = [
        "p",
        "br",
        "span",
        "a",
        "del",
        "s",
        "pre",
        "code",
        "em",
        "strong",
        "b",
        "i",
        "u",
        "ul",
        "ol",
        "li",
        "blockquote",
    ]
    .into_iter()
    .collect();
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(tags)
        .add_tag_attributes("a", ["href"])
        .add_tag_attributes("ol", ["start", "reversed"])
        .add_tag_attributes("li", ["value"])
        .allowed_classes(
            [
                (
                    "a",
                    ["mention", "hashtag", "u-url", "status-link"]
                        .into_iter()
                        .collect(),
                ),
                (
                    "span",
                    ["h-card", "invisible", "ellipsis"].into_iter().collect(),
                ),
            ]
            .into_iter()
            .collect(),
        )
        .url_schemes(["http", "https"].into_iter().collect())
        .link_rel(Some("nofollow noopener ugc"))
        .clean_content_tags(["script", "style"].into_iter().collect());
    builder
});

/// Cleans remote HTML for display.
pub fn clean(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

/// The text of an HTML fragment, without markup, for places that show plain text (content
/// warnings, report comments). Escaping for display is the renderer's job.
pub fn plain_text(html: &str) -> String {
    let stripped = ammonia::Builder::empty().clean(html).to_string();
    stripped
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::{clean, plain_text};

    #[test]
    fn plain_text_keeps_words_not_markup() {
        assert_eq!(
            plain_text("Spam <b>here</b> &amp; <script>x</script>there"),
            "Spam here & there"
        );
    }

    #[test]
    fn hostile_markup_is_removed_and_links_are_marked() {
        let html = clean(
            r#"<p onclick="x()">Hi <a href="https://m.example/@a" class="u-url mention evil">@a</a> <img src="https://t.example/p.gif"><script>alert(1)</script><style>p{}</style><iframe src="https://x"></iframe><a href="javascript:alert(1)">js</a> <b style="color:red">bold</b></p>"#,
        );
        assert!(html.contains(r#"<a href="https://m.example/@a" class="u-url mention" rel="nofollow noopener ugc">@a</a>"#), "{html}");
        for banned in [
            "onclick",
            "<img",
            "script",
            "<style",
            "iframe",
            "javascript",
            "style=",
            "evil",
        ] {
            assert!(!html.contains(banned), "{banned} survived: {html}");
        }
        assert!(html.contains("<b>bold</b>"));
    }
}
