//! "Reply from your instance": where a reader's own server lets them answer an object. Their
//! server's WebFinger names an interaction template (OStatus `subscribe`); without one,
//! Mastodon's `/authorize_interaction?uri=` is the convention most servers follow.

use serde_json::Value;
use url::Url;

use super::context::Federation;

const SUBSCRIBE: &str = "http://ostatus.org/schema/1.0/subscribe";

/// A reader's `user@server` (with or without the leading `@`).
pub struct Handle {
    pub user: String,
    pub server: String,
}

impl Handle {
    pub fn parse(text: &str) -> Option<Handle> {
        let text = text.trim().trim_start_matches('@');
        let (user, server) = text.split_once('@')?;
        let valid_server = !server.is_empty()
            && server
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
        let valid_user = !user.is_empty() && !user.contains(['/', '?', '#', '@']);
        (valid_server && valid_user).then(|| Handle {
            user: user.to_string(),
            server: server.to_ascii_lowercase(),
        })
    }
}

/// The page on the reader's server where they can answer `uri`.
pub async fn destination(fed: &Federation, handle: &Handle, uri: &Url) -> Option<Url> {
    let base = server_base(handle, fed.settings.dev)?;
    let template = template(fed, &base, handle).await;
    interaction_url(&base, template.as_deref(), uri)
}

/// The root of the reader's server: `https://server/` (`http` in development mode).
pub fn server_base(handle: &Handle, dev: bool) -> Option<Url> {
    let scheme = if dev { "http" } else { "https" };
    format!("{scheme}://{}/", handle.server).parse().ok()
}

/// Where to send the reader: their server's interaction template with `uri` filled in, or
/// Mastodon's `/authorize_interaction?uri=` when there is no usable template.
pub fn interaction_url(base: &Url, template: Option<&str>, uri: &Url) -> Option<Url> {
    let encoded: String = url::form_urlencoded::byte_serialize(uri.as_str().as_bytes()).collect();
    if let Some(template) = template
        && let Ok(url) = template.replace("{uri}", &encoded).parse()
    {
        return Some(url);
    }
    base.join(&format!("authorize_interaction?uri={encoded}"))
        .ok()
}

/// The WebFinger query for a handle on its server.
pub fn webfinger_url(base: &Url, handle: &Handle) -> Option<Url> {
    let mut url = base.join(".well-known/webfinger").ok()?;
    url.query_pairs_mut().append_pair(
        "resource",
        &format!("acct:{}@{}", handle.user, handle.server),
    );
    Some(url)
}

/// The interaction template a WebFinger (JRD) document names, if any.
pub fn subscribe_template(jrd: &Value) -> Option<String> {
    jrd["links"]
        .as_array()?
        .iter()
        .find(|link| link["rel"] == SUBSCRIBE)
        .and_then(|link| link["template"].as_str())
        .map(str::to_string)
}

async fn template(fed: &Federation, base: &Url, handle: &Handle) -> Option<String> {
    let url = webfinger_url(base, handle)?;
    let jrd = fed.client.get_public_json(&url).await.ok()?;
    subscribe_template(&jrd)
}

#[cfg(test)]
mod tests {
    use super::Handle;

    #[test]
    fn handles_are_read_the_way_people_write_them() {
        let h = Handle::parse(" @ana@social.example ").expect("handle");
        assert_eq!(
            (h.user.as_str(), h.server.as_str()),
            ("ana", "social.example")
        );
        assert!(Handle::parse("ana@127.0.0.1:3000").is_some());
        for bad in [
            "ana",
            "@ana",
            "ana@",
            "ana@exa mple.com",
            "ana@host/path",
            "a/b@host",
        ] {
            assert!(Handle::parse(bad).is_none(), "{bad}");
        }
    }
}
