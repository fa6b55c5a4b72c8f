//! Big threads stay readable: the conversation is paged by top-level threads (50 a page, with
//! `rel=next`/`prev` links), ordered as the reader asks (`?sort=oldest|newest|liked`), and a
//! reply's answers past the first few fold into a "show N more" that opens without JavaScript.
//! The counts are the story's, whatever the page.

use std::collections::{BTreeSet, HashMap};

use broadsheet::storage::entities::reply;
use chrono::{Duration, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::{
    helpers::{STORY, TestApp, count, html},
    peer::Peer,
    picks::{answered, open_app},
};

/// Top-level threads the bulk insert makes, and the folding threshold the page uses.
const ROOTS: usize = 130;
const SHOWN: usize = 3;
/// The root with more answers than a page folds in itself.
const BIG: usize = 20;

/// One reply of the prepared conversation: which root (and answer) it belongs to.
struct Planned {
    ap_id: String,
    root: usize,
    parent: Option<String>,
}

/// A row to write: ap_id, parent's ap_id, path, depth, time, likes.
type Row = (
    String,
    Option<String>,
    String,
    i32,
    chrono::DateTime<Utc>,
    i32,
);

/// Paths as the server writes them: the publication time, then a counter, fixed widths.
fn segment(at: chrono::DateTime<Utc>, n: usize) -> String {
    format!("{:013}{:016}{:03}", at.timestamp_millis(), n, 0)
}

/// Writes `ROOTS` threads under the sample story straight through the storage layer (root `i`
/// has `i % 15` answers, root 20 has 40; the first answer has one answer of its own): 1,000+
/// replies in a few statements. Returns the plan, in the order the roots were published.
async fn bulk_conversation(app: &TestApp, author_id: i64) -> Vec<Planned> {
    let db = app.db().await;
    let story_id = count(&db, "SELECT id FROM stories WHERE slug = 'welcome'").await;
    let base = Utc::now() - Duration::days(2);
    let mut plan = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut n = 0;
    for i in 0..ROOTS {
        let at = base + Duration::seconds(60 * i as i64);
        let root = format!("https://bulk.example/notes/{i}");
        let root_path = segment(at, n);
        n += 1;
        rows.push((
            root.clone(),
            None,
            root_path.clone(),
            0,
            at,
            ((i * 7) % 23) as i32,
        ));
        plan.push(Planned {
            ap_id: root.clone(),
            root: i,
            parent: None,
        });
        let answers = if i == BIG { 40 } else { i % 15 };
        for j in 0..answers {
            let at = at + Duration::seconds(j as i64 + 1);
            let answer = format!("{root}/answers/{j}");
            let path = format!("{root_path}/{}", segment(at, n));
            n += 1;
            rows.push((answer.clone(), Some(root.clone()), path.clone(), 1, at, 0));
            plan.push(Planned {
                ap_id: answer.clone(),
                root: i,
                parent: Some(root.clone()),
            });
            if j == 0 {
                let at = at + Duration::seconds(30);
                let nested = format!("{answer}/again");
                rows.push((
                    nested.clone(),
                    Some(answer.clone()),
                    format!("{path}/{}", segment(at, n)),
                    2,
                    at,
                    0,
                ));
                n += 1;
                plan.push(Planned {
                    ap_id: nested,
                    root: i,
                    parent: Some(answer),
                });
            }
        }
    }
    // One level at a time, so every parent has its row id before its answers are written.
    for depth in 0..=2 {
        let ids: HashMap<String, i64> = reply::Entity::find()
            .filter(reply::Column::StoryId.eq(story_id))
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.ap_id, r.id))
            .collect();
        let level: Vec<reply::ActiveModel> = rows
            .iter()
            .filter(|r| r.3 == depth)
            .map(
                |(ap_id, parent, path, depth, at, likes)| reply::ActiveModel {
                    ap_id: Set(ap_id.clone()),
                    story_id: Set(story_id),
                    parent_id: Set(parent.as_ref().map(|p| ids[p])),
                    path: Set(path.clone()),
                    depth: Set(*depth),
                    author_id: Set(author_id),
                    content_html: Set(format!("<p>Bulk reply {ap_id}</p>")),
                    summary: Set(None),
                    url: Set(Some(ap_id.clone())),
                    sensitive: Set(false),
                    state: Set("visible".into()),
                    local: Set(false),
                    likes: Set(*likes),
                    boosts: Set(0),
                    replies_url: Set(None),
                    crawled_at: Set(None),
                    published_at: Set(*at),
                    edited_at: Set(None),
                    deleted_at: Set(None),
                    created_at: Set(*at),
                    object_type: Set("Note".into()),
                    language: Set(None),
                    attachments: Set(None),
                    tags: Set(None),
                    details: Set(None),
                    context_url: Set(None),
                    featured_at: Set(None),
                    featured_by: Set(None),
                    ..Default::default()
                },
            )
            .collect();
        for chunk in level.chunks(200) {
            reply::Entity::insert_many(chunk.to_vec())
                .exec(&db)
                .await
                .unwrap();
        }
    }
    db.execute_unprepared(
        "UPDATE stories SET reply_count = (SELECT COUNT(*) FROM replies WHERE replies.story_id = stories.id)",
    )
    .await
    .unwrap();
    db.close().await.ok();
    plan
}

/// Row ids by ap_id, for every reply stored.
/// One reply arrives through the inbox (so its author is a real remote actor); the bulk
/// conversation is then written under that author.
/// Returns that reply's row id and the plan.
async fn bulk_after_one_by_inbox(app: &TestApp, peer: &Peer, text: &str) -> (i64, Vec<Planned>) {
    let (real, _) = answered(app, peer, "reader", "real", text).await;
    let db = app.db().await;
    let author = count(
        &db,
        &format!("SELECT author_id FROM replies WHERE id = {real}"),
    )
    .await;
    db.close().await.ok();
    (real, bulk_conversation(app, author).await)
}

async fn ids(app: &TestApp) -> HashMap<String, i64> {
    let db = app.db().await;
    let all = reply::Entity::find().all(&db).await.unwrap();
    db.close().await.ok();
    all.into_iter().map(|r| (r.ap_id, r.id)).collect()
}

/// The ids in `li.reply` elements matched by `selector`, in page order.
fn listed(page: &str, selector: &str) -> Vec<i64> {
    let doc = html(page);
    let selector = scraper::Selector::parse(selector).unwrap();
    doc.select(&selector)
        .filter_map(|li| li.value().id())
        .filter_map(|id| id.strip_prefix("reply-")?.parse().ok())
        .collect()
}

/// The `href` of every element matched by `selector`.
fn links(page: &str, selector: &str) -> Vec<String> {
    let doc = html(page);
    let selector = scraper::Selector::parse(selector).unwrap();
    doc.select(&selector)
        .filter_map(|a| a.value().attr("href").map(String::from))
        .collect()
}

const TOP: &str = "section.conversation > ol.thread > li.reply";
const ALL: &str = "section.conversation > ol.thread li.reply";

#[tokio::test]
async fn a_story_with_a_thousand_replies_is_paged_and_nothing_is_lost_between_pages() {
    let app = open_app().await;
    let peer = Peer::start().await;
    // A real reply first, so the bulk rows have a stored author; published now, it is the
    // newest thread.
    let (real, plan) =
        bulk_after_one_by_inbox(&app, &peer, "The one reply that came by inbox").await;
    assert!(plan.len() >= 1000, "{} replies", plan.len());
    let ids = ids(&app).await;
    let total = plan.len() + 1;
    let roots: Vec<i64> = plan
        .iter()
        .filter(|p| p.parent.is_none())
        .map(|p| ids[&p.ap_id])
        .chain([real])
        .collect();
    let pages = (ROOTS + 1).div_ceil(50);
    assert_eq!(pages, 3);

    let mut seen_top = Vec::new();
    let mut seen_all = Vec::new();
    for n in 1..=pages {
        let page = app
            .get_html(&format!("{STORY}?page={n}"))
            .await
            .text()
            .await
            .unwrap();
        let top = listed(&page, TOP);
        let expected_top = &roots[(n - 1) * 50..(n * 50).min(roots.len())];
        assert_eq!(
            top, expected_top,
            "page {n} lists its threads, oldest first"
        );
        // Every reply of those threads, and nothing else: in the page, or (a branch too long to
        // fold in it) on its thread's own page, which the page links to.
        let mut all: BTreeSet<i64> = listed(&page, ALL).into_iter().collect();
        for href in links(&page, "section.conversation p.more > a") {
            let path = &href[href.find(STORY).unwrap()..];
            let alone = app.get_html(path).await.text().await.unwrap();
            all.extend(listed(&alone, ALL));
        }
        let expected_all: BTreeSet<i64> = plan
            .iter()
            .filter(|p| {
                expected_top.contains(
                    &ids[&plan
                        .iter()
                        .find(|r| r.root == p.root && r.parent.is_none())
                        .unwrap()
                        .ap_id],
                )
            })
            .map(|p| ids[&p.ap_id])
            .chain(expected_top.contains(&real).then_some(real))
            .collect();
        assert_eq!(all, expected_all, "page {n} shows its threads whole");
        // The count is the story's, on every page.
        assert!(
            page.contains(&format!("<span class=\"count\">({total})</span>")),
            "page {n}"
        );
        assert!(page.contains(&format!("Page {n} of {pages}")), "page {n}");
        let doc = html(&page);
        let rel = |kind: &str| -> Vec<String> {
            let selector =
                scraper::Selector::parse(&format!("a[rel={kind}], link[rel={kind}]")).unwrap();
            doc.select(&selector)
                .filter_map(|e| e.value().attr("href").map(String::from))
                .collect()
        };
        if n < pages {
            let next = rel("next");
            assert_eq!(next.len(), 2, "a link and a <link>: {next:?}");
            assert!(
                next.iter().all(|h| h.contains(&format!("page={}", n + 1))),
                "{next:?}"
            );
        } else {
            assert!(rel("next").is_empty());
        }
        if n > 1 {
            assert!(rel("prev").iter().all(
                |h| h.contains(&format!("page={}", n - 1)) || (n == 2 && !h.contains("page="))
            ));
            assert_eq!(rel("prev").len(), 2);
        } else {
            assert!(rel("prev").is_empty());
        }
        seen_top.extend(top);
        seen_all.extend(all);
    }
    assert_eq!(seen_top, roots, "every thread once, in order");
    assert_eq!(seen_all.len(), total, "nothing lost, nothing twice");
    let distinct: BTreeSet<i64> = seen_all.iter().copied().collect();
    assert_eq!(distinct.len(), total);

    // Past the end is the last page; a page that is no number, the first.
    let last = app
        .get_html(&format!("{STORY}?page=99"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(listed(&last, TOP), &roots[100..]);
    let first = app
        .get_html(&format!("{STORY}?page=abc"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(listed(&first, TOP), &roots[..50]);

    // Newest first reverses the threads; the real reply leads page 1.
    let newest = app
        .get_html(&format!("{STORY}?sort=newest&page=1"))
        .await
        .text()
        .await
        .unwrap();
    let mut reversed = roots.clone();
    reversed.reverse();
    assert_eq!(listed(&newest, TOP), &reversed[..50]);
    let next = app
        .get_html(&format!("{STORY}?sort=newest&page=2"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(listed(&next, TOP), &reversed[50..100]);
}

#[tokio::test]
async fn long_branches_fold_after_a_few_answers_into_a_show_more_without_script() {
    let app = open_app().await;
    let peer = Peer::start().await;
    bulk_after_one_by_inbox(&app, &peer, "A reply by inbox").await;
    let ids = ids(&app).await;
    // Root 6 has 6 answers; its first answer has one of its own: 8 replies, within what one
    // thread shows in the page, so the last 3 answers fold in place.
    let root = ids["https://bulk.example/notes/6"];
    let answers: Vec<i64> = (0..6)
        .map(|j| ids[&format!("https://bulk.example/notes/6/answers/{j}")])
        .collect();
    let page = app.story_page().await;
    let shown = listed(&page, &format!("li#reply-{root} > ol.thread > li.reply"));
    assert_eq!(shown, &answers[..SHOWN], "the first few answers are shown");
    let folded = listed(
        &page,
        &format!("li#reply-{root} > details.more > ol.thread > li.reply"),
    );
    assert_eq!(folded, &answers[SHOWN..], "the rest fold, in order");
    let doc = html(&page);
    let summary =
        scraper::Selector::parse(&format!("li#reply-{root} > details.more > summary")).unwrap();
    let label: String = doc.select(&summary).next().unwrap().text().collect();
    assert_eq!(label, format!("Show {} more replies", 6 - SHOWN));
    // The nested answer stays under its parent, which is shown.
    let nested = ids["https://bulk.example/notes/6/answers/0/again"];
    assert_eq!(
        listed(
            &page,
            &format!("li#reply-{} > ol.thread > li.reply", answers[0])
        ),
        [nested]
    );
    // Root 14's 16 replies are more than a thread shows in the page: the fold is a link.
    let long = ids["https://bulk.example/notes/14"];
    assert!(listed(&page, &format!("li#reply-{long} > details.more li.reply")).is_empty());
    let link = scraper::Selector::parse(&format!("li#reply-{long} > p.more > a")).unwrap();
    let label: String = doc
        .select(&link)
        .next()
        .expect("a link to the thread")
        .text()
        .collect();
    assert_eq!(label, "Show 11 more replies");
    // A short branch is not folded.
    let three = ids["https://bulk.example/notes/3"];
    assert!(listed(&page, &format!("li#reply-{three} > details.more li.reply")).is_empty());
    assert_eq!(
        listed(&page, &format!("li#reply-{three} > ol.thread > li.reply")).len(),
        3
    );
    assert!(
        !page.contains("<script>") && !page.contains(" style="),
        "no inline script or style"
    );
}

#[tokio::test]
async fn a_branch_too_long_to_fold_in_the_page_links_to_its_thread_alone() {
    let app = open_app().await;
    let peer = Peer::start().await;
    let (_, plan) = bulk_after_one_by_inbox(&app, &peer, "A reply by inbox").await;
    let ids = ids(&app).await;
    let root = ids[&format!("https://bulk.example/notes/{BIG}")];
    let page = app.story_page().await;
    // 40 answers and one nested: 3 shown, the other 37 behind a link, not in the page.
    assert_eq!(
        listed(&page, &format!("li#reply-{root} > ol.thread > li.reply")).len(),
        SHOWN
    );
    assert!(listed(&page, &format!("li#reply-{root} > details.more li.reply")).is_empty());
    let doc = html(&page);
    let link = scraper::Selector::parse(&format!("li#reply-{root} > p.more > a")).unwrap();
    let link = doc
        .select(&link)
        .next()
        .expect("a link to the thread's page");
    assert_eq!(link.text().collect::<String>(), "Show 37 more replies");
    let href = link.value().attr("href").unwrap();
    let fourth = ids[&format!("https://bulk.example/notes/{BIG}/answers/{SHOWN}")];
    assert!(
        href.ends_with(&format!("{STORY}?thread={root}#reply-{fourth}")),
        "{href}"
    );

    // That page is the thread alone, every reply in it, the long fold open on a click.
    let path = &href[href.find(STORY).unwrap()..];
    let alone = app.get_html(path).await.text().await.unwrap();
    assert_eq!(listed(&alone, TOP), [root]);
    let expected: BTreeSet<i64> = plan
        .iter()
        .filter(|p| p.root == BIG)
        .map(|p| ids[&p.ap_id])
        .collect();
    let shown: BTreeSet<i64> = listed(&alone, ALL).into_iter().collect();
    assert_eq!(shown, expected);
    assert!(
        alone.contains("data-whole-thread"),
        "live updates add no thread here"
    );
    assert!(alone.contains("The whole conversation"));
    // A reply that is not a top-level thread of this story is the usual first page.
    let nested = ids[&format!("https://bulk.example/notes/{BIG}/answers/0")];
    let fallback = app
        .get_html(&format!("{STORY}?thread={nested}"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(listed(&fallback, TOP).len(), 50);
}

#[tokio::test]
async fn sort_orders_the_threads_as_named() {
    let app = open_app().await;
    let peer = Peer::start().await;
    let (one, _) = answered(&app, &peer, "a", "one", "First of three").await;
    let (two, _) = answered(&app, &peer, "b", "two", "Second of three").await;
    let (three, _) = answered(&app, &peer, "c", "three", "Third of three").await;
    let db = app.db().await;
    // The second is most liked; the first and third tie, so the older comes first.
    for (id, likes) in [(one, 2), (two, 9), (three, 2)] {
        db.execute_unprepared(&format!(
            "UPDATE replies SET likes = {likes} WHERE id = {id}"
        ))
        .await
        .unwrap();
    }
    db.close().await.ok();
    for (query, expected) in [
        ("", [one, two, three]),
        ("?sort=oldest", [one, two, three]),
        ("?sort=newest", [three, two, one]),
        ("?sort=liked", [two, one, three]),
        ("?sort=nonsense", [one, two, three]),
    ] {
        let page = app
            .get_html(&format!("{STORY}{query}"))
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(listed(&page, TOP), expected, "{query}");
    }
    let page = app
        .get_html(&format!("{STORY}?sort=liked"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<strong aria-current=\"true\">Most liked</strong>"),
        "{page}"
    );
}
