//! Webhooks: subscribing a URL (checked by the outbound address guard, as the sender will check
//! it again), listing, deleting.

use crate::{
    domain::alerts::{self, NewWebhook, Webhook},
    error::{AppError, FieldErrors},
    federation::guard,
    state::AppState,
    storage::webhook_deliveries,
};

/// Subscribes `url` to `events`. The returned webhook carries its secret, to show once.
pub async fn create(state: &AppState, url: &str, events: &[String]) -> Result<Webhook, AppError> {
    let new = NewWebhook::parse(url, events)?;
    // An editor's URL is still a request from our server: no internal addresses.
    if let Err(reason) = guard::check_url(&new.url, state.settings.dev) {
        let mut errors = FieldErrors::default();
        errors.add("url", reason);
        return Err(AppError::Validation(errors));
    }
    alerts::create(&state.db, new).await
}

/// A webhook and how its deliveries stand (`state`, count).
pub struct Listed {
    pub webhook: Webhook,
    pub deliveries: Vec<(String, i64)>,
}

pub async fn list(state: &AppState) -> Result<Vec<Listed>, AppError> {
    let counts = webhook_deliveries::count_by_webhook(&state.db).await?;
    Ok(alerts::list(&state.db)
        .await?
        .into_iter()
        .map(|webhook| {
            let deliveries = counts
                .iter()
                .filter(|c| c.webhook_id == webhook.id)
                .map(|c| (c.state.clone(), c.count))
                .collect();
            Listed {
                webhook,
                deliveries,
            }
        })
        .collect())
}

pub async fn delete(state: &AppState, id: i64) -> Result<(), AppError> {
    alerts::delete(&state.db, id).await
}
