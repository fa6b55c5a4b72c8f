//! The newsroom's replies as `Note`s: on our host, answering the reader's reply, mentioning
//! the reader (and `cc`ing them) so their server notifies them.

use serde_json::{Value, json};

use super::story::{Site, interaction_policy};
use crate::{
    domain::{actor::LocalActor, quoting::OurQuote, remote::RemoteActor, story::Story},
    federation::protocol::{PUBLIC, context},
    storage::entities::reply,
};

/// Who a Note answers: the parent reply's id, its author when remote, and the story whose
/// conversation it is part of.
pub struct Answering<'a> {
    pub parent_ap_id: &'a str,
    pub reader: Option<&'a RemoteActor>,
    pub story: &'a Story,
    /// The reader's post this Note quotes, when it quotes one.
    pub quote: Option<&'a OurQuote>,
}

/// The Note, in its story's conversation (`context`) and under the story's interaction policy.
/// The one JSON literal of a Note, kept whole so it reads as Mastodon receives it.
pub fn to_note(
    ours: &reply::Model,
    author: &LocalActor,
    answering: &Answering<'_>,
    site: &Site<'_>,
    with_context: bool,
) -> Value {
    let urls = site.urls;
    let mut cc = vec![json!(urls.followers(&author.username))];
    let mut tag = Vec::new();
    if let Some(reader) = answering.reader {
        cc.push(json!(reader.ap_id));
        tag.push(json!({ "type": "Mention", "href": reader.ap_id, "name": reader.handle() }));
    }
    let mut note = json!({
        "id": ours.ap_id,
        "type": "Note",
        "attributedTo": author.ap_id,
        "inReplyTo": answering.parent_ap_id,
        "content": ours.content_html,
        "mediaType": "text/html",
        "published": ours.published_at,
        "url": ours.ap_id,
        "to": [PUBLIC],
        "cc": cc,
        "tag": tag,
        "sensitive": false,
        "replies": {
            "id": urls.reply_replies(ours.id),
            "type": "OrderedCollection",
            "first": format!("{}?page=1", urls.reply_replies(ours.id)),
        },
        "context": urls.story_context(&answering.story.slug),
        "interactionPolicy": interaction_policy(answering.story, site),
    });
    if let Some(quote) = answering.quote {
        with_quote(&mut note, quote);
    }
    if let Some(edited) = ours.edited_at {
        note["updated"] = json!(edited);
    }
    if with_context {
        note["@context"] = context::object();
    }
    note
}

/// The quote, under every name servers read it by, and its stamp once the quoted author's
/// server gave one (FEP-044f); the link tag is how FEP-e232 readers find it.
fn with_quote(note: &mut Value, quote: &OurQuote) {
    let quoted = &quote.quoted_ap_id;
    note["quote"] = json!(quoted);
    note["quoteUri"] = json!(quoted);
    note["_misskey_quote"] = json!(quoted);
    if let Some(stamp) = &quote.authorization {
        note["quoteAuthorization"] = json!(stamp);
    }
    if let Some(tags) = note["tag"].as_array_mut() {
        tags.push(json!({
            "type": "Link",
            "mediaType": "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
            "href": quoted,
            "name": format!("RE: {quoted}"),
        }));
    }
}
