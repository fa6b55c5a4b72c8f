//! Feed subscriptions: adding one (polled at once), removing one, asking for a poll now.

use crate::{
    domain::feed::{self, Feed},
    error::AppError,
    state::AppState,
};

pub async fn add(state: &AppState, url: &str, authors: &[String]) -> Result<Feed, AppError> {
    let added = feed::add(&state.db, url, authors).await?;
    state.federation.feeds.notify_one();
    Ok(added)
}

pub async fn remove(state: &AppState, id: i64) -> Result<(), AppError> {
    feed::remove(&state.db, id).await
}

pub async fn poll_now(state: &AppState, id: i64) -> Result<Feed, AppError> {
    let found = feed::poll_now(&state.db, id).await?;
    state.federation.feeds.notify_one();
    Ok(found)
}
