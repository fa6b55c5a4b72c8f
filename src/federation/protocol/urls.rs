//! URLs read from other servers' documents. Only `http` and `https` URLs are kept: anything
//! else (`javascript:`, `data:`, `file:` …) is dropped here, at the protocol boundary, so it can
//! never be stored or rendered as a link. (The domain checks again before storing, and the pages
//! before rendering.)

use serde_json::Value;
use url::Url;

/// True for URLs a page may link to or load: `http` and `https` with a host.
pub use crate::domain::links::is_web;

/// A web URL from `value`: a string, a `Link` object (`href`), an object with a `url` (an
/// `Image`), or a list of these, preferring a `text/html` link when several are given.
pub fn web_url(value: &Value) -> Option<Url> {
    match value {
        Value::String(s) => crate::domain::links::web(s),
        Value::Object(o) => o.get("href").or_else(|| o.get("url")).and_then(web_url),
        Value::Array(items) => items
            .iter()
            .filter(|i| i.get("mediaType").and_then(Value::as_str) == Some("text/html"))
            .chain(items.iter())
            .find_map(web_url),
        _ => None,
    }
}

/// Every web URL in a string-or-object-or-list field (a `Flag`'s objects, attachments), in
/// order; entries that are not web URLs are left out.
pub fn web_urls(value: &Value) -> Vec<Url> {
    match value {
        Value::Array(items) => items.iter().filter_map(web_id).collect(),
        Value::Null => Vec::new(),
        other => web_id(other).into_iter().collect(),
    }
}

/// The id of one entry (a string, or an object's `id`, or a Link's `href`) when it is a web URL.
fn web_id(value: &Value) -> Option<Url> {
    match value {
        Value::String(s) => crate::domain::links::web(s),
        Value::Object(o) => o
            .get("id")
            .or_else(|| o.get("href"))
            .and_then(Value::as_str)
            .and_then(crate::domain::links::web),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{web_url, web_urls};

    const HOSTILE: &str = "javascript:alert(document.cookie)//";

    fn read(value: serde_json::Value) -> Option<String> {
        web_url(&value).map(String::from)
    }

    #[test]
    fn strings_links_and_images_give_their_web_url() {
        assert_eq!(
            read(json!("https://a.example/@x")).as_deref(),
            Some("https://a.example/@x")
        );
        assert_eq!(
            read(json!({"type": "Link", "href": "https://a.example/1"})).as_deref(),
            Some("https://a.example/1")
        );
        assert_eq!(
            read(json!({"type": "Image", "url": "https://a.example/i.png"})).as_deref(),
            Some("https://a.example/i.png")
        );
        assert_eq!(
            read(json!({"type": "Image", "url": [{"type": "Link", "href": "https://a.example/i.png"}]}))
                .as_deref(),
            Some("https://a.example/i.png")
        );
    }

    #[test]
    fn a_list_prefers_the_html_page() {
        let links = json!([
            {"type": "Link", "mediaType": "video/mp4", "href": "https://cdn.example/v.mp4"},
            {"type": "Link", "mediaType": "text/html", "href": "https://a.example/w/1"},
        ]);
        assert_eq!(read(links).as_deref(), Some("https://a.example/w/1"));
        let plain = json!(["https://a.example/1", "https://a.example/2"]);
        assert_eq!(read(plain).as_deref(), Some("https://a.example/1"));
    }

    #[test]
    fn anything_but_http_and_https_is_dropped() {
        assert_eq!(read(json!(HOSTILE)), None);
        assert_eq!(read(json!({"type": "Link", "href": HOSTILE})), None);
        assert_eq!(
            read(json!({"type": "Image", "url": "data:image/png;base64,AAAA"})),
            None
        );
        assert_eq!(read(json!(42)), None);
        assert_eq!(read(json!(null)), None);
        // A hostile html link loses to a harmless one that is not html.
        let links = json!([
            {"type": "Link", "mediaType": "text/html", "href": HOSTILE},
            {"type": "Link", "mediaType": "video/mp4", "href": "https://cdn.example/v.mp4"},
        ]);
        assert_eq!(read(links).as_deref(), Some("https://cdn.example/v.mp4"));
    }

    #[test]
    fn lists_keep_only_their_web_entries() {
        let objects = json!([
            "https://a.example/notes/1",
            HOSTILE,
            {"id": "https://a.example/users/x", "type": "Person"},
            {"id": "data:text/html,x"},
            7,
        ]);
        let kept: Vec<String> = web_urls(&objects).into_iter().map(String::from).collect();
        assert_eq!(
            kept,
            ["https://a.example/notes/1", "https://a.example/users/x"]
        );
        assert!(web_urls(&json!(HOSTILE)).is_empty());
        assert!(web_urls(&json!(null)).is_empty());
    }
}
