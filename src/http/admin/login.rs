//! Logging in and out. Guessing is limited twice: each client address (as the trusted proxies
//! name it) may try so many times per 15 minutes whatever names it tries, and each account,
//! after a few failures, makes every further attempt wait longer (up to a small cap), from
//! wherever it comes. The editor behind another address is never locked out for long.

use activitypub_federation::config::Data;
use axum::{
    Form, Router,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use maud::html;
use serde::Deserialize;

use super::{
    session::{CsrfForm, LOGIN_CSRF_COOKIE, SESSION_COOKIE, cookie, set_cookie},
    views,
};
use crate::{domain::user, error::AppError, http::client_addr::ClientIp, state::AppState};

pub fn router() -> Router {
    Router::new()
        .route("/admin/login", get(form).post(login))
        .route("/admin/logout", post(logout))
}

/// The login form carries a token that must match a cookie set with it (double submit), so a
/// form on another site cannot log a browser in.
async fn form(data: Data<AppState>) -> Response {
    render(&data, "", None, StatusCode::OK)
}

/// The login form; after a failed attempt it keeps the name typed.
fn render(state: &AppState, name: &str, error: Option<&str>, status: StatusCode) -> Response {
    let mut token = [0u8; 24];
    getrandom::fill(&mut token).ok();
    let token: String = token.iter().map(|b| format!("{b:02x}")).collect();
    let body = html! {
        @if let Some(e) = error { p class="error" role="alert" { (e) } }
        form method="post" action="/admin/login" class="stack" {
            input type="hidden" name="csrf" value=(token);
            label { "Name" input name="name" type="text" value=(name) autocomplete="username" required; }
            label { "Password" input name="password" type="password" autocomplete="current-password" required; }
            button type="submit" { "Log in" }
        }
    };
    let page = views::page(state, None, "Log in", body);
    (
        status,
        [(
            header::SET_COOKIE,
            set_cookie(state, LOGIN_CSRF_COOKIE, &token, 3600),
        )],
        Html(page),
    )
        .into_response()
}

#[derive(Deserialize)]
struct Credentials {
    name: String,
    password: String,
    csrf: String,
}

async fn login(
    data: Data<AppState>,
    client: ClientIp,
    headers: HeaderMap,
    Form(credentials): Form<Credentials>,
) -> Result<Response, AppError> {
    let refuse = |message: &str, status| render(&data, &credentials.name, Some(message), status);
    if cookie(&headers, LOGIN_CSRF_COOKIE).as_deref() != Some(credentials.csrf.as_str())
        || credentials.csrf.is_empty()
    {
        return Ok(refuse(
            "The form expired. Please try again.",
            StatusCode::FORBIDDEN,
        ));
    }
    let address = client.limit_key().to_string();
    let account = credentials.name.trim().to_lowercase();
    if let Some(limited) = limited(&data, &address, &account, &client) {
        let (message, seconds) = limited;
        let page = refuse(&message, StatusCode::TOO_MANY_REQUESTS);
        return Ok(retry_after(page, seconds));
    }
    let Some(found) =
        user::authenticate(&data.db, &credentials.name, &credentials.password).await?
    else {
        return Ok(refuse("Wrong name or password.", StatusCode::UNAUTHORIZED));
    };
    data.login_backoff.succeeded(&account);
    data.login_limiter.reset(&address);
    let (value, _) = user::start_session(&data.db, &found).await?;
    tracing::info!(user = %found.name, "editor logged in");
    let cookie = set_cookie(&data, SESSION_COOKIE, &value, 14 * 24 * 3600);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/admin")).into_response())
}

/// Why this attempt must wait, and for how many seconds: the client address has tried too
/// often, or the account is in its growing delay. Every attempt counts as a failure until it
/// succeeds, so a burst cannot slip through.
fn limited(
    data: &AppState,
    address: &str,
    account: &str,
    client: &ClientIp,
) -> Option<(String, u64)> {
    if let Err(wait) = data.login_limiter.check(address) {
        tracing::debug!(client = %client, "login attempts limited for this address");
        let seconds = crate::error::retry_after_secs(wait);
        return Some(("Too many attempts. Wait a few minutes.".into(), seconds));
    }
    if let Err(wait) = data.login_backoff.attempt(account) {
        let seconds = crate::error::retry_after_secs(wait);
        return Some((
            format!("Too many failed attempts for this name. Try again in {seconds} seconds."),
            seconds,
        ));
    }
    None
}

fn retry_after(mut response: Response, seconds: u64) -> Response {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

#[derive(Deserialize)]
struct Nothing {}

async fn logout(
    data: Data<AppState>,
    headers: HeaderMap,
    _form: CsrfForm<Nothing>,
) -> Result<Response, AppError> {
    if let Some(value) = cookie(&headers, SESSION_COOKIE) {
        user::end_session(&data.db, &value).await?;
    }
    let cleared = set_cookie(&data, SESSION_COOKIE, "", 0);
    Ok((
        [(header::SET_COOKIE, cleared)],
        Redirect::to("/admin/login"),
    )
        .into_response())
}
