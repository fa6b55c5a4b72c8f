//! The admin's page frame and small shared pieces. Plain HTML forms: it works without
//! JavaScript and on a phone.

use maud::{DOCTYPE, Markup, html};

use crate::{domain::user::Session, state::AppState};

pub fn page(state: &AppState, editor: Option<&Session>, title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) " · " (state.settings.publication.name) " admin" }
                link rel="stylesheet" href=(state.urls.stylesheet());
            }
            body class="admin" {
                header class="masthead" {
                    a class="brand" href="/admin" { (state.settings.publication.name) }
                    @if let Some(editor) = editor {
                        nav aria-label="Admin" {
                            a href="/admin/stories" { "Stories" } " "
                            a href="/admin/feeds" { "Feeds" } " "
                            a href="/admin/moderation" { "Moderation" } " "
                            a href="/admin/quotes" { "Quotes" } " "
                            a href="/admin/reports" { "Reports" } " "
                            a href="/admin/blocks" { "Blocks" } " "
                            a href="/admin/followers" { "Followers" } " "
                            a href="/admin/deliveries" { "Deliveries" } " "
                            a href="/admin/webhooks" { "Webhooks" } " "
                            a href=(state.urls.root()) { "Site" }
                        }
                        form method="post" action="/admin/logout" class="inline" {
                            (csrf(editor))
                            button type="submit" { "Log out " (editor.user_name) }
                        }
                    }
                }
                main id="main" { h1 { (title) } (body) }
            }
        }
    }
    .into_string()
}

pub fn csrf(editor: &Session) -> Markup {
    html! { input type="hidden" name="csrf" value=(editor.csrf_token); }
}

/// A one-button form posting to `action`.
pub fn button(editor: &Session, action: &str, label: &str) -> Markup {
    html! {
        form method="post" action=(action) class="inline" {
            (csrf(editor))
            button type="submit" { (label) }
        }
    }
}

/// The desk's tabs, `current` marked, and its keyboard shortcuts (`static/desk.js`).
pub fn desk_tabs(current: &str) -> Markup {
    const TABS: [(&str, &str); 4] = [
        ("Held", "/admin/moderation"),
        ("Recent", "/admin/moderation/recent"),
        ("Reported", "/admin/reports"),
        ("Featured", "/admin/moderation/featured"),
    ];
    html! {
        nav class="tabs" aria-label="The desk" {
            @for (label, href) in TABS {
                a href=(href) aria-current=[(label == current).then_some("page")] { (label) }
            }
        }
        p class="shortcuts" { "Keys: " kbd { "j" } " / " kbd { "k" } " next / previous, "
            kbd { "a" } " approve, " kbd { "h" } " hide." }
    }
}

/// A form whose only field is an editor's optional reason for the moderation log.
#[derive(serde::Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    pub reason: Option<String>,
}

impl ReasonForm {
    pub fn reason(&self) -> Option<&str> {
        self.reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
    }
}

/// The editor who sent an admin form, as the moderation log names them.
pub fn by(editor: &Session) -> crate::domain::moderation::log::Editor {
    crate::domain::moderation::log::Editor::admin(&editor.user_name)
}
