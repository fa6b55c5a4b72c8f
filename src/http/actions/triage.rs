//! Triage signals as the admin and the API show them: the server's NodeInfo is read in the
//! background when it is not cached (shown once read), so no page waits on another server.

use crate::{
    domain::moderation::triage::{self, Signals},
    error::AppError,
    federation::nodeinfo,
    state::AppState,
    storage::entities::{actor, reply},
};

pub async fn signals_of(
    state: &AppState,
    reply: &reply::Model,
    author: &actor::Model,
) -> Result<Signals, AppError> {
    nodeinfo::refresh_if_stale(&state.federation, &author.domain, &author.ap_id).await;
    triage::signals(&state.db, reply, author).await
}
