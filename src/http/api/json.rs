//! A JSON body extractor whose failures speak the API's error format: 400 for JSON that does not
//! parse, 422 (naming the field) for JSON of the wrong shape, 415 for another content type.

use axum::{
    Json,
    extract::{FromRequest, Request, rejection::JsonRejection},
};
use serde::de::DeserializeOwned;

use crate::error::{AppError, FieldErrors};

pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(map_rejection(rejection)),
        }
    }
}

fn map_rejection(rejection: JsonRejection) -> AppError {
    match rejection {
        JsonRejection::JsonSyntaxError(e) => {
            AppError::BadRequest(format!("malformed JSON: {}", e.body_text()))
        }
        JsonRejection::JsonDataError(e) => {
            let mut errors = FieldErrors::default();
            errors.add("body", e.body_text());
            AppError::Validation(errors)
        }
        JsonRejection::MissingJsonContentType(_) => {
            AppError::UnsupportedMediaType("send the body as application/json".into())
        }
        other => AppError::BadRequest(other.body_text()),
    }
}

/// An editor's optional reason for an action without other input: no body, or
/// `{"reason": "…"}`.
pub struct Reason(pub Option<String>);

#[derive(serde::Deserialize)]
struct ReasonBody {
    reason: Option<String>,
}

impl<S: Send + Sync> FromRequest<S> for Reason {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Reason(None));
        }
        let body: ReasonBody = serde_json::from_slice(&bytes).map_err(|e| {
            let mut errors = FieldErrors::default();
            errors.add(
                "reason",
                format!("send {{\"reason\": \"…\"}} or no body: {e}"),
            );
            AppError::Validation(errors)
        })?;
        Ok(Reason(body.reason))
    }
}
