//! Actor URLs and their collections: outbox, followers, following, featured.

use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::{Path, Query},
    http::HeaderMap,
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
};
use maud::html;
use serde_json::Value;

use super::{
    negotiate::{ActivityJson, vary_accept, wants_activity_json},
    pages::{PageQuery, not_found_page},
    views::{
        layout::{self, Head},
        listing,
    },
};
use crate::{
    domain::{
        actor::{self, LocalActor, Role},
        follow,
        page::PageRequest,
        story,
    },
    error::AppError,
    federation::{
        objects::{
            self,
            story::{to_announce, to_article, to_create},
        },
        protocol::{
            collection::{OrderedCollection, OrderedCollectionPage},
            context,
        },
    },
    state::AppState,
    storage::stories::Listing,
};

/// Stories pinned to a profile, so a new follower sees something at once.
const FEATURED: u64 = 5;

pub fn router() -> Router {
    Router::new()
        .route("/actor", get(instance_actor))
        .route("/@{username}", get(show))
        .route("/@{username}/outbox", get(outbox))
        .route("/@{username}/followers", get(followers))
        .route("/@{username}/following", get(following))
        .route("/@{username}/featured", get(featured))
}

async fn find(state: &AppState, username: &str) -> Result<LocalActor, AppError> {
    actor::find_by_username(&state.db, username)
        .await?
        .filter(|a| a.role != Role::Instance)
        .ok_or(AppError::NotFound("actor"))
}

/// The stories an actor's collections list: all of them for the publication, their own for an author.
fn listing(actor: &LocalActor) -> Listing<'static> {
    match actor.role {
        Role::Author => Listing::ByAuthor(actor.id),
        _ => Listing::All,
    }
}

async fn instance_actor(data: Data<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    if !wants_activity_json(&headers) {
        return Ok(vary_accept(Redirect::to("/")));
    }
    let actor = actor::instance_actor(&data.db).await?;
    Ok(vary_accept(ActivityJson(objects::actor::to_json(
        &actor, &data.urls,
    ))))
}

/// An actor: its JSON for ActivityPub clients, its author page for browsers. One template
/// with the two answers side by side, kept whole so each reads top to bottom.
async fn show(
    data: Data<AppState>,
    Path(username): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let activity = wants_activity_json(&headers);
    let actor = match find(&data, &username).await {
        Ok(actor) => actor,
        Err(AppError::NotFound(_)) if !activity => return Ok(vary_accept(not_found_page(&data))),
        Err(err) => return Err(err),
    };
    if activity {
        return Ok(vary_accept(ActivityJson(objects::actor::to_json(
            &actor, &data.urls,
        ))));
    }
    if actor.role == Role::Publication {
        return Ok(vary_accept(Redirect::to("/")));
    }
    let page = story::list(&data.db, listing(&actor), q.request(&data)).await?;
    let handle = actor.handle(&data.settings);
    let head = Head {
        title: format!("{} · {}", actor.name, data.settings.publication.name),
        description: Some(format!("Stories by {}", actor.name)),
        canonical: Some(actor.ap_id.clone()),
        activity_json: Some(actor.ap_id.clone()),
        extra: None,
    };
    let body = html! {
        header class="profile" {
            h1 { (actor.name) }
            p class="handle" { "@" (handle) }
            @if !actor.summary.is_empty() { p { (actor.summary) } }
        }
        (listing::stories(&data, &page, actor.ap_id.path()))
    };
    Ok(vary_accept(Html(
        layout::page(&data, head, body).into_string(),
    )))
}

/// The publication's outbox lists its `Create`s; an author's lists the `Announce`s of their stories.
async fn outbox(
    data: Data<AppState>,
    Path(username): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let actor = find(&data, &username).await?;
    let id = data.urls.outbox(&actor.username);
    let Some(number) = q.page else {
        let total = story::list(&data.db, listing(&actor), PageRequest::new(Some(1), 1))
            .await?
            .total_items;
        return Ok(
            ActivityJson(OrderedCollection::paged(id, total, Some(context::object())))
                .into_response(),
        );
    };
    let page = story::list(&data.db, listing(&actor), q.request(&data)).await?;
    let site = data.site();
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|s| match actor.role {
            Role::Author => to_announce(s, &actor.username, &site),
            _ => to_create(s, &site),
        })
        .collect();
    let mut body =
        OrderedCollectionPage::new(id, number.max(1), page.total_pages, page.total_items, items);
    body.context = Some(context::object());
    Ok(ActivityJson(body).into_response())
}

/// Who follows an actor, paged, with the total Mastodon shows on the profile.
async fn followers(
    data: Data<AppState>,
    Path(username): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let actor = find(&data, &username).await?;
    let id = data.urls.followers(&actor.username);
    let total = follow::count(&data.db, actor.id).await?;
    let Some(number) = q.page else {
        return Ok(
            ActivityJson(OrderedCollection::paged(id, total, Some(context::plain())))
                .into_response(),
        );
    };
    let request = q.request(&data);
    let items = follow::page(&data.db, actor.id, request.offset(), request.size)
        .await?
        .into_iter()
        .map(|f| Value::String(f.ap_id.to_string()))
        .collect();
    let pages = total.div_ceil(request.size).max(1);
    Ok(ActivityJson(OrderedCollectionPage::new(
        id,
        number.max(1),
        pages,
        total,
        items,
    ))
    .into_response())
}

/// Our actors follow no one: they publish.
async fn following(
    data: Data<AppState>,
    Path(username): Path<String>,
) -> Result<Response, AppError> {
    let actor = find(&data, &username).await?;
    let id = data.urls.following(&actor.username);
    Ok(ActivityJson(OrderedCollection::inline(
        id,
        Vec::new(),
        Some(context::plain()),
    ))
    .into_response())
}

/// The latest stories, inline, so a server showing the profile needs no further request.
async fn featured(
    data: Data<AppState>,
    Path(username): Path<String>,
) -> Result<Response, AppError> {
    let actor = find(&data, &username).await?;
    let page = story::list(
        &data.db,
        listing(&actor),
        PageRequest::new(Some(1), FEATURED),
    )
    .await?;
    let site = data.site();
    let items = page
        .items
        .iter()
        .map(|s| serde_json::to_value(to_article(s, &site, false)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::from)?;
    let id = data.urls.featured(&actor.username);
    Ok(ActivityJson(OrderedCollection::inline(
        id,
        items,
        Some(context::object()),
    ))
    .into_response())
}
