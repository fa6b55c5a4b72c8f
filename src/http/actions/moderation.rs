//! Moderation and answering: the change and its log entry in one transaction, then waking the
//! delivery worker and telling open story pages.

use crate::{
    domain::{
        alerts,
        moderation::{
            self, Mode,
            bulk::{self, HeldFrom},
            log::{self, Editor, Entry},
            policy::{self, InstancePolicy},
        },
        reply::{self, ThreadChange},
    },
    error::AppError,
    federation::{context::Invalidation, outbox::notes},
    state::AppState,
    storage::{self, actors, entities::reply as reply_entity},
};

async fn find(state: &AppState, id: i64) -> Result<reply_entity::Model, AppError> {
    reply::find_by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound("reply"))
}

/// The log entry for `action` on `target`, with its story and author.
async fn entry_for<'a>(
    state: &AppState,
    by: &'a Editor,
    action: &'a str,
    target: &reply_entity::Model,
    reason: Option<&'a str>,
) -> Result<Entry<'a>, AppError> {
    let entry = Entry::new(by, action, "reply", target.id.to_string())
        .story(target.story_id)
        .reason(reason);
    Ok(
        match actors::find_by_id(&state.db, target.author_id).await? {
            Some(author) => entry.account(&author.ap_id),
            None => entry,
        },
    )
}

pub async fn approve(
    state: &AppState,
    by: &Editor,
    id: i64,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let held = find(state, id).await?;
    let entry = entry_for(state, by, "approve", &held, reason).await?;
    // Approved, logged and announced to webhooks in one commit.
    let txn = storage::begin_write(&state.db).await?;
    moderation::approve(&txn, &held).await?;
    log::record(&txn, &entry).await?;
    if let Some(shown) = reply::find_by_id(&txn, id).await? {
        alerts::events::reply(&txn, &shown).await?;
    }
    txn.commit().await?;
    // Its author is approved now: their next replies show at once.
    state
        .federation
        .invalidate(Invalidation::RemoteActor(Some(held.author_id)));
    state
        .federation
        .announce(held.story_id, held.id, ThreadChange::Added);
    Ok(())
}

pub async fn hide(
    state: &AppState,
    by: &Editor,
    id: i64,
    reason: Option<&str>,
) -> Result<(), AppError> {
    // A pick leaves the page too: its boost is undone first.
    super::picks::withdraw(state, id).await?;
    let shown = find(state, id).await?;
    let entry = entry_for(state, by, "hide", &shown, reason).await?;
    let txn = storage::begin_write(&state.db).await?;
    moderation::hide(&txn, &shown).await?;
    log::record(&txn, &entry).await?;
    txn.commit().await?;
    state
        .federation
        .announce(shown.story_id, shown.id, ThreadChange::Removed);
    Ok(())
}

pub async fn remove(
    state: &AppState,
    by: &Editor,
    id: i64,
    reason: Option<&str>,
) -> Result<(), AppError> {
    // A pick leaves the page too: its boost is undone first.
    super::picks::withdraw(state, id).await?;
    let found = find(state, id).await?;
    let entry = entry_for(state, by, "delete", &found, reason).await?;
    notes::remove(&state.db, id, &entry).await?;
    state.deliveries_queued();
    state
        .federation
        .announce(found.story_id, found.id, ThreadChange::Removed);
    Ok(())
}

/// Approves (`approve == true`) or hides every reply held from one account or one server, each
/// logged; returns how many.
pub async fn bulk(
    state: &AppState,
    by: &Editor,
    from: &HeldFrom,
    approve: bool,
    reason: Option<&str>,
) -> Result<usize, AppError> {
    let held = bulk::held(&state.db, from).await?;
    let action = if approve { "approve" } else { "hide" };
    let txn = storage::begin_write(&state.db).await?;
    for one in &held {
        if approve {
            moderation::approve(&txn, one).await?;
        } else {
            moderation::hide(&txn, one).await?;
        }
        let entry = entry_for(state, by, action, one, reason).await?;
        log::record(&txn, &entry).await?;
    }
    txn.commit().await?;
    if approve {
        let mut authors: Vec<i64> = held.iter().map(|one| one.author_id).collect();
        authors.sort_unstable();
        authors.dedup();
        for author in authors {
            state
                .federation
                .invalidate(Invalidation::RemoteActor(Some(author)));
        }
    }
    let change = if approve {
        ThreadChange::Added
    } else {
        ThreadChange::Removed
    };
    for one in &held {
        state.federation.announce(one.story_id, one.id, change);
    }
    Ok(held.len())
}

/// `approve` is true, `hide` false; anything else is refused.
pub fn bulk_action(action: &str) -> Result<bool, AppError> {
    match action {
        "approve" => Ok(true),
        "hide" => Ok(false),
        _ => {
            let mut errors = crate::error::FieldErrors::default();
            errors.add("action", "approve or hide");
            Err(AppError::Validation(errors))
        }
    }
}

/// Sets the site's moderation mode.
pub async fn set_mode(
    state: &AppState,
    by: &Editor,
    text: &str,
    reason: Option<&str>,
) -> Result<Mode, AppError> {
    let txn = storage::begin_write(&state.db).await?;
    let mode = moderation::set_mode(&txn, text).await?;
    let entry = Entry::new(by, "mode", "site", mode.as_str().to_string()).reason(reason);
    log::record(&txn, &entry).await?;
    txn.commit().await?;
    state.federation.invalidate(Invalidation::Moderation);
    Ok(mode)
}

/// Sets (or, with `none`, clears) the policy for one server.
pub async fn set_instance_policy(
    state: &AppState,
    by: &Editor,
    domain: &str,
    text: &str,
    reason: Option<&str>,
) -> Result<(String, Option<InstancePolicy>), AppError> {
    let txn = storage::begin_write(&state.db).await?;
    let (domain, set) = policy::set(&txn, domain, text).await?;
    let action = match set {
        Some(p) => format!("policy:{}", p.as_str()),
        None => "policy:none".to_string(),
    };
    log::record(
        &txn,
        &Entry::new(by, &action, "instance", domain.clone()).reason(reason),
    )
    .await?;
    txn.commit().await?;
    state.federation.invalidate(Invalidation::Moderation);
    Ok((domain, set))
}

pub async fn answer(
    state: &AppState,
    id: i64,
    request: &notes::AnswerRequest<'_>,
) -> Result<reply_entity::Model, AppError> {
    let ours = notes::answer(&state.db, &state.site(), id, request).await?;
    state.deliveries_queued();
    state
        .federation
        .announce(ours.story_id, ours.id, ThreadChange::Added);
    Ok(ours)
}

pub async fn edit(
    state: &AppState,
    id: i64,
    markdown: &str,
) -> Result<reply_entity::Model, AppError> {
    let ours = notes::edit(&state.db, &state.site(), id, markdown).await?;
    state.deliveries_queued();
    state
        .federation
        .announce(ours.story_id, ours.id, ThreadChange::Changed);
    Ok(ours)
}
