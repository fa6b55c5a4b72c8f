//! Who is logged in, and proof that a form came from our own page. Every admin page takes an
//! [`Editor`]; every admin form takes a [`CsrfForm`], which checks the session's CSRF token.

use activitypub_federation::config::Data;
use axum::{
    extract::{FromRequest, FromRequestParts, Request},
    http::{HeaderMap, StatusCode, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use serde::de::DeserializeOwned;

use crate::{
    domain::user::{self, Session},
    state::AppState,
};

pub const SESSION_COOKIE: &str = "broadsheet_session";
pub const LOGIN_CSRF_COOKIE: &str = "broadsheet_login_csrf";
/// Admin forms are small; a story body is the largest thing in one.
const MAX_FORM: usize = 512 * 1024;

/// A logged-in editor.
pub struct Editor(pub Session);

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// `Set-Cookie` for our cookies: HttpOnly, SameSite=Lax, Secure on https, scoped to /admin.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_secs: i64) -> String {
    let secure = if state.settings.public_url.scheme() == "https" {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path=/admin; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

async fn data<S: Send + Sync>(parts: &mut Parts, state: &S) -> Result<Data<AppState>, Response> {
    Data::<AppState>::from_request_parts(parts, state)
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

impl<S: Send + Sync> FromRequestParts<S> for Editor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let data = data(parts, state).await?;
        let Some(value) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(Redirect::to("/admin/login").into_response());
        };
        match user::session(&data.db, &value).await {
            Ok(Some(session)) => Ok(Editor(session)),
            Ok(None) => Err(Redirect::to("/admin/login").into_response()),
            Err(err) => Err(err.into_response()),
        }
    }
}

/// A form from a logged-in editor that carries the session's CSRF token (`csrf`).
pub struct CsrfForm<T> {
    pub editor: Session,
    pub form: T,
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let Editor(editor) = Editor::from_request_parts(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, MAX_FORM)
            .await
            .map_err(|_| (StatusCode::PAYLOAD_TOO_LARGE, "form too large").into_response())?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| (StatusCode::BAD_REQUEST, "unreadable form").into_response())?;
        let sent = pairs
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str());
        if sent != Some(editor.csrf_token.as_str()) {
            return Err((StatusCode::FORBIDDEN, "this form has expired or did not come from this site; reload the page and try again").into_response());
        }
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("invalid form: {e}"),
            )
                .into_response()
        })?;
        Ok(CsrfForm { editor, form })
    }
}
