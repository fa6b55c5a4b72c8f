//! The inbox writes replies in batches; a 202 still means the reply is stored. The server is
//! killed (SIGKILL) in the middle of a flood of replies, and every reply it acknowledged must
//! be there when it starts again, with the story's reply count matching what it shows.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::Duration,
};

use broadsheet::storage::{entities::reply, replies, stories};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::{
    helpers::spawn_app,
    peer::Peer,
    process::{Replica, free_port},
};

const SENDERS: usize = 48;
const ACTORS: usize = 16;
/// The server is killed once this many replies were acknowledged.
const KILL_AFTER: usize = 300;

#[tokio::test]
async fn a_crash_under_a_flood_of_replies_loses_none_that_was_acknowledged() {
    let app = spawn_app().await;
    let (public, database) = (app.address.clone(), app.database_url.clone());
    let story = format!("{public}/stories/welcome");
    let (dir, _) = app.stop().await;
    let config = dir.path().join("flood.toml");
    std::fs::write(
        &config,
        "[inbox]\nper_address_per_minute = 1000000\n\
         [moderation]\ninbox_per_host_per_minute = 1000000\n\
         inbox_per_host_max_per_minute = 1000000\ninbox_per_actor_per_minute = 1000000\n",
    )
    .unwrap();
    let env = [("BROADSHEET_CONFIG", config.to_str().unwrap())];
    let port = free_port();
    let mut server = Replica::start(&database, &public, port, &env);
    let backend = format!("http://127.0.0.1:{port}/inbox");
    let inbox = format!("{public}/inbox");

    let peer = Arc::new(Peer::start().await);
    // Each actor's key is fetched once, before the flood.
    for actor in 0..ACTORS {
        let note = peer.note(
            &format!("a{actor}"),
            &format!("warm{actor}"),
            &story,
            "<p>First.</p>",
        );
        let sent = peer
            .send_via(&format!("a{actor}"), &inbox, &backend, &peer.create(&note))
            .await;
        assert_eq!(sent.status(), 202, "warm-up reply refused");
    }

    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicUsize::new(0));
    let mut senders = Vec::new();
    for _ in 0..SENDERS {
        let (peer, acknowledged, stop, next) = (
            peer.clone(),
            acknowledged.clone(),
            stop.clone(),
            next.clone(),
        );
        let (inbox, backend, story) = (inbox.clone(), backend.clone(), story.clone());
        senders.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let actor = format!("a{}", n % ACTORS);
                let note = peer.note(
                    &actor,
                    &format!("flood{n}"),
                    &story,
                    &format!("<p>Reply {n}.</p>"),
                );
                let sent = tokio::time::timeout(
                    Duration::from_secs(10),
                    peer.try_send_via(&actor, &inbox, &backend, &peer.create(&note)),
                )
                .await;
                match sent {
                    Ok(Ok(response)) if response.status() == 202 => acknowledged
                        .lock()
                        .unwrap()
                        .push(note["id"].as_str().unwrap().to_string()),
                    // Refused or cut off by the crash: the sender would retry; nothing promised.
                    _ => {}
                }
            }
        }));
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while acknowledged.lock().unwrap().len() < KILL_AFTER {
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {} replies acknowledged",
            acknowledged.lock().unwrap().len()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill();
    stop.store(true, Ordering::Relaxed);
    for sender in senders {
        sender.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let sent = next.load(Ordering::Relaxed);
    assert!(
        sent > acknowledged.len(),
        "the kill came after every request was answered"
    );

    // The database opens again after the crash, and holds every acknowledged reply.
    let _restarted = Replica::start(&database, &public, free_port(), &env);
    let db = broadsheet::storage::connect(&database, 2).await.unwrap();
    let mut missing = Vec::new();
    for id in &acknowledged {
        if replies::find_by_ap_id(&db, id).await.unwrap().is_none() {
            missing.push(id.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged replies lost, e.g. {}",
        missing.len(),
        acknowledged.len(),
        missing[0]
    );
    // The count the story shows is the replies it holds: no batch half-written.
    let welcome = stories::find_by_ap_id(&db, &story).await.unwrap().unwrap();
    let shown = reply::Entity::find()
        .filter(reply::Column::StoryId.eq(welcome.id))
        .filter(reply::Column::State.eq(replies::VISIBLE))
        .filter(reply::Column::DeletedAt.is_null())
        .count(&db)
        .await
        .unwrap();
    assert_eq!(u64::try_from(welcome.reply_count).unwrap(), shown);
    assert!(shown >= (ACTORS + acknowledged.len()) as u64);
}
