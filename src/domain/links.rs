//! Links to the rest of the web. Whatever came from another server and will be a link or an
//! image on a page must be `http` or `https` with a host: never `javascript:`, `data:`, `file:`
//! or anything else a browser would run or open locally.

use url::Url;

/// True for URLs a page may link to or load: `http` and `https` with a host.
pub fn is_web(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty())
}

/// `text` as a web URL, or `None` when it is not one.
pub fn web(text: &str) -> Option<Url> {
    Url::parse(text.trim()).ok().filter(is_web)
}

#[cfg(test)]
mod tests {
    use super::web;

    #[test]
    fn only_http_and_https_with_a_host_are_web_urls() {
        for good in [
            "https://example.com/@a",
            "http://127.0.0.1:8080/notes/1",
            "HTTPS://Example.com/x",
        ] {
            assert!(web(good).is_some(), "{good}");
        }
        for bad in [
            "javascript:alert(document.cookie)//",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "ftp://example.com/x",
            "mailto:a@example.com",
            "//example.com/x",
            "/relative",
            "",
        ] {
            assert!(web(bad).is_none(), "{bad}");
        }
    }
}
