//! `/where?url=…`: "Where's my reply?". A reader pastes the address of their post and learns
//! its state here; a post that never reached us is fetched and taken in then and there
//! (`federation::lookup`). HTML for browsers, JSON for `Accept: application/json`. Look-ups
//! are limited per client address, since each may fetch from another server.

use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::Query,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    client_addr::ClientIp,
    views::layout::{self, Head},
};
use crate::{
    domain::{
        reply::whereabouts::{State, Whereabouts},
        story,
    },
    error::AppError,
    federation::lookup,
    state::AppState,
};

pub fn router() -> Router {
    Router::new().route("/where", get(page))
}

#[derive(Deserialize)]
struct WhereQuery {
    url: Option<String>,
}

/// The answer, as both forms show it.
struct Answer {
    address: String,
    found: Whereabouts,
    /// The reply on the story page, when it is published.
    link: Option<String>,
    story_title: Option<String>,
}

async fn page(
    data: Data<AppState>,
    client: ClientIp,
    headers: HeaderMap,
    Query(query): Query<WhereQuery>,
) -> Response {
    let json = wants_json(&headers);
    let address = query.url.unwrap_or_default().trim().to_string();
    if address.is_empty() {
        return if json {
            AppError::Unprocessable("give the address of your post as ?url=".into()).into_response()
        } else {
            render(&data, "", None, None, StatusCode::OK)
        };
    }
    // Only an address that could be fetched counts against the limit.
    let url = match lookup::parse_address(&address) {
        Ok(url) => url,
        Err(err) if json => return err.into_response(),
        Err(err) => return render(&data, &address, None, Some(&err.to_string()), err.status()),
    };
    if let Err(wait) = data.where_limiter.check(&client.limit_key().to_string()) {
        return too_many(json, &data, wait);
    }
    match answer(&data, &url).await {
        Ok(answer) if json => Json(to_json(&answer)).into_response(),
        Ok(answer) => render(&data, &address, Some(&answer), None, StatusCode::OK),
        Err(err) if json || err.status().is_server_error() => err.into_response(),
        Err(err) => render(&data, &address, None, Some(&err.to_string()), err.status()),
    }
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json") && !accept.contains("text/html"))
}

async fn answer(data: &AppState, url: &url::Url) -> Result<Answer, AppError> {
    let found = lookup::locate(&data.federation, url).await?;
    let story = match found.story_id {
        Some(id) => story::find_by_id(&data.db, id).await?,
        None => None,
    };
    let link = match (&story, found.state, found.reply_id) {
        (Some(story), State::Published, Some(reply)) => {
            Some(format!("{}#reply-{reply}", story.ap_id))
        }
        _ => None,
    };
    Ok(Answer {
        address: url.to_string(),
        story_title: story.map(|s| s.title),
        found,
        link,
    })
}

fn to_json(answer: &Answer) -> Value {
    let found = &answer.found;
    json!({
        "url": answer.address,
        "state": found.state.as_str(),
        "explanation": found.state.explanation(),
        "detail": found.detail,
        "fetched_now": found.fetched_now,
        "reply_id": found.reply_id,
        "story": answer.story_title,
        "link": answer.link,
    })
}

fn too_many(json: bool, data: &AppState, wait: std::time::Duration) -> Response {
    let seconds = crate::error::retry_after_secs(wait);
    let message = format!("Too many look-ups from your address; try again in {seconds} seconds.");
    let message = message.as_str();
    let mut response = if json {
        (
            StatusCode::TOO_MANY_REQUESTS,
            Json(json!({ "error": message })),
        )
            .into_response()
    } else {
        render(data, "", None, Some(message), StatusCode::TOO_MANY_REQUESTS)
    };
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

fn render(
    state: &AppState,
    address: &str,
    answer: Option<&Answer>,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let head = Head {
        title: format!("Where's my reply? · {}", state.settings.publication.name),
        ..Default::default()
    };
    let body = html! {
        h1 { "Where's my reply?" }
        p { "Replied to one of our stories from your fediverse account and cannot see it? Paste the address of your post (copy its link in your app) and we will tell you what became of it. If it never reached us, we fetch it now." }
        form method="get" action="/where" class="stack where-form" {
            label { "The address of your post"
                input type="url" name="url" required value=(address) placeholder="https://your.server/@you/1234567890";
            }
            button type="submit" { "Find my reply" }
        }
        @if let Some(error) = error { p class="error" role="alert" { (error) } }
        @if let Some(answer) = answer { (result(answer)) }
    };
    (status, Html(layout::page(state, head, body).into_string())).into_response()
}

fn result(answer: &Answer) -> Markup {
    let found = &answer.found;
    html! {
        section class={ "where-result where-" (found.state.as_str()) } role="status" data-state=(found.state.as_str()) {
            h2 { (found.state.explanation()) }
            @if found.fetched_now { p class="fetched" { "It had not reached us: we fetched it just now from your server." } }
            @if let Some(title) = &answer.story_title { p { "Story: " (title) } }
            @if let Some(link) = &answer.link { p { a href=(link) class="where-link" { "See your reply under the story" } } }
            @if found.state == State::Held { p { "Editors look at the queue regularly; nothing more is needed from you." } }
            @if let Some(detail) = &found.detail { p class="detail" { "Why: " (detail) } }
        }
    }
}
