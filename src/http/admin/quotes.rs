//! Quotes of our stories (FEP-044f) for editors: those waiting for approval (the "editor"
//! policy, keyword rules or the moderation mode held them) and those shown, with their actions.

use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::Path,
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use maud::{Markup, html};

use super::{
    Editor,
    session::CsrfForm,
    views::{self, ReasonForm, button, by},
};
use crate::{
    domain::{
        moderation::{HELD, VISIBLE},
        page::PageRequest,
        quote, story,
        user::Session,
    },
    error::AppError,
    http::{
        actions,
        views::{layout::trusted, safe_href},
    },
    state::AppState,
    storage::{
        entities::{actor, quote as quote_row},
        quotes,
        stories::{self, Listing},
    },
};

pub fn router() -> Router {
    Router::new()
        .route("/admin/quotes", get(list))
        .route("/admin/quotes/{id}/approve", post(approve))
        .route("/admin/quotes/{id}/hide", post(hide))
        .route("/admin/stories/{slug}/quote-policy", post(set_policy))
}

/// The policy form's one field: a policy name, or empty for the site's default.
#[derive(serde::Deserialize)]
struct PolicyForm {
    #[serde(default)]
    policy: String,
}

async fn list(Editor(editor): Editor, data: Data<AppState>) -> Result<Html<String>, AppError> {
    let held = quotes::in_state(&data.db, HELD, 200).await?;
    let shown = quotes::in_state(&data.db, VISIBLE, 200).await?;
    let body = html! {
        p { "Site policy: " strong { (data.settings.publication.quote_policy.as_str()) }
            " (" code { "BROADSHEET_QUOTE_POLICY" } "); a story may have its own below." }
        h2 { "Waiting for approval (" (held.len()) ")" }
        @if held.is_empty() { p { "Nothing waiting." } }
        (rows(&data, &editor, &held, true).await?)
        h2 { "Shown (" (shown.len()) ")" }
        (rows(&data, &editor, &shown, false).await?)
        h2 id="policies" { "Who may quote each story" }
        (policies(&data, &editor).await?)
    };
    Ok(Html(views::page(&data, Some(&editor), "Quotes", body)))
}

async fn rows(
    data: &AppState,
    editor: &Session,
    rows: &[(quote_row::Model, actor::Model)],
    held: bool,
) -> Result<Markup, AppError> {
    let mut items = Vec::with_capacity(rows.len());
    for (q, author) in rows {
        let story = stories::find_by_id(&data.db, q.story_id).await?;
        let original = safe_href(q.url.as_deref().unwrap_or(&q.ap_id));
        items.push(html! {
            li class="held" id={ "quote-" (q.id) } {
                p class="meta" {
                    strong { (author.name) } " @" (author.username) "@" (author.domain)
                    @if let Some(s) = &story { " quoting " a href=(s.ap_id) { (s.title) } }
                    @if let Some(href) = original { " · " a href=(href) rel="nofollow noopener ugc" { "original" } }
                }
                div class="e-content" { (trusted(&q.content_html)) }
                div class="actions" {
                    @if held { (button(editor, &format!("/admin/quotes/{}/approve", q.id), "Approve")) }
                    (button(editor, &format!("/admin/quotes/{}/hide", q.id), "Hide"))
                }
            }
        });
    }
    Ok(html! { ul class="queue" { @for item in items { (item) } } })
}

/// The latest stories, each with its own quote policy as a select and a Save button.
async fn policies(data: &AppState, editor: &Session) -> Result<Markup, AppError> {
    let page = story::list(
        &data.db,
        Listing::All,
        PageRequest::new(Some(1), POLICY_ROWS),
    )
    .await?;
    let site = data.settings.publication.quote_policy;
    Ok(html! {
        ul class="queue" {
            @for s in &page.items {
                li {
                    form method="post" action={ "/admin/stories/" (s.slug) "/quote-policy" } class="inline" {
                        (views::csrf(editor))
                        label {
                            a href=(s.ap_id) { (s.title) } " "
                            select name="policy" {
                                option value="" selected[s.quote_policy.is_none()] {
                                    "Site default (" (site.as_str()) ")"
                                }
                                @for p in quote::Policy::ALL {
                                    option value=(p.as_str()) selected[s.quote_policy == Some(p)] { (policy_label(p)) }
                                }
                            }
                        }
                        " " button type="submit" { "Save" }
                    }
                }
            }
        }
    })
}

/// How many stories the policy list shows; older ones are set through the API.
const POLICY_ROWS: u64 = 50;

fn policy_label(policy: quote::Policy) -> &'static str {
    match policy {
        quote::Policy::Anyone => "Anyone",
        quote::Policy::Followers => "Followers only",
        quote::Policy::Nobody => "Nobody",
        quote::Policy::Editor => "An editor approves",
    }
}

async fn set_policy(
    data: Data<AppState>,
    Path(slug): Path<String>,
    f: CsrfForm<PolicyForm>,
) -> Result<Response, AppError> {
    let chosen = Some(f.form.policy.trim()).filter(|p| !p.is_empty());
    let by = views::by(&f.editor);
    actions::quotes::set_policy(&data, &by, &slug, chosen, None).await?;
    Ok(Redirect::to("/admin/quotes#policies").into_response())
}

async fn approve(
    data: Data<AppState>,
    Path(id): Path<i64>,
    CsrfForm { editor, form }: CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    actions::quotes::approve(&data, &by(&editor), id, form.reason()).await?;
    Ok(Redirect::to("/admin/quotes").into_response())
}

async fn hide(
    data: Data<AppState>,
    Path(id): Path<i64>,
    CsrfForm { editor, form }: CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    actions::quotes::hide(&data, &by(&editor), id, form.reason()).await?;
    Ok(Redirect::to("/admin/quotes").into_response())
}
