//! `/interact?uri=…&handle=…`: sends a reader to their own server to reply to a story or a
//! reply. Without a handle (or with one we cannot read) it shows the form.

use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::Query,
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
};
use maud::html;
use serde::Deserialize;
use url::Url;

use super::views::{
    layout::{self, Head},
    thread::reply_form,
};
use crate::{
    federation::interaction_link::{self, Handle},
    state::AppState,
};

pub fn router() -> Router {
    Router::new().route("/interact", get(interact))
}

#[derive(Deserialize)]
struct InteractQuery {
    uri: Option<String>,
    handle: Option<String>,
}

async fn interact(data: Data<AppState>, Query(q): Query<InteractQuery>) -> Response {
    let Some(uri) = q
        .uri
        .as_deref()
        .and_then(|u| u.parse::<Url>().ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
    else {
        return form(
            &data,
            "",
            Some("This link is missing what to reply to."),
            StatusCode::BAD_REQUEST,
        );
    };
    let Some(text) = q.handle.filter(|h| !h.trim().is_empty()) else {
        return form(&data, uri.as_str(), None, StatusCode::OK);
    };
    let Some(handle) = Handle::parse(&text) else {
        let message = "Enter your fediverse address as you@your.server.";
        return form(&data, uri.as_str(), Some(message), StatusCode::BAD_REQUEST);
    };
    match interaction_link::destination(&data.federation, &handle, &uri).await {
        Some(target) => Redirect::to(target.as_str()).into_response(),
        None => form(
            &data,
            uri.as_str(),
            Some("That server could not be reached."),
            StatusCode::BAD_GATEWAY,
        ),
    }
}

fn form(state: &AppState, uri: &str, error: Option<&str>, status: StatusCode) -> Response {
    let head = Head {
        title: format!("Reply · {}", state.settings.publication.name),
        ..Default::default()
    };
    let body = html! {
        h1 { "Reply from your instance" }
        p { "Replies here come from the fediverse. Enter your address and your server opens the post, ready for your answer." }
        @if let Some(error) = error { p class="error" role="alert" { (error) } }
        @if !uri.is_empty() { (reply_form(state, uri, "Your fediverse address")) }
    };
    (status, Html(layout::page(state, head, body).into_string())).into_response()
}
