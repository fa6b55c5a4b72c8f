//! Remote HTML, cleaned against an allow-list with Mastodon's as the baseline: text formatting,
//! lists, quotes, code and links; no scripts, styles, images, iframes or forms. Links open
//! nothing of ours and pass no reputation (`rel="nofollow noopener ugc"`).

use std::{
    collections::{HashMap, HashSet},
    sync::LazyLock,
};

/// The elements a reply may keep; any other is removed, its text kept.
pub const ELEMENTS: [&str; 17] = [
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
];
/// The classes kept on links.
pub const LINK_CLASSES: [&str; 4] = ["mention", "hashtag", "u-url", "status-link"];
/// And on spans (Mastodon hides the middle of long links with `invisible`).
pub const SPAN_CLASSES: [&str; 3] = ["h-card", "invisible", "ellipsis"];

/// Passes of the cleaner at most: one is enough but for markup whose cleaned tree the parser
/// would rebuild differently (a link left inside a link once a table around it is removed).
const MAX_PASSES: usize = 4;

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = ELEMENTS.into_iter().collect();
    // Exactly these attributes: `Builder::empty` empties only the tags, and would keep
    // ammonia's default attributes (`title` and `lang` everywhere, `cite`, `hreflang`, …).
    let tag_attributes: HashMap<&str, HashSet<&str>> = [
        ("a", ["href"].into_iter().collect()),
        ("ol", ["start", "reversed"].into_iter().collect()),
        ("li", ["value"].into_iter().collect()),
    ]
    .into_iter()
    .collect();
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(tags)
        .tag_attributes(tag_attributes)
        .generic_attributes(HashSet::new())
        .allowed_classes(
            [
                ("a", LINK_CLASSES.into_iter().collect()),
                ("span", SPAN_CLASSES.into_iter().collect()),
            ]
            .into_iter()
            .collect(),
        )
        .url_schemes(["http", "https"].into_iter().collect())
        .link_rel(Some("nofollow noopener ugc"))
        .clean_content_tags(["script", "style"].into_iter().collect());
    builder
});

/// Cleans remote HTML for display. The result is stable: cleaning it again changes nothing.
pub fn clean(html: &str) -> String {
    let mut cleaned = clean_once(html);
    // Removing an element can leave a tree the parser would not build (an `a` in an `a`), so
    // the serialised result may read back differently; clean again until it reads back as is.
    for _ in 1..MAX_PASSES {
        let again = clean_once(&cleaned);
        if again == cleaned {
            break;
        }
        cleaned = again;
    }
    cleaned
}

fn clean_once(html: &str) -> String {
    let cleaned = CLEANER.clean(html).to_string();
    // The parser drops a byte order mark at the start of its input, one per reading: one left
    // at the start of the result (once an element before it is removed) would be dropped by the
    // next reading, so the result would not be stable.
    match cleaned.strip_prefix('\u{feff}') {
        Some(rest) => rest.trim_start_matches('\u{feff}').to_string(),
        None => cleaned,
    }
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

    #[test]
    fn only_the_listed_attributes_survive() {
        // Found by fuzzing: ammonia's default `title`, `lang`, `cite` and `hreflang` were kept.
        let html = clean(
            r#"<p lang="en" title="t"><a href="https://a.example/" title="Trinity " hreflang="en">@a</a><blockquote cite="https://c.example/">q</blockquote><del datetime="2020-01-01" cite="https://d.example/">x</del><ol start="2" reversed title="t"><li value="3">i</li></ol></p>"#,
        );
        assert_eq!(
            html,
            r#"<p><a href="https://a.example/" rel="nofollow noopener ugc">@a</a></p><blockquote>q</blockquote><del>x</del><ol start="2" reversed=""><li value="3">i</li></ol><p></p>"#
        );
    }

    #[test]
    fn cleaning_twice_changes_nothing() {
        // Found by fuzzing: once the table was removed, the inner link was left inside the
        // outer one, which the parser splits in two when the cleaned HTML is read again.
        for input in [
            r#"<a href="https://x/"><table><td><a href="https://y/">nested</a></td></table></a>"#,
            "<p>one<table><td><p>two</p></td></table></p>",
            // Also found by fuzzing: each reading dropped one of the leading byte order marks.
            "<input>\u{feff}\u{feff}\u{feff}\u{feff}\u{feff}\u{feff}x\r\u{feff}",
        ] {
            let once = clean(input);
            assert_eq!(clean(&once), once, "{input}");
        }
        assert_eq!(
            clean(
                r#"<a href="https://x/"><table><td><a href="https://y/">nested</a></td></table></a>"#
            ),
            r#"<a href="https://x/" rel="nofollow noopener ugc"></a><a href="https://y/" rel="nofollow noopener ugc">nested</a>"#
        );
    }
}
