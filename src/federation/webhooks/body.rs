//! The JSON a webhook receives: the event's stored facts, our own pages made absolute, and
//! this attempt's timestamp (signed with the rest).

use serde_json::{Value, json};

use crate::domain::ids::Urls;

/// The body for one attempt at `timestamp` (Unix seconds) of delivery `delivery_id`.
pub fn render(facts: &str, urls: &Urls, delivery_id: i64, timestamp: i64) -> String {
    let mut body: Value = serde_json::from_str(facts).unwrap_or_else(|_| json!({}));
    if let Some(path) = body
        .get("admin_path")
        .and_then(Value::as_str)
        .map(String::from)
        && let Ok(absolute) = urls.root().join(&path)
    {
        body["admin_url"] = json!(absolute.as_str());
    }
    if let Some(fields) = body.as_object_mut() {
        fields.remove("admin_path");
    }
    body["delivery"] = json!(delivery_id);
    body["timestamp"] = json!(timestamp);
    body.to_string()
}

#[cfg(test)]
mod tests {
    use super::render;
    use crate::domain::ids::Urls;

    #[test]
    fn admin_links_are_absolute_and_the_timestamp_is_in_the_body() {
        let urls = Urls::new(&"https://news.example".parse().expect("url"));
        let facts = r#"{"event":"reply.held","admin_path":"/admin/moderation"}"#;
        let body: serde_json::Value =
            serde_json::from_str(&render(facts, &urls, 7, 1_700_000_000)).expect("json");
        assert_eq!(body["admin_url"], "https://news.example/admin/moderation");
        assert_eq!(body["timestamp"], 1_700_000_000);
        assert_eq!(body["delivery"], 7);
        assert!(body.get("admin_path").is_none());
    }
}
