//! The language of an object, and which of its `contentMap` texts to keep: the one in the
//! site's language when offered, else `content`, else the first.

use serde_json::Value;

/// The language the object names for itself: `language` (a tag, or PeerTube's
/// `{identifier}`) or schema.org's `inLanguage` (Mobilizon).
pub fn own(object: &Value) -> Option<String> {
    ["language", "inLanguage"].iter().find_map(|field| {
        let value = &object[*field];
        value
            .as_str()
            .or_else(|| value["identifier"].as_str())
            .and_then(tag)
    })
}

/// The `contentMap` entries with a text, in the order read.
pub fn content_map(object: &Value) -> Vec<(String, String)> {
    object["contentMap"]
        .as_object()
        .map(|map| {
            map.iter()
                .filter_map(|(key, html)| Some((key.clone(), html.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The HTML to keep and its language, for a site written in `site`: the `contentMap` entry in
/// that language (exactly, else by its primary subtag), else `content` (in the language of the
/// entry that says the same, else `own`).
pub fn pick_content<'a>(
    content: &'a str,
    map: &'a [(String, String)],
    own: Option<&str>,
    site: &str,
) -> (&'a str, Option<String>) {
    let primary = |t: &str| t.split('-').next().unwrap_or(t).to_ascii_lowercase();
    let chosen = map
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(site))
        .or_else(|| map.iter().find(|(key, _)| primary(key) == primary(site)));
    if let Some((key, html)) = chosen {
        return (html, tag(key));
    }
    let same = map.iter().find(|(_, html)| html == content);
    let language = same.and_then(|(key, _)| tag(key));
    (content, language.or_else(|| own.map(str::to_string)))
}

/// A BCP 47 tag as a page may write it in `lang`: letters, digits and hyphens.
fn tag(text: &str) -> Option<String> {
    let text = text.trim();
    let valid = (1..=35).contains(&text.len())
        && text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    valid.then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::pick_content;

    fn map(entries: &[(&str, &str)]) -> Vec<(String, String)> {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_sites_language_wins_then_content_then_the_author_says() {
        let both = map(&[("de", "Hallo"), ("en-GB", "Hello")]);
        assert_eq!(
            pick_content("Hallo", &both, None, "en"),
            ("Hello", Some("en-GB".into()))
        );
        assert_eq!(
            pick_content("Hallo", &both, None, "fr"),
            ("Hallo", Some("de".into()))
        );
        assert_eq!(
            pick_content("Salut", &[], Some("fr"), "en"),
            ("Salut", Some("fr".into()))
        );
        let hostile = map(&[("\"><script>", "x")]);
        assert_eq!(pick_content("x", &hostile, None, "en"), ("x", None));
    }
}
