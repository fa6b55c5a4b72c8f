//! Discovery: WebFinger (how `@news@host` becomes an actor), NodeInfo and host-meta.

use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::Query,
    http::header,
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;
use serde_json::json;

use crate::{
    domain::{
        actor::{self, LocalActor},
        page::PageRequest,
        story,
    },
    error::AppError,
    state::AppState,
    storage::stories::Listing,
};

const NODEINFO_SCHEMA: &str = "http://nodeinfo.diaspora.software/ns/schema/2.1";

pub fn router() -> Router {
    Router::new()
        .route("/.well-known/webfinger", get(webfinger))
        .route("/.well-known/nodeinfo", get(nodeinfo_links))
        .route("/nodeinfo/2.1", get(nodeinfo))
        .route("/.well-known/host-meta", get(host_meta))
}

#[derive(Deserialize)]
struct WebfingerQuery {
    resource: Option<String>,
}

/// `acct:name@host` or the actor's URL → the actor. The `self` link is the actor id byte for
/// byte, because Mastodon looks the handle up again from the id and compares.
async fn webfinger(
    data: Data<AppState>,
    Query(q): Query<WebfingerQuery>,
) -> Result<Response, AppError> {
    let resource = q
        .resource
        .ok_or_else(|| AppError::BadRequest("the resource parameter is required".into()))?;
    let actor = find_resource(&data, &resource)
        .await?
        .ok_or(AppError::NotFound("account"))?;
    let body = json!({
        "subject": format!("acct:{}", actor.handle(&data.settings)),
        "aliases": [actor.ap_id],
        "links": [
            { "rel": "self", "type": "application/activity+json", "href": actor.ap_id },
            { "rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": actor.ap_id },
        ]
    });
    Ok((
        [(header::CONTENT_TYPE, "application/jrd+json; charset=utf-8")],
        body.to_string(),
    )
        .into_response())
}

async fn find_resource(
    state: &Data<AppState>,
    resource: &str,
) -> Result<Option<LocalActor>, AppError> {
    match local_username(
        resource,
        &state.settings.domain(),
        state.urls.root().as_str(),
    )? {
        Some(name) => actor::find_by_username(&state.db, name).await,
        None => Ok(None),
    }
}

/// The local username a WebFinger `resource` names: `acct:name@domain` with our `domain`, or
/// our actor URL `{root}@name`. `Ok(None)` for anything that names no account of ours (another
/// server's, or a malformed `acct:`); an error when it is neither an `acct:` URI nor a URL.
pub fn local_username<'a>(
    resource: &'a str,
    domain: &str,
    root: &str,
) -> Result<Option<&'a str>, AppError> {
    if let Some(acct) = resource.strip_prefix("acct:") {
        // `name@domain`, the name in letters, digits, `_`, `.` and `-`.
        let Some((name, host)) = acct.split_once('@') else {
            return Ok(None);
        };
        let valid_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphabetic() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'));
        return Ok((valid_name && host == domain).then_some(name));
    }
    match resource
        .strip_prefix(root)
        .and_then(|rest| rest.strip_prefix('@'))
    {
        Some(name) => Ok(Some(name)),
        None if resource.contains('@') || resource.starts_with("http") => Ok(None),
        None => Err(AppError::BadRequest(
            "resource must be acct:name@host or an actor URL".into(),
        )),
    }
}

async fn nodeinfo_links(data: Data<AppState>) -> Response {
    let href = format!("{}nodeinfo/2.1", data.urls.root());
    axum::Json(json!({ "links": [{ "rel": NODEINFO_SCHEMA, "href": href }] })).into_response()
}

async fn nodeinfo(data: Data<AppState>) -> Result<Response, AppError> {
    let authors = actor::list_authors(&data.db).await?.len() as u64;
    let stories = story::list(&data.db, Listing::All, PageRequest::new(Some(1), 1))
        .await?
        .total_items;
    let users = authors + 1;
    let body = json!({
        "version": "2.1",
        "software": {
            "name": "broadsheet",
            "version": env!("CARGO_PKG_VERSION"),
            "homepage": data.urls.root(),
        },
        "protocols": ["activitypub"],
        "services": { "inbound": [], "outbound": ["atom1.0"] },
        "openRegistrations": false,
        "usage": {
            "users": { "total": users, "activeMonth": users, "activeHalfyear": users },
            "localPosts": stories
        },
        "metadata": {
            "nodeName": data.settings.publication.name,
            "nodeDescription": data.settings.publication.summary
        }
    });
    let content_type = format!("application/json; profile=\"{NODEINFO_SCHEMA}#\"");
    Ok(([(header::CONTENT_TYPE, content_type)], body.to_string()).into_response())
}

async fn host_meta(data: Data<AppState>) -> Response {
    let template = format!("{}.well-known/webfinger?resource={{uri}}", data.urls.root());
    let xml = maud::html! {
        (maud::PreEscaped("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"))
        XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0" {
            Link rel="lrdd" template=(template) {}
        }
    };
    (
        [(header::CONTENT_TYPE, "application/xrd+xml; charset=utf-8")],
        xml.into_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::local_username;

    #[test]
    fn resources_name_local_accounts_only() {
        let read = |r| local_username(r, "news.example", "https://news.example/");
        assert_eq!(read("acct:news@news.example").ok().flatten(), Some("news"));
        assert_eq!(
            read("https://news.example/@ana").ok().flatten(),
            Some("ana")
        );
        for elsewhere in [
            "acct:news@other.example",
            "acct:news",
            "acct:@news.example",
            "acct:a/b@news.example",
            "acct:news@news.example\n",
            "https://other.example/@ana",
            "ana@other.example",
        ] {
            assert!(matches!(read(elsewhere), Ok(None)), "{elsewhere}");
        }
        assert!(read("news").is_err());
    }
}
