//! Tags: mentions (`@user@host`), hashtags (`#tag`) and custom emoji (`:shortcode:`).

use serde_json::Value;

use super::{entries, text, types};
use crate::{
    domain::{
        links::web,
        reply::presentation::{Tag, TagKind},
    },
    federation::protocol::urls::web_url,
};

const MAX_TAGS: usize = 64;
const MAX_NAME: usize = 200;

/// The object's tags we can show, in order; a list or a single tag.
pub fn tags(object: &Value) -> Vec<Tag> {
    entries(&object["tag"])
        .iter()
        .filter_map(tag)
        .take(MAX_TAGS)
        .collect()
}

fn tag(value: &Value) -> Option<Tag> {
    let kind = types(value).find_map(|name| match name {
        "Mention" => Some(TagKind::Mention),
        "Hashtag" => Some(TagKind::Hashtag),
        "Emoji" => Some(TagKind::Emoji),
        _ => None,
    })?;
    let name = text(&value["name"], MAX_NAME)?;
    let href = value["href"].as_str().and_then(web);
    match kind {
        TagKind::Mention => Some(Tag {
            kind,
            name: prefixed('@', &name)?,
            href,
            icon: None,
        }),
        TagKind::Hashtag => Some(Tag {
            kind,
            name: prefixed('#', &name)?,
            href,
            icon: None,
        }),
        TagKind::Emoji => Some(Tag {
            kind,
            name: shortcode(&name)?,
            href: None,
            // An emoji without its image is only text, already in the content.
            icon: Some(web_url(&value["icon"])?),
        }),
    }
}

/// `name` starting with `mark` once (PeerTube sends hashtags without their `#`).
fn prefixed(mark: char, name: &str) -> Option<String> {
    let bare = name.trim_start_matches(mark);
    (!bare.is_empty() && !bare.contains(char::is_whitespace)).then(|| format!("{mark}{bare}"))
}

/// `:shortcode:`, as the content writes it.
fn shortcode(name: &str) -> Option<String> {
    let code = name.trim_matches(':');
    let valid = !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '+'));
    valid.then(|| format!(":{code}:"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::tags;

    #[test]
    fn names_are_written_as_the_content_writes_them() {
        let read = tags(&json!({"tag": [
            {"type": "Hashtag", "name": "France3"},
            {"type": "Mention", "name": "bob@b.example", "href": "javascript:alert(1)"},
            {"type": "Emoji", "name": "blob cat", "icon": {"url": "https://a.example/e.png"}},
            {"type": "Emoji", "name": ":ok:", "icon": "https://a.example/ok.png"},
            {"type": "PropertyValue", "name": "x"},
        ]}));
        let names: Vec<&str> = read.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["#France3", "@bob@b.example", ":ok:"]);
        assert!(read[1].href.is_none());
    }
}
