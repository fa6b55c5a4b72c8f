//! Our actors as ActivityPub documents.

use url::Url;

use crate::{
    domain::{actor::LocalActor, ids::Urls},
    federation::protocol::{
        Image,
        actor::{Actor, Endpoints, PublicKey},
        context,
    },
};

/// The actor document for a local actor.
pub fn to_json(actor: &LocalActor, urls: &Urls) -> Actor {
    let username = &actor.username;
    let icon = actor
        .icon_url
        .clone()
        .unwrap_or_else(|| urls.default_icon());
    Actor {
        context: context::actor(),
        id: actor.ap_id.clone(),
        kind: actor.role.kind().to_string(),
        preferred_username: username.clone(),
        name: actor.name.clone(),
        summary: summary_html(&actor.summary),
        url: profile_url(actor, urls),
        inbox: urls.inbox(username),
        outbox: urls.outbox(username),
        followers: urls.followers(username),
        following: urls.following(username),
        featured: urls.featured(username),
        endpoints: Endpoints {
            shared_inbox: urls.shared_inbox(),
        },
        public_key: PublicKey {
            id: urls.key_id(&actor.ap_id),
            owner: actor.ap_id.clone(),
            public_key_pem: actor.public_key_pem.clone(),
        },
        icon: Some(Image::new(icon, None)),
        published: actor.published_at,
        manually_approves_followers: false,
        discoverable: true,
        indexable: true,
    }
}

/// Where a browser sees this actor: the front page for the publication and the instance actor,
/// the author page for authors.
fn profile_url(actor: &LocalActor, urls: &Urls) -> Url {
    match actor.role {
        crate::domain::actor::Role::Author => actor.ap_id.clone(),
        _ => urls.root(),
    }
}

/// Summaries are plain text in our settings and HTML on the wire.
fn summary_html(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    maud::html! { p { (text) } }.into_string()
}
