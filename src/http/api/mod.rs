//! The JSON API under `/api/v1`, for a newsroom's CMS and scripts. Every route needs a bearer
//! token (`broadsheet token create NAME`).

mod auth;
mod json;
mod moderation;
mod stories;

use axum::Router;

pub use auth::ApiToken;
pub use json::ApiJson;

pub fn router() -> Router {
    Router::new()
        .merge(stories::router())
        .merge(moderation::router())
        .fallback(|| async { crate::error::AppError::NotFound("API route") })
}
