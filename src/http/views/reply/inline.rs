//! Text of a reply with its tags found in it: a custom emoji's `:shortcode:` becomes its image,
//! a plain `@user@host` or `#tag` that the reply tagged becomes a link. Works on decoded text
//! (a text node, never markup) and writes escaped HTML.

/// A mention or hashtag the reply tagged, with the link it gets.
#[derive(Debug, Clone)]
pub struct Linked {
    /// As tagged: `@user@host` or `#tag`.
    pub name: String,
    /// An http(s) URL.
    pub href: String,
}

/// A custom emoji and the address of its image on our own origin.
#[derive(Debug, Clone)]
pub struct Emoji {
    /// `:shortcode:`.
    pub shortcode: String,
    pub src: String,
}

/// Everything the reply tagged that may appear in its text.
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub mentions: Vec<Linked>,
    pub hashtags: Vec<Linked>,
    pub emoji: Vec<Emoji>,
}

impl Links {
    pub fn is_empty(&self) -> bool {
        self.mentions.is_empty() && self.hashtags.is_empty() && self.emoji.is_empty()
    }

    /// The mention a plain `@user` stands for: the only tagged `@user@…`.
    fn short_mention(&self, text: &str) -> Option<&Linked> {
        let mut found = self.mentions.iter().filter(|m| {
            m.name
                .rsplit_once('@')
                .is_some_and(|(user, _)| user.eq_ignore_ascii_case(text))
        });
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// The mention or hashtag a link in the text stands for: the tag linking to the same address,
    /// or named by the link's text (`@bob` for `@bob@host` when the link is on that host).
    pub fn tagged(&self, href: Option<&str>, text: &str) -> Option<(&'static str, &str)> {
        let host = href.and_then(|h| url::Url::parse(h).ok()?.host_str().map(str::to_string));
        let mention = self.mentions.iter().find(|m| {
            Some(m.href.as_str()) == href
                || m.name.eq_ignore_ascii_case(text)
                || m.name.rsplit_once('@').is_some_and(|(user, on)| {
                    user.eq_ignore_ascii_case(text) && host.as_deref() == Some(on)
                })
        });
        if let Some(m) = mention {
            return Some(("mention", &m.href));
        }
        self.hashtags
            .iter()
            .find(|t| Some(t.href.as_str()) == href || t.name.eq_ignore_ascii_case(text))
            .map(|t| ("hashtag", t.href.as_str()))
    }
}

/// Writes `text` as HTML: escaped, with emoji as images and, when `link` (not already inside a
/// link), tagged mentions and hashtags as links.
pub fn write(out: &mut String, text: &str, links: &Links, link: bool) {
    let mut done = 0;
    let mut at = 0;
    while let Some(offset) = text[at..].find([':', '@', '#']) {
        let start = at + offset;
        let before = text[..start].chars().next_back();
        match found(&text[start..], before, links, link) {
            Some((len, html)) => {
                escape(out, &text[done..start]);
                out.push_str(&html);
                done = start + len;
                at = done;
            }
            None => at = start + 1,
        }
    }
    escape(out, &text[done..]);
}

/// What starts `rest` (after the character `before`): its length and HTML.
fn found(rest: &str, before: Option<char>, links: &Links, link: bool) -> Option<(usize, String)> {
    if before.is_some_and(|c| word(c) || matches!(c, ':' | '@' | '#' | '/' | '.' | '&')) {
        return None;
    }
    if rest.starts_with(':') {
        let emoji = links.emoji.iter().find(|e| {
            rest.starts_with(e.shortcode.as_str())
                && !rest[e.shortcode.len()..].starts_with(|c: char| word(c) || c == ':')
        })?;
        return Some((emoji.shortcode.len(), image(emoji)));
    }
    if !link {
        return None;
    }
    let (tag, len, class) = if rest.starts_with('@') {
        let (tag, len) = mention(rest, links)?;
        (tag, len, "mention")
    } else {
        let tag = links.hashtags.iter().find(|t| ends_at(rest, &t.name))?;
        (tag, tag.name.len(), "hashtag")
    };
    Some((len, anchor(&tag.href, class, &rest[..len])))
}

/// The mention at the start of `rest`: a tagged `@user@host`, or a plain `@user` when one
/// tagged account has that name.
fn mention<'a>(rest: &str, links: &'a Links) -> Option<(&'a Linked, usize)> {
    if let Some(full) = links.mentions.iter().find(|m| ends_at(rest, &m.name)) {
        return Some((full, full.name.len()));
    }
    let end = rest[1..]
        .find(|c: char| !word(c))
        .map_or(rest.len(), |i| i + 1);
    let short = &rest[..end];
    let tag = links.short_mention(short)?;
    ends_at(rest, short).then_some((tag, end))
}

fn word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `rest` starts with `name` (ASCII case ignored, as servers do for hosts and tags)
/// followed by a word boundary.
fn ends_at(rest: &str, name: &str) -> bool {
    let Some(head) = rest.get(..name.len()) else {
        return false;
    };
    if name.len() < 2 || !head.eq_ignore_ascii_case(name) {
        return false;
    }
    let mut next = rest[name.len()..].chars();
    match next.next() {
        None => true,
        Some(c) if word(c) || matches!(c, '@' | '-') => false,
        // "@a@b.example." ends a sentence; "@a@b.example.org" is another host.
        Some('.') => !next.next().is_some_and(char::is_alphanumeric),
        Some(_) => true,
    }
}

fn anchor(href: &str, class: &str, text: &str) -> String {
    let mut html = String::from("<a href=\"");
    escape(&mut html, href);
    html.push_str("\" class=\"");
    html.push_str(class);
    html.push_str(if class == "hashtag" {
        "\" rel=\"tag nofollow noopener ugc\">"
    } else {
        "\" rel=\"nofollow noopener ugc\">"
    });
    escape(&mut html, text);
    html.push_str("</a>");
    html
}

/// A custom emoji as an inline image whose text is its shortcode.
pub fn image(emoji: &Emoji) -> String {
    let mut html = String::from("<img class=\"emoji\" src=\"");
    escape(&mut html, &emoji.src);
    html.push_str("\" alt=\"");
    escape(&mut html, &emoji.shortcode);
    html.push_str("\" title=\"");
    escape(&mut html, &emoji.shortcode);
    html.push_str("\" width=\"20\" height=\"20\" loading=\"lazy\">");
    html
}

/// Escapes text for an element's content or a double-quoted attribute value.
pub fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> Links {
        let linked = |name: &str, href: &str| Linked {
            name: name.into(),
            href: href.into(),
        };
        Links {
            mentions: vec![linked("@bob@b.example", "https://b.example/users/bob")],
            hashtags: vec![linked("#Cats", "https://b.example/tags/cats")],
            emoji: vec![Emoji {
                shortcode: ":blob:".into(),
                src: "/media/s/e".into(),
            }],
        }
    }

    fn written(text: &str, link: bool) -> String {
        let mut out = String::new();
        write(&mut out, text, &links(), link);
        out
    }

    #[test]
    fn tagged_names_become_links_and_emoji_images() {
        assert_eq!(
            written("hi @bob@b.example, #cats :blob:!", true),
            "hi <a href=\"https://b.example/users/bob\" class=\"mention\" rel=\"nofollow noopener ugc\">@bob@b.example</a>, \
             <a href=\"https://b.example/tags/cats\" class=\"hashtag\" rel=\"tag nofollow noopener ugc\">#cats</a> \
             <img class=\"emoji\" src=\"/media/s/e\" alt=\":blob:\" title=\":blob:\" width=\"20\" height=\"20\" loading=\"lazy\">!"
        );
        assert!(
            written("@bob.", true)
                .ends_with("class=\"mention\" rel=\"nofollow noopener ugc\">@bob</a>.")
        );
    }

    #[test]
    fn only_whole_tagged_words_match() {
        for text in [
            "@bob@b.example.org",
            "@bobby",
            "x@bob@b.example",
            "#Catsup",
            "a#cats",
            ":blob:s",
            "::blob:",
            "#dogs @carol@c.example :other:",
        ] {
            assert_eq!(written(text, true), text, "{text}");
        }
        assert_eq!(written("<@bob> & #cats", false), "&lt;@bob&gt; &amp; #cats");
    }
}
