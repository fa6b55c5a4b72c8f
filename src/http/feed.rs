//! The Atom feed of the latest stories, for feed readers and newsletter tools.

use activitypub_federation::config::Data;
use axum::{
    Router,
    http::header,
    response::{IntoResponse, Response},
    routing::get,
};
use chrono::SecondsFormat;
use maud::{PreEscaped, html};

use crate::{
    domain::{page::PageRequest, story},
    error::AppError,
    state::AppState,
    storage::stories::Listing,
};

const ENTRIES: u64 = 20;

pub fn router() -> Router {
    Router::new().route("/feed.atom", get(atom))
}

/// The Atom feed: one template, kept whole so the document reads in the order it is written.
async fn atom(data: Data<AppState>) -> Result<Response, AppError> {
    let page = story::list(&data.db, Listing::All, PageRequest::new(Some(1), ENTRIES)).await?;
    let updated = page
        .items
        .iter()
        .map(|s| s.updated_at)
        .max()
        .unwrap_or_else(chrono::Utc::now);
    let stamp = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let settings = &data.settings;
    // maud escapes text and attributes, which is all XML needs; entry content is HTML carried
    // as escaped text (`type="html"`).
    let xml = html! {
        (PreEscaped("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"))
        feed xmlns="http://www.w3.org/2005/Atom" xml:lang=(settings.publication.language) {
            id { (data.urls.root()) }
            title { (settings.publication.name) }
            subtitle { (settings.publication.summary) }
            updated { (stamp(updated)) }
            link rel="self" type="application/atom+xml" href=(data.urls.feed()) {}
            link rel="alternate" type="text/html" href=(data.urls.root()) {}
            generator { "Broadsheet" }
            @for s in &page.items {
                entry {
                    id { (s.ap_id) }
                    title { (s.title) }
                    link rel="alternate" type="text/html" href=(s.ap_id) {}
                    published { (stamp(s.published_at)) }
                    updated { (stamp(s.updated_at)) }
                    @for a in &s.authors { author { name { (a.name) } uri { (a.ap_id) } } }
                    @if s.authors.is_empty() { author { name { (settings.publication.name) } } }
                    summary { (s.summary) }
                    @for t in &s.tags { category term=(t) {} }
                    content type="html" { (s.content_html) }
                }
            }
        }
    };
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml.into_string(),
    )
        .into_response())
}
