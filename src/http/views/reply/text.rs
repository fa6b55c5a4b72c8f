//! A reply's stored HTML written out again with its tags linked. The stored HTML was cleaned
//! when it arrived; it is read here with the HTML tokenizer (the one the cleaner uses), so
//! emoji and names are looked for in text only, never in a tag or an attribute. What is written
//! back is only the cleaner's elements and attributes, every value escaped here, links http(s)
//! only: the result is as safe as the cleaner's whatever the row holds.

use std::cell::RefCell;

use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
    states::RawKind,
};

use super::inline::{Links, escape, write};
use crate::http::views::safe_href;

/// What the cleaner keeps (`domain::reply::sanitize`); anything else is left out, its text kept.
use crate::domain::reply::sanitize::{ELEMENTS, LINK_CLASSES, SPAN_CLASSES};

/// `html` with the tags in `links` found in its text.
pub fn linked(html: &str, links: &Links) -> String {
    let tokenizer = Tokenizer::new(
        Sink(RefCell::new(Writer::new(links))),
        TokenizerOpts::default(),
    );
    let input = BufferQueue::default();
    input.push_back(html.into());
    // The sink never asks the tokenizer to stop (that is for scripts), so one feed reads it all.
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.into_inner().finish()
}

struct Sink<'a>(RefCell<Writer<'a>>);

impl TokenSink for Sink<'_> {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut writer = self.0.borrow_mut();
        match token {
            Token::CharacterTokens(text) if !writer.dropping => writer.text.push_str(&text),
            Token::TagToken(tag) => return writer.tag(&tag),
            // Comments, doctypes and parse errors are not content, nor is a script's text.
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// A link being read: its start tag is written once its text is known, since a mention
/// written `@bob` is recognised by it.
struct OpenLink {
    href: Option<String>,
    classes: Vec<&'static str>,
    inner: String,
    text: String,
}

struct Writer<'a> {
    links: &'a Links,
    out: String,
    /// Text read since the last tag: one text node may come in several tokens.
    text: String,
    link: Option<OpenLink>,
    /// Inside a script or style, whose text the cleaner removes with it.
    dropping: bool,
}

impl<'a> Writer<'a> {
    fn new(links: &'a Links) -> Self {
        Writer {
            links,
            out: String::new(),
            text: String::new(),
            link: None,
            dropping: false,
        }
    }

    /// Writes the pending text, linked where it is not already in a link.
    fn flush(&mut self) {
        let text = std::mem::take(&mut self.text);
        match &mut self.link {
            Some(open) => {
                write(&mut open.inner, &text, self.links, false);
                open.text.push_str(&text);
            }
            None => write(&mut self.out, &text, self.links, true),
        }
    }

    fn tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        self.flush();
        let name: &str = &tag.name;
        if matches!(name, "script" | "style") {
            self.dropping = tag.kind == TagKind::StartTag;
            // Read their text as a browser would, as text up to the end tag, not as markup.
            return match (tag.kind, name) {
                (TagKind::StartTag, "script") => TokenSinkResult::RawData(RawKind::ScriptData),
                (TagKind::StartTag, _) => TokenSinkResult::RawData(RawKind::Rawtext),
                (TagKind::EndTag, _) => TokenSinkResult::Continue,
            };
        }
        let Some(name) = ELEMENTS.iter().copied().find(|e| *e == name) else {
            return TokenSinkResult::Continue;
        };
        match (name, tag.kind) {
            ("a", TagKind::StartTag) => {
                // The cleaner never leaves a link in a link; should a row hold one, the outer
                // one ends here.
                self.close_link();
                self.link = Some(open_link(tag));
            }
            ("a", TagKind::EndTag) => self.close_link(),
            (_, TagKind::StartTag) => {
                let html = start_tag(name, tag);
                self.target().push_str(&html);
            }
            ("br", TagKind::EndTag) => {}
            (_, TagKind::EndTag) => {
                let html = format!("</{name}>");
                self.target().push_str(&html);
            }
        }
        TokenSinkResult::Continue
    }

    fn target(&mut self) -> &mut String {
        match &mut self.link {
            Some(open) => &mut open.inner,
            None => &mut self.out,
        }
    }

    /// Writes the open link, marked as the mention or hashtag it is and linking where that tag
    /// does when its own address is not a web one. Without any, only its text is written.
    fn close_link(&mut self) {
        let Some(mut open) = self.link.take() else {
            return;
        };
        if let Some((class, href)) = self.links.tagged(open.href.as_deref(), open.text.trim()) {
            if !open.classes.contains(&class) {
                open.classes.push(class);
            }
            open.href = open.href.or(Some(href.to_string()));
        }
        let Some(href) = open.href else {
            self.out.push_str(&open.inner);
            return;
        };
        self.out.push_str("<a href=\"");
        escape(&mut self.out, &href);
        if !open.classes.is_empty() {
            self.out.push_str("\" class=\"");
            self.out.push_str(&open.classes.join(" "));
        }
        self.out.push_str("\" rel=\"nofollow noopener ugc\">");
        self.out.push_str(&open.inner);
        self.out.push_str("</a>");
    }

    fn finish(mut self) -> String {
        self.flush();
        self.close_link();
        self.out
    }
}

fn attr<'t>(tag: &'t Tag, name: &str) -> Option<&'t str> {
    tag.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| &*a.value)
}

fn open_link(tag: &Tag) -> OpenLink {
    let classes = attr(tag, "class").unwrap_or_default();
    OpenLink {
        href: attr(tag, "href").and_then(safe_href).map(str::to_string),
        classes: LINK_CLASSES
            .into_iter()
            .filter(|c| classes.split_ascii_whitespace().any(|k| k == *c))
            .collect(),
        inner: String::new(),
        text: String::new(),
    }
}

/// A start tag with the cleaner's attributes for it: a list's numbering, a span's classes.
fn start_tag(name: &str, tag: &Tag) -> String {
    let mut html = format!("<{name}");
    if name == "span" {
        let classes: Vec<&str> = attr(tag, "class")
            .unwrap_or_default()
            .split_ascii_whitespace()
            .filter(|c| SPAN_CLASSES.contains(c))
            .collect();
        if !classes.is_empty() {
            html.push_str(&format!(" class=\"{}\"", classes.join(" ")));
        }
    }
    let kept: &[&str] = match name {
        "ol" => &["start", "reversed"],
        "li" => &["value"],
        _ => &[],
    };
    for attribute in kept {
        if let Some(value) = attr(tag, attribute) {
            html.push_str(&format!(" {attribute}=\""));
            escape(&mut html, value);
            html.push('"');
        }
    }
    html.push('>');
    html
}

#[cfg(test)]
mod tests {
    use super::super::inline::{Emoji, Linked};
    use super::*;

    fn links() -> Links {
        Links {
            mentions: vec![Linked {
                name: "@bob@b.example".into(),
                href: "https://b.example/users/bob".into(),
            }],
            hashtags: vec![Linked {
                name: "#cats".into(),
                href: "https://b.example/tags/cats".into(),
            }],
            emoji: vec![Emoji {
                shortcode: ":blob:".into(),
                src: "/media/s/e".into(),
            }],
        }
    }

    #[test]
    fn links_in_the_content_are_marked_as_the_tags_they_are() {
        let html = linked(
            r#"<p><span class="h-card"><a href="https://b.example/@bob" class="u-url mention" rel="nofollow noopener ugc">@<span>bob</span></a></span> <a href="https://b.example/tags/cats" rel="nofollow noopener ugc">#<span>cats</span></a> :blob:</p>"#,
            &links(),
        );
        assert!(html.starts_with(r#"<p><span class="h-card"><a href="https://b.example/@bob" class="mention u-url" rel="nofollow noopener ugc">@<span>bob</span></a></span> <a href="https://b.example/tags/cats" class="hashtag" rel="nofollow noopener ugc">#<span>cats</span></a> <img class="emoji""#), "{html}");
    }

    #[test]
    fn markup_is_never_matched_and_never_passes_unchecked() {
        let html = linked(
            r#"<p title=":blob:"><a href="https://x.example/:blob:">:blob: @bob@b.example</a><img src=x onerror=alert(1)><a href="javascript:alert(1)">js</a><ol start="2&quot;onclick=&quot;x"><li>&lt;script&gt;</li></ol>"#,
            &links(),
        );
        assert!(html.starts_with(r#"<p><a href="https://x.example/:blob:" rel="nofollow noopener ugc"><img class="emoji""#), "{html}");
        assert!(html.contains(r#"@bob@b.example</a>js<ol start="2&quot;onclick=&quot;x"><li>&lt;script&gt;</li></ol>"#), "{html}");
        assert!(
            !html.contains("onerror") && !html.contains("javascript"),
            "{html}"
        );
    }

    #[test]
    fn scripts_and_styles_go_with_their_text() {
        let html = linked(
            "<p>a<script>x<p>y</p></script>b<style>p{}</style>:blob:</p>",
            &links(),
        );
        assert!(html.starts_with("<p>ab<img "), "{html}");
    }
}
