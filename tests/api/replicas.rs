//! Replicas on one PostgreSQL database: a reply accepted by one reaches the live pages another
//! serves, and a block made through one is enforced by the others. On SQLite there is a single
//! process, and the same stories run on it alone (changes are heard in-process).

use reqwest::Response;
use serde_json::json;

use crate::{
    helpers::{STORY, WAIT, count, count_reaches, spawn_app},
    peer::Peer,
    process::{Replica, free_port},
};

/// Sessions listening for the other replicas' notices, in the test's database.
const LISTENING: &str = "SELECT COUNT(*) FROM pg_stat_activity \
    WHERE datname = current_database() AND query LIKE 'LISTEN%'";

fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"))
}

/// One site behind a balancer: replicas A and B on PostgreSQL, one server on SQLite (then `a`
/// and `b` are the same).
struct Site {
    /// The address other servers know: ids, signatures.
    public: String,
    /// Where the balancer sends a request to replica A, and to replica B.
    a: String,
    b: String,
    token: String,
    database: String,
    _replicas: Vec<Replica>,
    _app: Option<crate::helpers::TestApp>,
    _dir: Option<tempfile::TempDir>,
}

impl Site {
    async fn start() -> Site {
        let app = spawn_app().await;
        let token = app.token();
        let public = app.address.clone();
        let database = app.database_url.clone();
        if !on_postgres() {
            return Site {
                a: public.clone(),
                b: public.clone(),
                public,
                token,
                database,
                _replicas: Vec::new(),
                _app: Some(app),
                _dir: None,
            };
        }
        // The first server prepared the database; it steps aside for two replicas.
        let (dir, _) = app.stop().await;
        let (port_a, port_b) = (free_port(), free_port());
        let replicas = vec![
            Replica::start(&database, &public, port_a, &[]),
            Replica::start(&database, &public, port_b, &[]),
        ];
        let site = Site {
            public,
            a: format!("http://127.0.0.1:{port_a}"),
            b: format!("http://127.0.0.1:{port_b}"),
            token,
            database,
            _replicas: replicas,
            _app: None,
            _dir: Some(dir),
        };
        site.wait_until_listening(&[]).await;
        site
    }

    /// Waits until both replicas listen for each other, on connections other than `old`
    /// (backend process ids); returns the new ones.
    async fn wait_until_listening(&self, old: &[i64]) -> Vec<i64> {
        let db = broadsheet::storage::connect(&self.database, 1)
            .await
            .unwrap();
        count_reaches(&db, LISTENING, 2).await;
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let pids = listening_pids(&db).await;
            if pids.len() == 2 && pids.iter().all(|p| !old.contains(p)) {
                db.close().await.ok();
                return pids;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "listening: {pids:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// `who` on `peer` answers the sample story with `text`, delivered through `backend`.
    async fn reply(&self, backend: &str, peer: &Peer, name: &str, text: &str) -> u16 {
        let note = peer.note(
            "reader",
            name,
            &format!("{}{STORY}", self.public),
            &format!("<p>{text}</p>"),
        );
        let inbox = format!("{}/inbox", self.public);
        peer.send_via(
            "reader",
            &inbox,
            &format!("{backend}/inbox"),
            &peer.create(&note),
        )
        .await
        .status()
        .as_u16()
    }

    /// The live stream at `path` (a public URL or a path), opened on `backend`.
    async fn open_stream(&self, backend: &str, path: &str) -> Response {
        let path = path.strip_prefix(&self.public).unwrap_or(path);
        let stream = reqwest::get(format!("{backend}{path}")).await.unwrap();
        assert_eq!(stream.status(), 200);
        stream
    }
}

async fn listening_pids(db: &sea_orm::DatabaseConnection) -> Vec<i64> {
    use sea_orm::{ConnectionTrait, Statement};
    let sql = LISTENING.replace("COUNT(*)", "pid::bigint");
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0).unwrap())
        .collect()
}

/// What `stream` sends until it has sent `wanted`; the test fails after [`WAIT`].
async fn read_until(stream: &mut Response, wanted: &str) -> String {
    let mut received = String::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    while !received.contains(wanted) {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .unwrap_or_else(|_| panic!("no {wanted:?} in {received:?}"))
            .unwrap()
            .expect("the stream stays open");
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
    received
}

/// The live stream the embed's frame on `backend` opens.
async fn embed_stream_path(backend: &str) -> String {
    let frame = reqwest::get(format!("{backend}/embed/stories/welcome"))
        .await
        .unwrap();
    assert_eq!(frame.status(), 200);
    let doc = crate::helpers::html(&frame.text().await.unwrap());
    let selector = scraper::Selector::parse("section.conversation[data-live]").unwrap();
    let section = doc.select(&selector).next().expect("a live conversation");
    section.value().attr("data-live").unwrap().to_string()
}

#[tokio::test]
async fn a_reply_accepted_by_one_replica_appears_live_on_the_pages_another_serves() {
    let site = Site::start().await;
    let peer = Peer::start().await;
    // A reader on B: the story page's stream, and the embed on the newsroom's own site.
    let mut page = site.open_stream(&site.b, &format!("{STORY}/live")).await;
    let embed_path = embed_stream_path(&site.b).await;
    let mut embed = site.open_stream(&site.b, &embed_path).await;

    let text = "Heard on every replica";
    assert_eq!(site.reply(&site.a, &peer, "across", text).await, 202);

    for stream in [&mut page, &mut embed] {
        let received = read_until(stream, text).await;
        assert!(received.contains("event: reply"), "{received}");
        assert!(
            received.contains("class=\\\"reply\\\""),
            "the event carries the rendered reply: {received}"
        );
    }
}

#[tokio::test]
async fn a_block_made_through_one_replica_is_enforced_by_another() {
    let site = Site::start().await;
    let peer = Peer::start().await;
    // B has taken replies from the server before (whatever it keeps about it is warm).
    assert_eq!(
        site.reply(&site.b, &peer, "before", "Before the block")
            .await,
        202
    );

    let domain = peer.base.trim_start_matches("http://").to_string();
    let blocked = reqwest::Client::new()
        .post(format!("{}/api/v1/blocks", site.a))
        .bearer_auth(&site.token)
        .json(&json!({"kind": "domain", "value": domain, "reason": "spam"}))
        .send()
        .await
        .unwrap();
    assert_eq!(blocked.status(), 201);

    // Word of the block reaches B in the background: B refuses the server's replies soon.
    let deadline = tokio::time::Instant::now() + WAIT;
    for attempt in 0.. {
        let status = site
            .reply(
                &site.b,
                &peer,
                &format!("after-{attempt}"),
                "After the block",
            )
            .await;
        if status == 403 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "B still answers {status} to a blocked server"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // And what it had accepted before is gone from the page B serves.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let shown = reqwest::get(format!("{}{STORY}", site.b))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if !shown.contains("Before the block") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "B still shows the blocked reply"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_replica_whose_listening_connection_drops_listens_again() {
    if !on_postgres() {
        eprintln!("skipped: replicas listen to each other on PostgreSQL (set TEST_DATABASE_URL)");
        return;
    }
    let site = Site::start().await;
    let peer = Peer::start().await;
    let db = broadsheet::storage::connect(&site.database, 1)
        .await
        .unwrap();
    let old = listening_pids(&db).await;
    let ended = count(
        &db,
        &LISTENING.replace("COUNT(*)", "COUNT(pg_terminate_backend(pid))"),
    )
    .await;
    assert_eq!(ended, 2);
    db.close().await.ok();
    site.wait_until_listening(&old).await;

    let mut page = site.open_stream(&site.b, &format!("{STORY}/live")).await;
    let text = "Heard after reconnecting";
    assert_eq!(site.reply(&site.a, &peer, "reconnected", text).await, 202);
    let received = read_until(&mut page, text).await;
    assert!(received.contains("event: reply"), "{received}");
}

#[tokio::test]
async fn a_story_deleted_with_the_cli_is_announced_to_the_running_replicas() {
    if !on_postgres() {
        eprintln!(
            "skipped: only PostgreSQL carries word between processes (set TEST_DATABASE_URL)"
        );
        return;
    }
    let app = spawn_app().await;
    let token = app.token();
    app.publish(
        &token,
        json!({"title": "Short-lived", "body": "Gone soon."}),
    )
    .await;
    let db = app.db().await;
    let id = broadsheet::domain::story::find_by_slug(&db, "short-lived")
        .await
        .unwrap()
        .unwrap()
        .id;
    db.close().await.ok();
    // Listening as a replica does.
    let mut listener = sea_orm::sqlx::postgres::PgListener::connect(&app.database_url)
        .await
        .unwrap();
    listener
        .listen(broadsheet::federation::cluster::CHANNEL)
        .await
        .unwrap();

    let out = app.cli_async(&["stories", "delete", "short-lived"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let heard = tokio::time::timeout_at(deadline, listener.recv())
            .await
            .expect("the replicas are told")
            .unwrap();
        let payload: serde_json::Value = serde_json::from_str(heard.payload()).unwrap();
        if payload["notices"]
            .as_array()
            .unwrap()
            .contains(&json!({"invalidate": {"Story": id}}))
        {
            break;
        }
    }
}
