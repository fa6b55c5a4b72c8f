use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use super::*;
use crate::{config::Settings, domain::reply::ThreadChange};

struct Setup {
    cache: PageCache,
    events: broadcast::Sender<ThreadEvent>,
    invalidations: broadcast::Sender<Invalidation>,
}

fn setup(adjust: impl FnOnce(&mut WebSettings)) -> Setup {
    let mut web = Settings::load_from(&[]).expect("defaults").web;
    adjust(&mut web);
    let events = broadcast::channel(4).0;
    let invalidations = broadcast::channel(4).0;
    let cache = PageCache::new(&web, events.subscribe(), invalidations.subscribe());
    Setup {
        cache,
        events,
        invalidations,
    }
}

const FIRST: View = View::Page {
    sort: Sort::Oldest,
    page: 1,
};

fn shown(text: &str) -> Conversation {
    Conversation {
        links: String::new(),
        body: text.to_string(),
    }
}

/// Fills `view` of `story` with `text`, as a page read that missed would.
fn fill(cache: &PageCache, story: i64, view: View, text: &str) {
    let ticket = cache.get(story, view).expect_err("a miss");
    cache.put(ticket, shown(text), None);
}

fn kept(cache: &PageCache, story: i64, view: View) -> Option<String> {
    cache.get(story, view).ok().map(|c| c.body.clone())
}

fn event(story_id: i64) -> ThreadEvent {
    ThreadEvent {
        story_id,
        reply_id: 1,
        kind: ThreadChange::Added,
    }
}

#[test]
fn a_conversation_event_drops_its_story_alone() {
    let s = setup(|_| {});
    fill(&s.cache, 1, FIRST, "one");
    fill(&s.cache, 1, View::Thread(9), "one's thread");
    fill(&s.cache, 2, FIRST, "two");
    assert_eq!(kept(&s.cache, 1, FIRST).as_deref(), Some("one"));
    s.events.send(event(1)).expect("the cache listens");
    assert_eq!(kept(&s.cache, 1, FIRST), None);
    assert_eq!(kept(&s.cache, 1, View::Thread(9)), None);
    assert_eq!(kept(&s.cache, 2, FIRST).as_deref(), Some("two"));
}

#[test]
fn invalidations_drop_their_story_or_everything() {
    let s = setup(|_| {});
    fill(&s.cache, 1, FIRST, "one");
    fill(&s.cache, 2, FIRST, "two");
    s.invalidations
        .send(Invalidation::Story(Some(1)))
        .expect("the cache listens");
    assert_eq!(kept(&s.cache, 1, FIRST), None);
    assert!(kept(&s.cache, 2, FIRST).is_some());
    for everything in [
        Invalidation::Moderation,
        Invalidation::Story(None),
        Invalidation::RemoteActor(Some(5)),
    ] {
        fill(&s.cache, 1, FIRST, "one");
        s.invalidations.send(everything).expect("the cache listens");
        assert_eq!(kept(&s.cache, 1, FIRST), None);
        assert_eq!(kept(&s.cache, 2, FIRST), None);
        fill(&s.cache, 2, FIRST, "two");
    }
}

#[test]
fn a_fill_that_began_before_a_change_is_not_kept() {
    let s = setup(|_| {});
    let ticket = s.cache.get(1, FIRST).expect_err("a miss");
    s.events.send(event(1)).expect("the cache listens");
    s.cache.put(ticket, shown("read before the change"), None);
    assert_eq!(kept(&s.cache, 1, FIRST), None);
    // Another story's change does not matter.
    let ticket = s.cache.get(1, FIRST).expect_err("a miss");
    s.events.send(event(2)).expect("the cache listens");
    s.cache.put(ticket, shown("fresh"), None);
    assert_eq!(kept(&s.cache, 1, FIRST).as_deref(), Some("fresh"));
}

#[test]
fn falling_behind_the_events_drops_everything() {
    let s = setup(|_| {});
    fill(&s.cache, 1, FIRST, "one");
    // More than the channel holds, none for story 1.
    for story in 10..20 {
        s.events.send(event(story)).expect("the cache listens");
    }
    assert_eq!(kept(&s.cache, 1, FIRST), None);
}

#[test]
fn it_keeps_at_most_its_entries_and_bytes_least_recently_read_first() {
    let s = setup(|web| {
        web.page_cache_entries = 2;
        web.page_cache_bytes = 10;
    });
    fill(&s.cache, 1, FIRST, "aaaa");
    fill(&s.cache, 2, FIRST, "bbbb");
    assert!(kept(&s.cache, 1, FIRST).is_some());
    fill(&s.cache, 3, FIRST, "cccc");
    assert!(
        kept(&s.cache, 2, FIRST).is_none(),
        "the least recently read"
    );
    assert!(kept(&s.cache, 1, FIRST).is_some() && kept(&s.cache, 3, FIRST).is_some());
    fill(&s.cache, 4, FIRST, "ddddddddd");
    assert!(kept(&s.cache, 4, FIRST).is_some());
    assert!(kept(&s.cache, 1, FIRST).is_none() && kept(&s.cache, 3, FIRST).is_none());
    fill(&s.cache, 5, FIRST, "more than ten bytes");
    assert!(kept(&s.cache, 5, FIRST).is_none(), "too big to keep");
}

#[test]
fn entries_expire_and_a_cache_turned_off_keeps_nothing() {
    let s = setup(|_| {});
    let ticket = s.cache.get(1, FIRST).expect_err("a miss");
    s.cache
        .put(ticket, shown("closes now"), Some(Instant::now()));
    assert_eq!(kept(&s.cache, 1, FIRST), None);
    let s = setup(|web| web.page_cache_ttl_secs = 0);
    fill(&s.cache, 1, FIRST, "no time to live");
    std::thread::sleep(Duration::from_millis(2));
    assert_eq!(kept(&s.cache, 1, FIRST), None);
    let s = setup(|web| web.page_cache = false);
    fill(&s.cache, 1, FIRST, "off");
    assert_eq!(kept(&s.cache, 1, FIRST), None);
}
