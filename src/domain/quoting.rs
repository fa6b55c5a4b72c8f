//! The newsroom quoting a reader (FEP-044f, the quoting side). An editor's answer may quote a
//! reader's post; the reader's server decides. Until it answers the quote is pending (the page
//! says so, as Mastodon does); its stamp makes it stand; a refusal or a withdrawn stamp leaves
//! only the answer's own text.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;

use crate::{
    domain::{moderation::VISIBLE, remote::RemoteActor, reply},
    error::AppError,
    storage::{
        entities::{outgoing_quote, reply as reply_row},
        outgoing_quotes::{self, NewOutgoingQuote},
    },
};

/// Where a request for a stamp stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteState {
    Pending,
    Accepted,
    Rejected,
    Revoked,
}

impl QuoteState {
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteState::Pending => "pending",
            QuoteState::Accepted => "accepted",
            QuoteState::Rejected => "rejected",
            QuoteState::Revoked => "revoked",
        }
    }

    fn parse(text: &str) -> QuoteState {
        match text {
            "accepted" => QuoteState::Accepted,
            "rejected" => QuoteState::Rejected,
            "revoked" => QuoteState::Revoked,
            _ => QuoteState::Pending,
        }
    }
}

/// Our quote as the wire and the page need it.
#[derive(Debug, Clone)]
pub struct OurQuote {
    pub state: QuoteState,
    /// The quoted post's id on its server.
    pub quoted_ap_id: String,
    /// Its row here (the page links to it in the thread).
    pub quoted_reply_id: i64,
    /// The stamp, while it stands.
    pub authorization: Option<String>,
}

impl OurQuote {
    fn from_row(row: outgoing_quote::Model) -> Self {
        let state = QuoteState::parse(&row.state);
        OurQuote {
            state,
            quoted_ap_id: row.quoted_ap_id,
            quoted_reply_id: row.quoted_reply_id,
            authorization: row
                .authorization_url
                .filter(|_| state == QuoteState::Accepted),
        }
    }
}

/// The reader's post an answer in `story_id` may quote, and its author: shown on the page, not
/// ours, and in the same conversation.
pub async fn quotable(
    db: &impl ConnectionTrait,
    story_id: i64,
    reply_id: i64,
) -> Result<(reply_row::Model, RemoteActor), AppError> {
    let refuse = |why: &str| Err(AppError::Unprocessable(why.to_string()));
    let Some(quoted) = reply::find_by_id(db, reply_id).await? else {
        return Err(AppError::NotFound("reply"));
    };
    if quoted.local {
        return refuse("the newsroom quotes readers' posts, not its own");
    }
    if quoted.deleted_at.is_some() || quoted.state != VISIBLE {
        return refuse("only a reply shown on the page can be quoted");
    }
    if quoted.story_id != story_id {
        return refuse("the quoted reply is in another story's conversation");
    }
    let author = crate::domain::remote::find_by_id(db, quoted.author_id)
        .await?
        .ok_or(AppError::NotFound("actor"))?;
    Ok((quoted, author))
}

/// Records that `ours` quotes `quoted` and asks for a stamp with `request_ap_id`.
pub async fn request(
    db: &impl ConnectionTrait,
    ours: &reply_row::Model,
    quoted: &reply_row::Model,
    request_ap_id: &str,
) -> Result<OurQuote, AppError> {
    let new = NewOutgoingQuote {
        reply_id: ours.id,
        quoted,
        request_ap_id,
    };
    let row = outgoing_quotes::insert(db, &new, QuoteState::Pending.as_str()).await?;
    Ok(OurQuote::from_row(row))
}

/// The quote `ours` makes, if it makes one.
pub async fn of_reply(
    db: &impl ConnectionTrait,
    reply_id: i64,
) -> Result<Option<OurQuote>, AppError> {
    Ok(outgoing_quotes::of_reply(db, reply_id)
        .await?
        .map(OurQuote::from_row))
}

/// The quotes these replies make, by reply id, in one query.
pub async fn of_replies(
    db: &impl ConnectionTrait,
    reply_ids: &[i64],
) -> Result<HashMap<i64, OurQuote>, AppError> {
    Ok(outgoing_quotes::of_replies(db, reply_ids)
        .await?
        .into_iter()
        .map(|row| (row.reply_id, OurQuote::from_row(row)))
        .collect())
}

/// A request of ours that the answer names, with the account that must be the one answering.
pub struct Asked {
    pub row: outgoing_quote::Model,
}

impl Asked {
    pub fn reply_id(&self) -> i64 {
        self.row.reply_id
    }

    pub fn quoted_ap_id(&self) -> &str {
        &self.row.quoted_ap_id
    }
}

/// Our request `request_ap_id`, if the one answering is the author it was sent to. `None`: not
/// ours. An answer from anyone else is refused.
pub async fn asked_of(
    db: &impl ConnectionTrait,
    request_ap_id: &str,
    answering: &RemoteActor,
) -> Result<Option<Asked>, AppError> {
    let Some(row) = outgoing_quotes::find_by_request(db, request_ap_id).await? else {
        return Ok(None);
    };
    if row.quoted_author_id != answering.id {
        return Err(AppError::Forbidden(
            "only the quoted post's author can answer this request".into(),
        ));
    }
    Ok(Some(Asked { row }))
}

/// The stamp came: the quote stands. False when nothing changed (the same stamp again).
pub async fn accepted(
    db: &impl ConnectionTrait,
    asked: &Asked,
    authorization: &str,
) -> Result<bool, AppError> {
    let row = &asked.row;
    if row.state == QuoteState::Accepted.as_str()
        && row.authorization_url.as_deref() == Some(authorization)
    {
        return Ok(false);
    }
    outgoing_quotes::set_state(
        db,
        row.id,
        QuoteState::Accepted.as_str(),
        Some(authorization),
    )
    .await?;
    Ok(true)
}

/// The quoted author said no. False when it was already refused.
pub async fn rejected(db: &impl ConnectionTrait, asked: &Asked) -> Result<bool, AppError> {
    if asked.row.state == QuoteState::Rejected.as_str() {
        return Ok(false);
    }
    outgoing_quotes::set_state(db, asked.row.id, QuoteState::Rejected.as_str(), None).await?;
    Ok(true)
}

/// The quoted author withdrew stamp `authorization`: returns the reply that quoted with it, or
/// `None` when it is not a stamp we hold from them.
pub async fn withdrawn(
    db: &impl ConnectionTrait,
    authorization: &str,
    by: &RemoteActor,
) -> Result<Option<i64>, AppError> {
    let Some(row) = outgoing_quotes::find_by_authorization(db, authorization).await? else {
        return Ok(None);
    };
    if row.quoted_author_id != by.id || row.state != QuoteState::Accepted.as_str() {
        return Ok(None);
    }
    outgoing_quotes::set_state(db, row.id, QuoteState::Revoked.as_str(), None).await?;
    Ok(Some(row.reply_id))
}

/// The line that stands in for the quote where a server shows no quotes (Mastodon writes the
/// same, and hides it where it shows the quote).
pub fn fallback_html(content_html: &str, quoted_url: &str) -> String {
    let link = maud::html! {
        p class="quote-inline" { "RE: " a href=(quoted_url) { (quoted_url) } }
    };
    format!("{content_html}{}", link.into_string())
}

/// How the page shows a quote of ours: its state and the post it quotes.
#[derive(Debug, Clone)]
pub struct QuoteCard {
    pub state: QuoteState,
    /// The quoted reply's row (its anchor on the page).
    pub quoted_reply_id: i64,
    pub author_name: String,
    /// `@user@host`.
    pub author_handle: String,
    /// The quoted post as stored (cleaned when it arrived); `None` once it is no longer shown.
    pub content_html: Option<String>,
}

/// The cards of the quotes these replies make, by reply id: one query for the quotes, then the
/// quoted posts (an answer quotes at most one, and few answers quote).
pub async fn cards(
    db: &impl ConnectionTrait,
    reply_ids: &[i64],
) -> Result<HashMap<i64, QuoteCard>, AppError> {
    let mut cards = HashMap::new();
    for (reply_id, quote) in of_replies(db, reply_ids).await? {
        let Some(quoted) = reply::find_by_id(db, quote.quoted_reply_id).await? else {
            continue;
        };
        let Some(author) = crate::storage::actors::find_by_id(db, quoted.author_id).await? else {
            continue;
        };
        let shown = quoted.deleted_at.is_none() && quoted.state == VISIBLE;
        cards.insert(
            reply_id,
            QuoteCard {
                state: quote.state,
                quoted_reply_id: quoted.id,
                author_handle: format!("@{}@{}", author.username, author.domain),
                author_name: author.name,
                content_html: shown.then_some(quoted.content_html),
            },
        );
    }
    Ok(cards)
}
