//! The page frame: head with metadata, the masthead with the publication's handle, the footer.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use url::Url;

use crate::state::AppState;

/// What a page says about itself in `<head>`.
#[derive(Default)]
pub struct Head {
    pub title: String,
    pub description: Option<String>,
    pub canonical: Option<Url>,
    /// The same resource as ActivityPub JSON.
    pub activity_json: Option<Url>,
    /// OpenGraph and fediverse metadata, already rendered as `<meta>` tags.
    pub extra: Option<Markup>,
}

pub fn page(state: &AppState, head: Head, body: Markup) -> Markup {
    let settings = &state.settings;
    let handle = format!("@{}@{}", settings.publication.handle, settings.domain());
    html! {
        (DOCTYPE)
        html lang=(settings.publication.language) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (head.title) }
                @if let Some(d) = &head.description { meta name="description" content=(d); }
                @if let Some(c) = &head.canonical { link rel="canonical" href=(c); }
                @if let Some(a) = &head.activity_json {
                    link rel="alternate" type="application/activity+json" href=(a);
                }
                link rel="alternate" type="application/atom+xml" title=(settings.publication.name) href=(state.urls.feed());
                link rel="stylesheet" href=(state.urls.stylesheet());
                link rel="icon" href=(state.urls.default_icon());
                @if let Some(extra) = head.extra { (extra) }
            }
            body {
                a class="skip" href="#main" { "Skip to content" }
                header class="masthead" {
                    a class="brand" href=(state.urls.root()) { (settings.publication.name) }
                    p class="handle" {
                        "Follow " span class="h" { (handle) } " from Mastodon or any fediverse server"
                    }
                }
                main id="main" { (body) }
                footer {
                    p {
                        a href=(state.urls.feed()) { "Atom feed" }
                        " · " a href="/where" { "Where's my reply?" }
                        " · Published with Broadsheet, free software under the "
                        a href="https://www.gnu.org/licenses/agpl-3.0.html" { "AGPL" }
                    }
                }
            }
        }
    }
}

/// A trusted, already-sanitised HTML fragment.
pub fn trusted(html: &str) -> PreEscaped<&str> {
    PreEscaped(html)
}
