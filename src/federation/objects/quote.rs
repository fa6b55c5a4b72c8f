//! The quote stamp on the wire: the `QuoteAuthorization` (FEP-044f) a quoting server shows as
//! proof that the quote was allowed, and its `Tombstone` once withdrawn.

use serde_json::{Value, json};
use url::Url;

use crate::{domain::ids::Urls, federation::protocol::context, storage::entities::quote};

/// The stamp for `quote` of the story `story_ap_id`, issued by `publication` (who wrote it).
pub fn to_stamp(urls: &Urls, publication: &Url, quote: &quote::Model, story_ap_id: &str) -> Value {
    json!({
        "@context": context::quote(),
        "id": urls.quote_stamp(quote.id),
        "type": "QuoteAuthorization",
        "attributedTo": publication,
        "interactingObject": quote.ap_id,
        "interactionTarget": story_ap_id,
    })
}

/// What a withdrawn stamp answers, with 410 Gone.
pub fn to_stamp_tombstone(urls: &Urls, quote: &quote::Model) -> Value {
    json!({
        "@context": context::quote(),
        "id": urls.quote_stamp(quote.id),
        "type": "Tombstone",
        "formerType": "QuoteAuthorization",
        "deleted": quote.revoked_at,
    })
}
