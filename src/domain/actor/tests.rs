//! Local actors' names and what their Debug shows.

#![allow(clippy::unwrap_used)]
use super::{LocalActor, Role, is_valid_username, username_from_name};
use crate::storage::entities::actor;

#[test]
fn debug_output_leaves_the_private_key_out() {
    const PEM: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
    let now = chrono::Utc::now();
    let model = actor::Model {
        id: 1,
        ap_id: "https://news.example/@news".into(),
        role: Role::Publication.as_str().into(),
        kind: "Service".into(),
        username: "news".into(),
        domain: "news.example".into(),
        name: "News".into(),
        summary: String::new(),
        inbox: "https://news.example/@news/inbox".into(),
        shared_inbox: None,
        url: None,
        icon_url: None,
        public_key_id: None,
        public_key: "-----BEGIN PUBLIC KEY-----".into(),
        private_key: Some(PEM.into()),
        local: true,
        published_at: now,
        last_refreshed_at: now,
        approved_at: None,
        account_published_at: None,
    };
    let printed = format!("{model:?} {model:#?}");
    assert!(
        !printed.contains("PRIVATE KEY") && !printed.contains("MIIEvQ"),
        "{printed}"
    );
    assert!(printed.contains("news.example") && printed.contains("[redacted]"));
    let local = LocalActor::from_model(model).unwrap();
    assert_eq!(local.private_key_pem, PEM);
    let printed = format!("{local:?} {local:#?}");
    assert!(
        !printed.contains("PRIVATE KEY") && !printed.contains("MIIEvQ"),
        "{printed}"
    );
    assert!(printed.contains("@news"));
}

#[test]
fn usernames_come_from_names_in_mastodon_form() {
    assert_eq!(username_from_name("Jane Doe"), "jane_doe");
    assert_eq!(username_from_name("María José Núñez"), "maria_jose_nunez");
    assert_eq!(username_from_name("  O'Brien, Pat "), "o_brien_pat");
    assert_eq!(username_from_name("李明"), "author");
    for name in [
        "Jane Doe",
        "María José Núñez",
        "李明",
        "A very long name indeed, far too long",
    ] {
        assert!(is_valid_username(&username_from_name(name)), "{name}");
    }
}
