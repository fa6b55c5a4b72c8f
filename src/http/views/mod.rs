//! Server-rendered HTML (maud escapes every interpolation). Pages work without JavaScript.

pub mod images;
pub mod layout;
pub mod listing;
pub mod quotes;
pub mod reply;
pub mod story;
pub mod thread;

use chrono::{DateTime, Utc};
use maud::{Markup, html};

/// `href` when it may be a link or an image source on our pages: an http(s) URL. Everything a
/// page links to from stored remote data goes through here, so rows written before the protocol
/// boundary checked URLs (or any path that forgets to) still never render a `javascript:` link:
/// without a web URL, the page shows text instead.
pub fn safe_href(href: &str) -> Option<&str> {
    // Written out as it is, so it must not rely on whitespace or controls a parser strips.
    let plain = href.bytes().all(|b| b > b' ' && b != 0x7f);
    (plain && crate::domain::links::web(href).is_some()).then_some(href)
}

/// A `<time>` element people can read and machines can parse.
pub fn time(at: DateTime<Utc>) -> Markup {
    html! {
        time datetime=(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)) {
            (at.format("%-d %B %Y, %H:%M UTC"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::safe_href;

    #[test]
    fn only_web_urls_become_links() {
        assert_eq!(
            safe_href("https://a.example/@x"),
            Some("https://a.example/@x")
        );
        for bad in [
            "javascript:alert(document.cookie)//",
            " JAVASCRIPT:alert(1)",
            "https://a.example/\tx",
            "data:text/html,x",
            "vbscript:x",
            "",
        ] {
            assert_eq!(safe_href(bad), None, "{bad}");
        }
    }
}
