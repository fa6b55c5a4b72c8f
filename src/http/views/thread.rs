//! The conversation under a story: nested lists of replies, each with its author, time, a link
//! to the original, and a way to answer from one's own server.

use maud::{Markup, html};

use super::reply_card::card;
use crate::{
    domain::reply::{
        paged::{ConversationPage, Sort, THREADS_PER_PAGE},
        thread::{ThreadReply, count},
    },
    state::AppState,
};

/// Nesting deeper than this is drawn flat, so threads stay readable on a phone.
const MAX_INDENT: usize = 6;

/// Answers shown under a reply before the rest fold into "show N more".
pub const ANSWERS_SHOWN: usize = 3;

/// The conversation under the story at `target` (its URL): its editor picks, one page of its
/// threads in the reader's order, and links to the other orders and pages.
pub fn conversation(
    state: &AppState,
    target: &str,
    page: &ConversationPage,
    count: usize,
    open: bool,
) -> Markup {
    html! {
        section class="conversation" aria-labelledby="replies" data-live=(format!("{}/live", target))
            data-sort=(page.sort.as_str()) data-page=(page.page) data-pages=(page.pages)
            data-threads=(page.threads.len()) data-per-page=(THREADS_PER_PAGE)
            data-whole-thread[page.whole_thread] {
            h2 id="replies" {
                "Conversation"
                @if count > 0 { " " span class="count" { "(" (count) ")" } }
            }
            @if open {
                (reply_form(state, target, "Reply from your instance"))
            } @else {
                p class="closed" { "Replies to this story are closed." }
            }
            @if !page.featured.is_empty() { (featured(state, page)) }
            @if page.threads_total > 1 { (sorts(target, page.sort)) }
            @if page.threads.is_empty() {
                p class="empty" { "No replies yet. Answer from your fediverse account to start the conversation." }
            }
            @if page.whole_thread { p class="back" { a href=(page_href(target, page.sort, 1)) { "← The whole conversation" } } }
            (list(state, &page.threads, 0, None, Folding { target, whole_thread: page.whole_thread }, &Budget::new(0)))
            @if page.pages > 1 { (pages(target, page)) }
            script src="/static/live.js" defer {}
        }
    }
}

/// Editor picks, first: each links to its place in the conversation when that is on this page.
fn featured(state: &AppState, page: &ConversationPage) -> Markup {
    html! {
        section class="featured" aria-labelledby="featured-heading" {
            h3 id="featured-heading" { "Featured" }
            ol class="picks" {
                @for pick in &page.featured {
                    li id={ "featured-" (pick.id) } class="pick" {
                        (card(state, pick))
                        @if contains(&page.threads, pick.id) {
                            p class="in-thread" { a href={ "#reply-" (pick.id) } { "In the conversation" } }
                        }
                    }
                }
            }
        }
    }
}

fn contains(replies: &[ThreadReply], id: i64) -> bool {
    replies
        .iter()
        .any(|r| r.id == id || contains(&r.children, id))
}

/// The story's address for `sort` and `page` (the defaults left out).
pub fn page_href(target: &str, sort: Sort, page: u64) -> String {
    let mut query = Vec::new();
    if sort != Sort::default() {
        query.push(format!("sort={}", sort.as_str()));
    }
    if page > 1 {
        query.push(format!("page={page}"));
    }
    if query.is_empty() {
        format!("{target}#replies")
    } else {
        format!("{target}?{}#replies", query.join("&"))
    }
}

fn sorts(target: &str, current: Sort) -> Markup {
    let label = |sort: Sort| match sort {
        Sort::Oldest => "Oldest",
        Sort::Newest => "Newest",
        Sort::Liked => "Most liked",
    };
    html! {
        nav class="sorts" aria-label="Order of the conversation" {
            "Sort: "
            @for sort in Sort::ALL {
                @if sort == current {
                    strong aria-current="true" { (label(sort)) }
                } @else {
                    a href=(page_href(target, sort, 1)) rel="nofollow" { (label(sort)) }
                }
                " "
            }
        }
    }
}

fn pages(target: &str, page: &ConversationPage) -> Markup {
    html! {
        nav class="pages" aria-label="Pages of the conversation" {
            @if !page.is_first() {
                a rel="prev" href=(page_href(target, page.sort, page.page - 1)) { "← Previous" } " "
            }
            span class="current" { "Page " (page.page) " of " (page.pages) " · " (page.threads_total) " threads" }
            @if !page.is_last() {
                " " a rel="next" href=(page_href(target, page.sort, page.page + 1)) { "Next →" }
            }
        }
    }
}

/// How a page folds long branches: each top-level thread shows at most [`THREAD_BUDGET`]
/// replies in the page, a reply's answers past the first [`ANSWERS_SHOWN`] fold into a
/// `<details>` ("show N more", no script needed) when they fit in what is left, and the rest is
/// a link to the thread's own page (`?thread=ROOT`), so a page stays light whatever its threads
/// hold. A thread's own page shows everything, folding only into `<details>`.
#[derive(Clone, Copy)]
struct Folding<'a> {
    target: &'a str,
    /// The thread's own page: nothing is linked away.
    whole_thread: bool,
}

/// The most replies of one top-level thread a paged view carries.
pub const THREAD_BUDGET: usize = 10;

/// Replies a thread may still show on this page.
type Budget = std::cell::Cell<usize>;

fn list(
    state: &AppState,
    replies: &[ThreadReply],
    level: usize,
    root: Option<i64>,
    folding: Folding<'_>,
    budget: &Budget,
) -> Markup {
    let flat = level >= MAX_INDENT;
    let Some(root) = root else {
        // Top-level threads are paged instead: each shown, each with its own budget.
        return html! {
            ol class="thread" {
                @for reply in replies {
                    (branch(state, reply, level, reply.id, folding, &Budget::new(THREAD_BUDGET)))
                }
            }
        };
    };
    let mut rendered = Vec::new();
    let mut shown = 0;
    for reply in replies.iter().take(ANSWERS_SHOWN) {
        if !folding.whole_thread && budget.get() == 0 {
            break;
        }
        rendered.push(branch(state, reply, level, root, folding, budget));
        shown += 1;
    }
    let rest = &replies[shown..];
    let hidden = count(rest);
    let inline = folding.whole_thread || hidden <= budget.get();
    if inline && !folding.whole_thread {
        budget.set(budget.get() - hidden);
    }
    let more = html! { "Show " (hidden) " more " @if hidden == 1 { "reply" } @else { "replies" } };
    html! {
        @if !rendered.is_empty() {
            ol class={ "thread" @if flat { " flat" } } { @for one in rendered { (one) } }
        }
        @if let Some(first) = rest.first() {
            @if inline {
                details class="more" {
                    summary { (more) }
                    ol class={ "thread" @if flat { " flat" } } {
                        // Inside the fold, everything is shown: its size was counted already.
                        @for reply in rest { (branch(state, reply, level, root, Folding { whole_thread: true, ..folding }, budget)) }
                    }
                }
            } @else {
                p class="more" {
                    a href={ (folding.target) "?thread=" (root) "#reply-" (first.id) } { (more) }
                }
            }
        }
    }
}

fn branch(
    state: &AppState,
    reply: &ThreadReply,
    level: usize,
    root: i64,
    folding: Folding<'_>,
    budget: &Budget,
) -> Markup {
    if !folding.whole_thread {
        budget.set(budget.get().saturating_sub(1));
    }
    html! {
        li id={ "reply-" (reply.id) } class="reply" {
            (card(state, reply))
            @if !reply.children.is_empty() { (list(state, &reply.children, level + 1, Some(root), folding, budget)) }
        }
    }
}

/// The "answer from your own server" form: it sends the reader to their server's page for `uri`.
pub fn reply_form(state: &AppState, uri: &str, label: &str) -> Markup {
    html! {
        form class="interact" method="get" action=(state.urls.interact()) {
            input type="hidden" name="uri" value=(uri);
            label for="handle" { (label) }
            div class="row" {
                input id="handle" name="handle" type="text" required placeholder="you@your.server" autocomplete="username" inputmode="email";
                button type="submit" { "Reply" }
            }
        }
    }
}

pub fn plural(n: i32, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

pub fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
