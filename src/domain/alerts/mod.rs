//! Alerts: outgoing webhooks a desk wires to its chat. An editor subscribes a URL to some
//! [`Event`]s and gets a secret, shown once, that signs every body. What happens is recorded
//! as an event (`events`) in the transaction of the change that caused it, with one queued
//! delivery per subscribed webhook; `federation::webhooks` sends them.

pub mod events;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use url::Url;

use crate::{
    error::{AppError, FieldErrors},
    secret::Secret,
    storage::{entities::webhook, webhooks},
};

/// What a webhook can be told of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A reply waits for an editor.
    ReplyHeld,
    /// A reply shows on a story (at once, or once an editor approved it).
    ReplyPublished,
    /// Another server's user reported something.
    ReportCreated,
    /// A quote of a story was asked for, or waits for an editor.
    QuoteRequested,
}

impl Event {
    pub const ALL: [Event; 4] = [
        Event::ReplyHeld,
        Event::ReplyPublished,
        Event::ReportCreated,
        Event::QuoteRequested,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Event::ReplyHeld => "reply.held",
            Event::ReplyPublished => "reply.published",
            Event::ReportCreated => "report.created",
            Event::QuoteRequested => "quote.requested",
        }
    }

    pub fn parse(name: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|e| e.as_str() == name.trim())
    }
}

/// A subscribed webhook.
#[derive(Debug, Clone)]
pub struct Webhook {
    pub id: i64,
    pub url: Url,
    pub events: Vec<Event>,
    /// The HMAC key of its signatures.
    pub secret: Secret<String>,
    pub created_at: DateTime<Utc>,
}

impl Webhook {
    fn from_model(m: webhook::Model) -> Option<Self> {
        Some(Webhook {
            id: m.id,
            url: m.url.parse().ok()?,
            events: m.events.split(',').filter_map(Event::parse).collect(),
            secret: Secret::new(m.secret),
            created_at: m.created_at,
        })
    }

    pub fn wants(&self, event: Event) -> bool {
        self.events.contains(&event)
    }
}

/// A webhook as an editor asks for it, checked.
pub struct NewWebhook {
    pub url: Url,
    pub events: Vec<Event>,
}

impl NewWebhook {
    /// Checks the URL (absolute http(s), no credentials) and the event names (known, at least one).
    pub fn parse(url: &str, events: &[String]) -> Result<Self, AppError> {
        let mut errors = FieldErrors::default();
        let parsed = match Url::parse(url.trim()) {
            Ok(u) if !matches!(u.scheme(), "http" | "https") => {
                errors.add("url", "must be an http(s) URL");
                None
            }
            Ok(u) if !u.username().is_empty() || u.password().is_some() => {
                errors.add("url", "must not carry a user name or password");
                None
            }
            Ok(u) if u.host().is_none() => {
                errors.add("url", "must name a host");
                None
            }
            Ok(u) => Some(u),
            Err(_) => {
                errors.add("url", "is not a URL");
                None
            }
        };
        let mut chosen = Vec::new();
        for name in events {
            match Event::parse(name) {
                Some(event) if !chosen.contains(&event) => chosen.push(event),
                Some(_) => {}
                None => errors.add("events", format!("unknown event `{name}`")),
            }
        }
        if events.is_empty() {
            errors.add("events", "name at least one event");
        }
        let checked = parsed.map(|url| NewWebhook {
            url,
            events: chosen,
        });
        match (errors.is_empty(), checked) {
            (true, Some(checked)) => Ok(checked),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// Stores the webhook with a new random secret; the caller shows the secret once.
pub async fn create(db: &impl ConnectionTrait, new: NewWebhook) -> Result<Webhook, AppError> {
    let secret = new_secret()?;
    let events: Vec<&str> = new.events.iter().map(|e| e.as_str()).collect();
    let stored = webhooks::insert(db, new.url.as_str(), &events.join(","), &secret).await?;
    Webhook::from_model(stored)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("stored webhook unreadable")))
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Webhook>, AppError> {
    Ok(webhooks::all(db)
        .await?
        .into_iter()
        .filter_map(Webhook::from_model)
        .collect())
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Webhook>, AppError> {
    Ok(webhooks::find(db, id).await?.and_then(Webhook::from_model))
}

/// Deletes a webhook and what it still had queued.
pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), AppError> {
    if !webhooks::delete(db, id).await? {
        return Err(AppError::NotFound("webhook"));
    }
    Ok(())
}

/// 32 random bytes, hex, with a prefix that says what it is when it turns up in a config file.
fn new_secret() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("no randomness for a secret: {e}")))?;
    Ok(format!("whsec_{}", hex(&bytes)))
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::{Event, NewWebhook};

    #[test]
    fn a_webhook_needs_a_web_url_and_known_events() {
        let events = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let ok = NewWebhook::parse("https://chat.example/hook", &events(&["reply.held"]));
        assert_eq!(ok.expect("valid").events, vec![Event::ReplyHeld]);
        for (url, names) in [
            ("ftp://chat.example/hook", vec!["reply.held"]),
            ("https://user:pw@chat.example/hook", vec!["reply.held"]),
            ("not a url", vec!["reply.held"]),
            ("https://chat.example/hook", vec![]),
            ("https://chat.example/hook", vec!["reply.deleted"]),
        ] {
            assert!(
                NewWebhook::parse(url, &events(&names)).is_err(),
                "{url} {names:?}"
            );
        }
    }
}
