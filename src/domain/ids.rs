//! Every URL Broadsheet mints, built from the configured public URL in one place, so ids, links
//! and routes cannot drift apart. Route paths in `http` mirror these.

use url::Url;

#[derive(Debug, Clone)]
pub struct Urls {
    /// The public URL without its trailing `/`.
    base: String,
}

impl Urls {
    pub fn new(public_url: &Url) -> Self {
        Urls {
            base: public_url.as_str().trim_end_matches('/').to_string(),
        }
    }

    fn url(&self, path: &str) -> Url {
        // `base` came from a valid URL and paths are built from validated slugs and usernames.
        Url::parse(&format!("{}{path}", self.base)).unwrap_or_else(|_| self.root())
    }

    pub fn root(&self) -> Url {
        Url::parse(&format!("{}/", self.base)).expect("base is a valid URL")
    }

    pub fn actor(&self, username: &str) -> Url {
        self.url(&format!("/@{username}"))
    }
    pub fn instance_actor(&self) -> Url {
        self.url("/actor")
    }
    pub fn inbox(&self, username: &str) -> Url {
        self.url(&format!("/@{username}/inbox"))
    }
    pub fn shared_inbox(&self) -> Url {
        self.url("/inbox")
    }
    pub fn outbox(&self, username: &str) -> Url {
        self.url(&format!("/@{username}/outbox"))
    }
    pub fn followers(&self, username: &str) -> Url {
        self.url(&format!("/@{username}/followers"))
    }
    pub fn following(&self, username: &str) -> Url {
        self.url(&format!("/@{username}/following"))
    }
    pub fn featured(&self, username: &str) -> Url {
        self.url(&format!("/@{username}/featured"))
    }
    pub fn key_id(&self, actor: &Url) -> Url {
        let mut key = actor.clone();
        key.set_fragment(Some("main-key"));
        key
    }
    pub fn story(&self, slug: &str) -> Url {
        self.url(&format!("/stories/{slug}"))
    }
    pub fn story_replies(&self, slug: &str) -> Url {
        self.url(&format!("/stories/{slug}/replies"))
    }
    /// A story's conversation (FEP-7888 `context`): the story and every reply the page shows.
    pub fn story_context(&self, slug: &str) -> Url {
        self.url(&format!("/stories/{slug}/context"))
    }
    /// The `replies` collection we keep for any reply we hold (remote ones included).
    pub fn reply_replies(&self, id: i64) -> Url {
        self.url(&format!("/replies/{id}/replies"))
    }
    /// A reply written here by an editor.
    pub fn note(&self, key: &str) -> Url {
        self.url(&format!("/notes/{key}"))
    }
    /// The authorization stamp (FEP-044f `QuoteAuthorization`) issued for quote `id`.
    pub fn quote_stamp(&self, id: i64) -> Url {
        self.url(&format!("/quotes/{id}"))
    }
    pub fn interact(&self) -> Url {
        self.url("/interact")
    }
    pub fn tag(&self, tag: &str) -> Url {
        self.url(&format!("/tags/{tag}"))
    }
    pub fn feed(&self) -> Url {
        self.url("/feed.atom")
    }
    pub fn default_icon(&self) -> Url {
        self.url("/static/icon.png")
    }
    pub fn stylesheet(&self) -> Url {
        self.url("/static/style.css")
    }
    /// Resolves a path such as `/static/photo.jpg` against the site; absolute URLs pass through.
    pub fn resolve(&self, href: &str) -> Option<Url> {
        self.root().join(href).ok()
    }
}

/// `host` or `host:port` of a URL, as handles and WebFinger spell it.
pub fn host_with_port(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::Urls;

    #[test]
    fn ids_hang_off_the_public_url_with_its_port() {
        let urls = Urls::new(&"http://127.0.0.1:8080".parse().expect("url"));
        assert_eq!(urls.actor("news").as_str(), "http://127.0.0.1:8080/@news");
        assert_eq!(
            urls.story("a-b").as_str(),
            "http://127.0.0.1:8080/stories/a-b"
        );
        assert_eq!(
            urls.key_id(&urls.actor("news")).as_str(),
            "http://127.0.0.1:8080/@news#main-key"
        );
        assert_eq!(
            urls.resolve("/static/x.png").map(String::from).as_deref(),
            Some("http://127.0.0.1:8080/static/x.png")
        );
    }
}
