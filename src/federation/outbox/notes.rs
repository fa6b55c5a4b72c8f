//! The newsroom's replies on the wire: created, edited and deleted in one transaction with
//! their deliveries — to the reader answered, everyone else in the thread, and the followers of
//! the actor who answers.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};

use super::enqueue;
use crate::{
    domain::ids::host_with_port,
    domain::moderation::log::{self, Entry},
    domain::{
        actor::{self, LocalActor, Role},
        follow::{self, Target},
        links::web,
        quoting,
        remote::{self, RemoteActor},
        reply::{self, local},
        story,
    },
    error::AppError,
    federation::{
        objects::{
            note::{Answering, to_note},
            story::Site,
        },
        protocol::{PUBLIC, context},
    },
    storage::{self, entities::reply as reply_entity, replies},
};

/// What an editor's answer says and how.
pub struct AnswerRequest<'a> {
    /// The answering actor's username (default: the publication).
    pub as_username: Option<&'a str>,
    pub markdown: &'a str,
    /// Quote the reply answered: the reader's server is asked for a stamp (FEP-044f).
    pub quote: bool,
}

/// An editor answers reply `parent_id`, in the publication's language.
pub async fn answer(
    db: &DatabaseConnection,
    site: &Site<'_>,
    parent_id: i64,
    request: &AnswerRequest<'_>,
) -> Result<reply_entity::Model, AppError> {
    let publication = &site.settings.publication;
    let parent = reply::find_by_id(db, parent_id)
        .await?
        .ok_or(AppError::NotFound("reply"))?;
    let author = speaker(db, request.as_username.unwrap_or(&publication.handle)).await?;
    let reader = remote::find_by_id(db, parent.author_id).await?;
    let quoted = match request.quote {
        true => Some(quoting::quotable(db, parent.story_id, parent.id).await?),
        false => None,
    };
    let mut content = local::render(request.markdown, reader.as_ref())?;
    if let Some((post, _)) = &quoted {
        let shown_at = post.url.as_deref().and_then(web);
        let shown_at = shown_at
            .as_ref()
            .map_or(post.ap_id.as_str(), url::Url::as_str);
        content = quoting::fallback_html(&content, shown_at);
    }
    let txn = storage::begin_write(db).await?;
    let language = &publication.language;
    let ours = local::answer(&txn, site.urls, &parent, &author, content, language).await?;
    let our_quote = match &quoted {
        Some((post, _)) => {
            let request_id = format!("{}#quote-request", ours.ap_id);
            Some(quoting::request(&txn, &ours, post, &request_id).await?)
        }
        None => None,
    };
    let note = note_of(&txn, &ours, &author, &parent, reader.as_ref(), site).await?;
    let thread = Thread {
        author: &author,
        parent: &parent,
        reader: reader.as_ref(),
    };
    thread.send(&txn, "Create", "create", &note).await?;
    if let (Some((_, quoted_author)), Some(our_quote)) = (&quoted, &our_quote) {
        send_quote_request(&txn, &author, quoted_author, our_quote, &note).await?;
    }
    txn.commit().await?;
    Ok(ours)
}

/// Asks the quoted author's server for a stamp, with our Note embedded (as Mastodon sends it).
async fn send_quote_request(
    txn: &impl ConnectionTrait,
    author: &LocalActor,
    quoted_author: &RemoteActor,
    quote: &quoting::OurQuote,
    note: &Value,
) -> Result<(), AppError> {
    let request = json!({
        "@context": context::quote(),
        "id": format!("{}#quote-request", note["id"].as_str().unwrap_or_default()),
        "type": "QuoteRequest",
        "actor": author.ap_id,
        "to": [quoted_author.ap_id],
        "object": quote.quoted_ap_id,
        "instrument": note,
    });
    let inbox = Target {
        host: host_with_port(&quoted_author.inbox),
        inbox: quoted_author.inbox.clone(),
    };
    enqueue(txn, author.id, &request, &[inbox]).await
}

/// Sends one of our replies again as an `Update`, after its quote's stamp came or went: the
/// thread's audience and the quoted author see the quote stand or fall.
pub async fn republish(db: &DatabaseConnection, site: &Site<'_>, id: i64) -> Result<(), AppError> {
    let (ours, author, parent, reader) = context_of(db, id).await?;
    let txn = storage::begin_write(db).await?;
    let note = note_of(&txn, &ours, &author, &parent, reader.as_ref(), site).await?;
    let stamp = format!("update-quote-{}", chrono::Utc::now().timestamp_millis());
    let thread = Thread {
        author: &author,
        parent: &parent,
        reader: reader.as_ref(),
    };
    thread.send(&txn, "Update", &stamp, &note).await?;
    txn.commit().await?;
    Ok(())
}

/// An editor rewrites one of the newsroom's replies.
pub async fn edit(
    db: &DatabaseConnection,
    site: &Site<'_>,
    id: i64,
    markdown: &str,
) -> Result<reply_entity::Model, AppError> {
    let (ours, author, parent, reader) = context_of(db, id).await?;
    let content = local::render(markdown, reader.as_ref())?;
    let txn = storage::begin_write(db).await?;
    let edited = local::edit(&txn, &ours, &content).await?;
    let note = note_of(&txn, &edited, &author, &parent, reader.as_ref(), site).await?;
    let stamp = format!(
        "update-{}",
        edited
            .edited_at
            .unwrap_or(edited.published_at)
            .timestamp_millis()
    );
    let thread = Thread {
        author: &author,
        parent: &parent,
        reader: reader.as_ref(),
    };
    thread.send(&txn, "Update", &stamp, &note).await?;
    txn.commit().await?;
    Ok(edited)
}

/// Removes a reply, recording `logged` in the same transaction. One of ours is also deleted on
/// every server that received it.
pub async fn remove(db: &DatabaseConnection, id: i64, logged: &Entry<'_>) -> Result<(), AppError> {
    let held = reply::find_by_id(db, id)
        .await?
        .ok_or(AppError::NotFound("reply"))?;
    if !held.local {
        let txn = storage::begin_write(db).await?;
        reply::remove_by_editor(&txn, &held).await?;
        log::record(&txn, logged).await?;
        txn.commit().await?;
        return Ok(());
    }
    let (ours, author, parent, reader) = context_of(db, id).await?;
    let txn = storage::begin_write(db).await?;
    reply::remove(&txn, &ours).await?;
    log::record(&txn, logged).await?;
    let tombstone = json!({ "id": ours.ap_id, "type": "Tombstone", "formerType": "Note" });
    let thread = Thread {
        author: &author,
        parent: &parent,
        reader: reader.as_ref(),
    };
    thread.send(&txn, "Delete", "delete", &tombstone).await?;
    txn.commit().await?;
    Ok(())
}

async fn speaker(db: &impl ConnectionTrait, username: &str) -> Result<LocalActor, AppError> {
    match actor::find_by_username(db, username).await? {
        Some(a) if a.role != Role::Instance => Ok(a),
        _ => Err(AppError::Unprocessable(format!(
            "`{username}` is not the publication or an author"
        ))),
    }
}

type NoteContext = (
    reply_entity::Model,
    LocalActor,
    reply_entity::Model,
    Option<RemoteActor>,
);

async fn context_of(db: &DatabaseConnection, id: i64) -> Result<NoteContext, AppError> {
    let ours = reply::find_by_id(db, id)
        .await?
        .filter(|r| r.local)
        .ok_or(AppError::NotFound("reply"))?;
    let author = actor::find_by_id(db, ours.author_id)
        .await?
        .ok_or(AppError::NotFound("actor"))?;
    let parent_id = ours.parent_id.ok_or(AppError::NotFound("reply"))?;
    let parent = reply::find_by_id(db, parent_id)
        .await?
        .ok_or(AppError::NotFound("reply"))?;
    let reader = remote::find_by_id(db, parent.author_id).await?;
    Ok((ours, author, parent, reader))
}

/// Who hears about one of the newsroom's replies: see [`audience`].
struct Thread<'a> {
    author: &'a LocalActor,
    parent: &'a reply_entity::Model,
    reader: Option<&'a RemoteActor>,
}

impl Thread<'_> {
    /// Queues `kind` of `object` from the author to the thread's audience, in `txn`.
    async fn send(
        &self,
        txn: &impl ConnectionTrait,
        kind: &str,
        fragment: &str,
        object: &Value,
    ) -> Result<(), AppError> {
        let activity = wrap(kind, fragment, self.author, object);
        let inboxes = audience(txn, self.parent, self.author, self.reader).await?;
        enqueue(txn, self.author.id, &activity, &inboxes).await
    }
}

/// The wire form of one of our replies, answering `parent` (and mentioning its reader), in
/// its story's conversation.
async fn note_of(
    db: &impl ConnectionTrait,
    ours: &reply_entity::Model,
    author: &LocalActor,
    parent: &reply_entity::Model,
    reader: Option<&RemoteActor>,
    site: &Site<'_>,
) -> Result<Value, AppError> {
    let story = story::find_by_id(db, ours.story_id)
        .await?
        .ok_or(AppError::NotFound("story"))?;
    let quote = quoting::of_reply(db, ours.id).await?;
    let answering = Answering {
        parent_ap_id: &parent.ap_id,
        reader,
        story: &story,
        quote: quote.as_ref(),
    };
    Ok(to_note(ours, author, &answering, site, false))
}

fn wrap(kind: &str, fragment: &str, author: &LocalActor, object: &Value) -> Value {
    let id = format!("{}#{fragment}", object["id"].as_str().unwrap_or_default());
    json!({
        "@context": context::object(),
        "id": id,
        "type": kind,
        "actor": author.ap_id,
        "to": [PUBLIC],
        "cc": object["cc"].clone(),
        "object": object,
    })
}

/// The reader's own inbox, everyone else who replied in the thread, and the answering actor's
/// followers; each inbox once.
async fn audience(
    db: &impl ConnectionTrait,
    parent: &reply_entity::Model,
    author: &LocalActor,
    reader: Option<&RemoteActor>,
) -> Result<Vec<Target>, AppError> {
    let mut inboxes: BTreeMap<String, Target> = BTreeMap::new();
    let mut add = |inbox: &url::Url| {
        inboxes.entry(inbox.to_string()).or_insert_with(|| Target {
            host: host_with_port(inbox),
            inbox: inbox.clone(),
        });
    };
    if let Some(reader) = reader {
        add(&reader.inbox);
    }
    for (_, participant) in replies::thread(db, parent.story_id).await? {
        if participant.local {
            continue;
        }
        let participant = RemoteActor::from_model(participant)?;
        if reader.is_some_and(|r| r.id == participant.id) {
            continue;
        }
        add(participant.delivery_inbox());
    }
    for target in follow::targets(db, &[author.id]).await? {
        add(&target.inbox);
    }
    Ok(inboxes.into_values().collect())
}
