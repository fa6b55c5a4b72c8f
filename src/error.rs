//! One error type for the whole application. Each variant's doc names the HTTP status it becomes;
//! 4xx answers carry a JSON body that says what to fix, 5xx answers are opaque and logged once.

use std::{collections::BTreeMap, time::Duration};

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use serde_json::json;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request cannot be understood (malformed JSON, a bad query string).
    #[error("{0}")]
    BadRequest(String),
    /// 401: no credentials, or credentials we do not accept.
    #[error("authentication required")]
    Unauthorized,
    /// 401: an ActivityPub request whose HTTP signature we do not accept, and why.
    #[error("{0}")]
    Signature(String),
    /// 403: understood, and refused (a block).
    #[error("{0}")]
    Forbidden(String),
    /// 404: nothing lives at this address.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 410: it existed and was deleted.
    #[error("{0} was deleted")]
    Gone(&'static str),
    /// 429: too many requests from one place. The answer's `Retry-After` says in how many
    /// seconds the next one would be let in.
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after: Duration,
    },
    /// 415: the body is not in a format this endpoint reads.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: the request was understood but its content is invalid; says which fields and why.
    #[error("invalid input")]
    Validation(FieldErrors),
    /// 422: an activity we understood and will never accept (Mastodon does not retry 4xx).
    #[error("{0}")]
    Unprocessable(String),
    /// 500: our own fault. The cause is logged, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Messages per field, in a stable order, for 422 answers and CLI errors alike.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct FieldErrors(BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_default()
            .push(message.into());
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// `Ok(value)` when nothing was recorded, the errors otherwise.
    pub fn into_result<T>(self, value: T) -> Result<T> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(AppError::Validation(self))
        }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (field, messages) in &self.0 {
            for message in messages {
                writeln!(f, "  {field}: {message}")?;
            }
        }
        Ok(())
    }
}

impl AppError {
    /// A 429 whose next request would be let in after `retry_after`.
    pub fn too_many(message: impl Into<String>, retry_after: Duration) -> Self {
        AppError::TooManyRequests {
            message: message.into(),
            retry_after,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized | AppError::Signature(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Validation(_) | AppError::Unprocessable(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        AppError::Internal(anyhow::Error::new(err).context("database error"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            AppError::Validation(fields) => json!({ "error": "invalid input", "fields": fields }),
            AppError::Internal(cause) => {
                tracing::error!(error.cause_chain = ?cause, error.message = %cause, "request failed");
                json!({ "error": "internal server error" })
            }
            other => json!({ "error": other.to_string() }),
        };
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            AppError::Unauthorized => {
                headers.insert(
                    axum::http::header::WWW_AUTHENTICATE,
                    axum::http::HeaderValue::from_static("Bearer"),
                );
            }
            AppError::TooManyRequests { retry_after, .. } => {
                headers.insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from(retry_after_secs(retry_after)),
                );
            }
            _ => {}
        }
        response
    }
}

/// `Retry-After` in whole seconds: rounded up (a client that waits exactly that long is let in)
/// and at least 1 (0 would invite an immediate retry).
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().clamp(1.0, u64::MAX as f64) as u64
}
