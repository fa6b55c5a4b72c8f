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
            "canLike": { "@id": "gts:canLike", "@type": "@id" },
            "canAnnounce": { "@id": "gts:canAnnounce", "@type": "@id" },
            "automaticApproval": { "@id": "gts:automaticApproval", "@type": "@id" },
            "manualApproval": { "@id": "gts:manualApproval", "@type": "@id" },
            "quote": { "@id": "https://w3id.org/fep/044f#quote", "@type": "@id" },
            "quoteUri": "http://fedibird.com/ns#quoteUri",
            "_misskey_quote": "https://misskey-hub.net/ns#_misskey_quote",
            "quoteAuthorization": { "@id": "https://w3id.org/fep/044f#quoteAuthorization", "@type": "@id" }
        }
    ])
}

/// `@context` for quote stamps and the answers to quote requests (FEP-044f, as Mastodon
/// publishes its terms).
pub fn quote() -> Value {
    json!([
        "https://www.w3.org/ns/activitystreams",
        {
            "QuoteRequest": "https://w3id.org/fep/044f#QuoteRequest",
            "QuoteAuthorization": "https://w3id.org/fep/044f#QuoteAuthorization",
            "quote": { "@id": "https://w3id.org/fep/044f#quote", "@type": "@id" },
            "quoteAuthorization": { "@id": "https://w3id.org/fep/044f#quoteAuthorization", "@type": "@id" },
            "gts": "https://gotosocial.org/ns#",
            "interactingObject": { "@id": "gts:interactingObject", "@type": "@id" },
            "interactionTarget": { "@id": "gts:interactionTarget", "@type": "@id" }
        }
    ])
}

/// `@context` for collections.
pub fn plain() -> Value {
    json!("https://www.w3.org/ns/activitystreams")
}
