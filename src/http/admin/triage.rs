//! The triage signals beside a held or reported reply, and the bulk actions on its account and
//! server.

use maud::{Markup, html};

use super::views::csrf;
use crate::{
    domain::{moderation::triage::Signals, user::Session},
    http::views::safe_href,
};

pub use crate::http::actions::triage::signals_of;

pub fn panel(s: &Signals) -> Markup {
    html! {
        dl class="triage" {
            dt { "Account" }
            dd class="triage-account" {
                @match s.account_age_days {
                    Some(days) => { "created " (days) " days ago" },
                    None => { "creation date not given" },
                }
                " · first seen here " (s.first_seen_at.format("%Y-%m-%d"))
                @if s.seen_before { " · seen before" } @else { " · first reply here" }
                @if s.approved_before { " · approved before" }
                " · replies: " (s.account_replies.published) " published, " (s.account_replies.held) " held, " (s.account_replies.hidden) " hidden"
                @if s.account_reports > 0 { " · reported " (s.account_reports) " times" }
            }
            dt { "Server " (s.instance) }
            dd class="triage-instance" {
                "replies: " (s.instance_replies.published) " published, " (s.instance_replies.held) " held, " (s.instance_replies.hidden) " hidden"
                " · reports: " (s.instance_reports)
                @if let Some(policy) = &s.instance_policy { " · policy: " strong { (policy) } }
                " · "
                @match &s.server {
                    Some(info) if info.error.is_none() => {
                        span class="triage-software" {
                            (info.software.as_deref().unwrap_or("unknown software")) " " (info.version.as_deref().unwrap_or(""))
                            @if let Some(users) = info.users { " · " (users) " users" }
                        }
                    },
                    Some(info) => { "NodeInfo unavailable (" (info.error.as_deref().unwrap_or_default()) ")" },
                    None => { "NodeInfo not read yet" },
                }
            }
            dt { "Reply" }
            dd class="triage-reply" {
                (s.links.len()) " links"
                @for link in s.links.iter().take(5) {
                    " "
                    @if let Some(href) = safe_href(link) { a href=(href) rel="nofollow noopener ugc" { (link) } }
                }
                " · " (s.mentions.len()) " mentions"
                @if !s.mentions.is_empty() { " (" (s.mentions.join(", ")) ")" }
                " · language: " (s.language.as_deref().unwrap_or("not given"))
            }
        }
    }
}

/// Approve or hide everything held from the account or the server of these signals.
pub fn bulk_forms(editor: &Session, s: &Signals) -> Markup {
    let form = |field: &str, value: &str, action: &str, label: &str| {
        html! {
            form method="post" action="/admin/moderation/bulk" class="inline" {
                (csrf(editor))
                input type="hidden" name=(field) value=(value);
                input type="hidden" name="action" value=(action);
                button type="submit" { (label) }
            }
        }
    };
    html! {
        div class="actions bulk" {
            (form("account", &s.account, "approve", "Approve all held from this account"))
            (form("account", &s.account, "hide", "Hide all held from this account"))
            (form("instance", &s.instance, "approve", "Approve all held from this server"))
            (form("instance", &s.instance, "hide", "Hide all held from this server"))
        }
    }
}
