//! JSON-LD contexts. The extension terms are the ones Mastodon and GoToSocial define for the
//! fields we use beyond ActivityStreams (featured collections, discoverability, quote policy).

use serde_json::{Value, json};

/// `@context` for actors: ActivityStreams, the security vocabulary (publicKey) and Mastodon's terms.
pub fn actor() -> Value {
    json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "toot": "http://joinmastodon.org/ns#",
            "featured": { "@id": "toot:featured", "@type": "@id" },
            "discoverable": "toot:discoverable",
            "indexable": "toot:indexable",
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers"
        }
    ])
}

/// `@context` for stories and the activities that carry them.
pub fn object() -> Value {
    json!([
        "https://www.w3.org/ns/activitystreams",
        {
            "Hashtag": "as:Hashtag",
            "sensitive": "as:sensitive",
            "gts": "https://gotosocial.org/ns#",
            "interactionPolicy": { "@id": "gts:interactionPolicy", "@type": "@id" },
            "canQuote": { "@id": "gts:canQuote", "@type": "@id" },
            "canReply": { "@id": "gts:canReply", "@type": "@id" },
            "automaticApproval": { "@id": "gts:automaticApproval", "@type": "@id" }
        }
    ])
}

/// `@context` for collections.
pub fn plain() -> Value {
    json!("https://www.w3.org/ns/activitystreams")
}
