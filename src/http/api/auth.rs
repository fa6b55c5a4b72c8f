//! The bearer-token check: [`ApiToken`] extracts only from a request with a valid token; the
//! API router requires it of every route.

use activitypub_federation::config::Data;
use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts},
};

use crate::{domain::token, error::AppError, state::AppState};

/// Proof that the request carried a valid token.
pub struct ApiToken;

impl<S: Send + Sync> FromRequestParts<S> for ApiToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|v| v.trim().to_string())
            .ok_or(AppError::Unauthorized)?;
        let data = Data::<AppState>::from_request_parts(parts, state)
            .await
            .map_err(|_| anyhow::anyhow!("federation middleware missing"))?;
        if token::verify(&data.db, &secret).await? {
            Ok(ApiToken)
        } else {
            Err(AppError::Unauthorized)
        }
    }
}
