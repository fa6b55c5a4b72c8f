//! Replies the newsroom writes: an editor answers a reader as the publication or an author.
//! They live in the same thread as everyone's replies, marked as the newsroom's.

use chrono::Utc;
use sea_orm::ConnectionTrait;
use url::Url;

use super::{
    Parent, ReplyDraft,
    presentation::{ObjectKind, Presentation},
    store,
};
use crate::{
    domain::{
        actor::LocalActor, ids::Urls, moderation::VISIBLE, remote::RemoteActor, story::markdown,
    },
    error::{AppError, FieldErrors},
    storage::{entities::reply, replies},
};

const MAX_MARKDOWN: usize = 20_000;

/// Checks an editor's text and renders it, the reader's mention first so their server
/// notifies them.
pub fn render(markdown_text: &str, reader: Option<&RemoteActor>) -> Result<String, AppError> {
    let text = markdown_text.trim();
    if text.is_empty() || text.len() > MAX_MARKDOWN {
        let mut errors = FieldErrors::default();
        errors.add(
            "content",
            format!("1 to {MAX_MARKDOWN} characters of Markdown"),
        );
        return Err(AppError::Validation(errors));
    }
    let body = markdown::render(text);
    Ok(match reader {
        Some(reader) => {
            let profile = reader
                .url
                .as_ref()
                .filter(|u| crate::domain::links::is_web(u))
                .unwrap_or(&reader.ap_id);
            let mention = maud::html! {
                span class="h-card" { a href=(profile) class="u-url mention" { "@" span { (reader.username) } } }
            };
            // The mention opens the first paragraph, as Mastodon writes replies.
            match body.strip_prefix("<p>") {
                Some(rest) => format!("<p>{} {rest}", mention.into_string()),
                None => format!("<p>{}</p>{body}", mention.into_string()),
            }
        }
        None => body,
    })
}

/// Stores an editor's answer to `parent` as `author`, a Note in the site's `language`.
/// Returns the stored reply.
pub async fn answer(
    db: &impl ConnectionTrait,
    urls: &Urls,
    parent: &reply::Model,
    author: &LocalActor,
    content_html: String,
    language: &str,
) -> Result<reply::Model, AppError> {
    let ap_id: Url = urls.note(&uuid::Uuid::new_v4().simple().to_string());
    let draft = ReplyDraft {
        url: Some(ap_id.clone()),
        in_reply_to: parent
            .ap_id
            .parse()
            .map_err(|_| AppError::Unprocessable("the reply has no valid id".into()))?,
        ap_id,
        content_html,
        summary: None,
        sensitive: false,
        published: Utc::now(),
        replies_url: None,
        context_url: None,
        presentation: Presentation {
            kind: ObjectKind::Note,
            language: Some(language.to_string()),
            ..Presentation::default()
        },
    };
    store(
        db,
        &draft,
        author.id,
        &Parent::Reply(parent.clone()),
        true,
        VISIBLE,
    )
    .await
}

/// Replaces the text of one of our replies.
pub async fn edit(
    db: &impl ConnectionTrait,
    ours: &reply::Model,
    content_html: &str,
) -> Result<reply::Model, AppError> {
    if !ours.local {
        return Err(AppError::Unprocessable(
            "only the newsroom's own replies can be edited here".into(),
        ));
    }
    replies::edit(db, ours.id, content_html, None, false, Utc::now()).await?;
    replies::find_by_id(db, ours.id)
        .await?
        .ok_or(AppError::NotFound("reply"))
}
