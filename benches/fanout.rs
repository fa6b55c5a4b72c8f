//! Story fan-out against the design target: one story to 10,000 followers on 2,000 hosts in ≤ 2 s,
//! and dead hosts never delay live ones (200 hanging hosts cost the live ones ≤ 1 s).
//!
//! One Broadsheet server runs in this process as the API tests start it (default settings, a
//! loopback port, a fresh SQLite file, no sample story), beside `BENCH_HOSTS` tiny inbox servers,
//! each on its own loopback port (so each is a separate host to the delivery worker) answering
//! 202 to `POST /inbox`. Every host gets 5 followers of the publication sharing its shared inbox,
//! written straight into the database through the library. A story is then published through the
//! JSON API, and the clock runs from that POST until every live host has received its `Create`
//! (one request per host). Scenarios:
//!
//! - `healthy`: every host answers;
//! - `dead`: `BENCH_DEAD_PERCENT` % of the hosts (default 10) refuse connections (their port is
//!   bound but not listening); the time is until every live host has the story;
//! - `hung` (only when named in `BENCH_SCENARIOS`): as `dead`, but those hosts accept the TCP
//!   connection and never answer, so each attempt lasts until `[delivery] timeout_secs`.
//!
//! Besides the time to the last delivery it prints the time until the queue has recorded every
//! outcome, CPU time per thread group (tokio workers vs SQLite worker threads), and peak RSS.
//! Fan-out signs one request per inbox, so its rate is also given as a share of this machine's
//! one-core RSA-2048 sign rate, measured at the start of the same run (`support::limits`, with
//! the verify rate and SQLite's batched insert rate). The last line, `BENCH fanout: …`, sums up
//! every scenario on one line for a CI log.
//! The inbox servers share the process and its cores with the server under test, and their
//! connections count in its RSS; VmHWM is the peak so far, so a later scenario's figure includes
//! the earlier ones (`BENCH_SCENARIOS=dead` alone gives that scenario's own peak). On SQLite the
//! times follow the disk's fsync latency: run on a quiet machine.
//!
//! Run (release optimisations, through the bench profile; ~3 file descriptors per host):
//!
//! ```sh
//! ulimit -n 16384; cargo bench --bench fanout
//! ```
//!
//! Knobs (environment; arguments are ignored):
//! - `BENCH_QUICK=1`: a smoke run of a few seconds (100 hosts unless `BENCH_HOSTS` says otherwise);
//! - `BENCH_HOSTS` (2000), `BENCH_FOLLOWERS_PER_HOST` (5), `BENCH_DEAD_PERCENT` (10),
//!   `BENCH_SCENARIOS` (`healthy,dead`; add `hung` for the third), `BENCH_TIMEOUT_SECS` (120);
//! - `BENCH_CONCURRENCY`, `BENCH_PER_HOST`, `BENCH_DB_CONNECTIONS`: override `[delivery]
//!   concurrency`, `[delivery] per_host` and `[database] max_connections` (defaults otherwise);
//! - `BENCH_DATABASE_URL=postgres://…`: run on PostgreSQL, one fresh database per scenario
//!   (created from this URL, dropped afterwards);
//! - `BENCH_SQLITE_DIR` (system temp dir): where the SQLite file goes, e.g. `/dev/shm`;
//!   `BENCH_SQLITE_WAL=1`: switch the new SQLite file to WAL before the server opens it;
//! - `BENCH_LOG` (`warn`): log filter for the server's own logging.

#![allow(clippy::unwrap_used)]

#[path = "support/mod.rs"]
mod support;
use support::{
    cpu_by_thread_group, cpu_delta, env_or, limits::Limits, ms, server::Server, size, status_mib,
};

use std::{
    sync::{
        Arc, OnceLock,
        atomic::{AtomicU32, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, Uri},
    routing::post,
};
use broadsheet::{
    config::{LogFormat, LogSettings},
    domain::{
        actor, follow,
        remote::{self, RemoteActorData},
        token,
    },
    federation::signatures::{cavage, digest, keys::VerifyingKey},
    storage::{self, deliveries},
};
use sea_orm::{DatabaseConnection, TransactionTrait};
use tokio::{
    net::{TcpListener, TcpSocket},
    sync::Notify,
    task::JoinHandle,
};

/// How long to wait, after the last delivery, for the queue to record every outcome.
const RECORD_WAIT: Duration = Duration::from_secs(60);

/// What the inbox servers saw, shared by all of them.
struct Tally {
    /// Requests per host (index into the host list).
    per_host: Vec<AtomicU32>,
    /// Every request, any activity.
    requests: AtomicUsize,
    /// Live hosts that have received a `Create`.
    reached: AtomicUsize,
    /// The publication's key: every request's signature is verified with it, as a real inbox
    /// would, before it counts.
    key: OnceLock<VerifyingKey>,
    /// Requests whose signature or digest did not verify.
    bad_signatures: AtomicUsize,
    expected: usize,
    first_at: OnceLock<Instant>,
    all_at: OnceLock<Instant>,
    done: Notify,
}

impl Tally {
    fn new(hosts: usize, expected: usize) -> Arc<Self> {
        Arc::new(Tally {
            per_host: (0..hosts).map(|_| AtomicU32::new(0)).collect(),
            requests: AtomicUsize::new(0),
            reached: AtomicUsize::new(0),
            key: OnceLock::new(),
            bad_signatures: AtomicUsize::new(0),
            expected,
            first_at: OnceLock::new(),
            all_at: OnceLock::new(),
            done: Notify::new(),
        })
    }
}

/// Checks a delivery as a receiving server does: draft-cavage signature over
/// `(request-target) host date digest`, and the digest of the exact body.
fn verified(tally: &Tally, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> bool {
    let Some(key) = tally.key.get() else {
        return false;
    };
    let Ok(parsed) = cavage::parse(headers) else {
        return false;
    };
    if parsed.require_coverage(true).is_err() {
        return false;
    }
    let digest_ok = headers
        .get("digest")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|d| digest::digest_matches(d, body));
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Ok(text) = parsed.signing_string("POST", uri.path(), host, headers) else {
        return false;
    };
    digest_ok && key.verify(text.as_bytes(), &parsed.signature)
}

async fn inbox(
    State((tally, host)): State<(Arc<Tally>, usize)>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let now = Instant::now();
    tally.requests.fetch_add(1, Ordering::SeqCst);
    if !verified(&tally, &uri, &headers, &body) {
        tally.bad_signatures.fetch_add(1, Ordering::SeqCst);
        return StatusCode::UNAUTHORIZED;
    }
    let is_create = body.windows(15).any(|w| w == b"\"type\":\"Create\"");
    if is_create && tally.per_host[host].fetch_add(1, Ordering::SeqCst) == 0 {
        let _ = tally.first_at.set(now);
        if tally.reached.fetch_add(1, Ordering::SeqCst) + 1 == tally.expected {
            let _ = tally.all_at.set(now);
            tally.done.notify_one();
        }
    }
    StatusCode::ACCEPTED
}

/// How the hosts that are not live fail.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// The port is bound but nothing listens: connections are refused at once. The socket is
    /// held for the whole run, so no other listener (in this process or another) can take it.
    Refused,
    /// The listener stays open but nobody accepts: the kernel completes the handshake, the
    /// request is sent, and no answer ever comes (a hung server).
    Hung,
}

/// The remote side: one port per host; a live host serves `POST /inbox`, a dead one refuses
/// connections or hangs.
struct Hosts {
    ports: Vec<u16>,
    servers: Vec<JoinHandle<()>>,
    /// Dead hosts' sockets, held for the whole run.
    _refusing: Vec<TcpSocket>,
    _hanging: Vec<TcpListener>,
}

impl Hosts {
    async fn start(
        count: usize,
        dead_percent: usize,
        failure: Failure,
        tally_for: impl FnOnce(usize) -> Arc<Tally>,
    ) -> (Self, Arc<Tally>) {
        let is_dead: Vec<bool> = (0..count)
            .map(|i| (i * dead_percent) % 100 < dead_percent)
            .collect();
        let live = is_dead.iter().filter(|d| !**d).count();
        let tally = tally_for(live);
        let mut ports = Vec::with_capacity(count);
        let mut refusing = Vec::new();
        let mut hanging = Vec::new();
        let mut servers = Vec::with_capacity(count);
        let loopback: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
        for (index, is_dead) in is_dead.iter().enumerate() {
            if *is_dead && failure == Failure::Refused {
                let socket = TcpSocket::new_v4().unwrap();
                socket.bind(loopback).unwrap();
                ports.push(socket.local_addr().unwrap().port());
                refusing.push(socket);
                continue;
            }
            let listener = TcpListener::bind(loopback).await.unwrap();
            ports.push(listener.local_addr().unwrap().port());
            if *is_dead {
                hanging.push(listener);
                continue;
            }
            let app = Router::new()
                .route("/inbox", post(inbox))
                .with_state((tally.clone(), index));
            servers.push(tokio::spawn(async move {
                axum::serve(listener, app).await.unwrap();
            }));
        }
        (
            Hosts {
                ports,
                servers,
                _refusing: refusing,
                _hanging: hanging,
            },
            tally,
        )
    }

    fn stop(self) {
        for server in self.servers {
            server.abort();
        }
    }
}

/// Writes `per_host` followers of the publication on every host, sharing its shared inbox.
async fn add_followers(db: &DatabaseConnection, ports: &[u16], per_host: usize) -> u64 {
    let publication = actor::publication(db).await.unwrap();
    // Any valid RSA public key will do: nobody verifies anything with it here.
    let key = activitypub_federation::http_signatures::generate_actor_keypair()
        .unwrap()
        .public_key;
    let txn = db.begin().await.unwrap();
    for port in ports {
        let base = format!("http://127.0.0.1:{port}");
        for n in 0..per_host {
            let ap_id = format!("{base}/users/u{n}");
            let follower = remote::upsert(
                &txn,
                "bench.invalid",
                RemoteActorData {
                    ap_id: ap_id.parse().unwrap(),
                    kind: "Person".into(),
                    username: format!("u{n}"),
                    name: format!("Reader {n}"),
                    summary: String::new(),
                    inbox: format!("{ap_id}/inbox").parse().unwrap(),
                    shared_inbox: Some(format!("{base}/inbox").parse().unwrap()),
                    url: None,
                    icon_url: None,
                    public_key_id: format!("{ap_id}#main-key"),
                    public_key_pem: key.clone(),
                },
            )
            .await
            .unwrap();
            follow::add(
                &txn,
                publication.id,
                &follower,
                &format!("{base}/follows/{n}"),
            )
            .await
            .unwrap();
        }
    }
    txn.commit().await.unwrap();
    follow::count(db, publication.id).await.unwrap()
}

/// The soft limit on open files, from /proc/self/limits.
fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// What a scenario measured, for the summary line.
struct Figures {
    name: String,
    /// Until every live host had the story (None: not within the time allowed).
    to_all: Option<Duration>,
    live: usize,
}

impl Figures {
    fn per_sec(&self) -> Option<f64> {
        self.to_all.map(|t| self.live as f64 / t.as_secs_f64())
    }
}

async fn scenario(
    name: &str,
    hosts: usize,
    per_host: usize,
    dead_percent: usize,
    failure: Failure,
    limits: &Limits,
) -> Figures {
    let timeout = Duration::from_secs(env_or("BENCH_TIMEOUT_SECS", 120));
    eprintln!("\n== scenario `{name}`: setting up");
    let server = Server::start(|settings| {
        settings.publication.sample_story = false;
        settings.delivery.concurrency = env_or("BENCH_CONCURRENCY", settings.delivery.concurrency);
        settings.delivery.per_host = env_or("BENCH_PER_HOST", settings.delivery.per_host);
        format!(
            "delivery concurrency {}, per host {}",
            settings.delivery.concurrency, settings.delivery.per_host
        )
    })
    .await;
    let (remote, tally) =
        Hosts::start(hosts, dead_percent, failure, |live| Tally::new(hosts, live)).await;
    let live = tally.expected;
    let db = storage::connect(&server.database_url, 2).await.unwrap();
    let setup = Instant::now();
    let followers = add_followers(&db, &remote.ports, per_host).await;
    eprintln!(
        "   {followers} followers on {hosts} hosts ({} dead) written in {}",
        hosts - live,
        ms(setup.elapsed())
    );
    let publication = actor::publication(&db).await.unwrap();
    let _ = tally
        .key
        .set(VerifyingKey::from_pem(&publication.public_key_pem).unwrap());
    let secret = token::create(&db, "bench").await.unwrap();
    let client = reqwest::Client::new();
    let story = serde_json::json!({
        "title": format!("Council approves the 2027 budget ({name})"),
        "summary": "The vote came after nine hours of debate.",
        "body": "The council approved the budget on Tuesday.\n\nThe vote came after nine hours of debate, \
                 with amendments on transport, housing and the libraries.\n\n".repeat(4),
        "tags": ["CityHall", "Budget"],
    });
    // Let the worker finish its start-up poll and the server settle.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_before = status_mib("VmRSS:");
    let cpu_before = cpu_by_thread_group();

    let start = Instant::now();
    let response = client
        .post(server.url("/api/v1/stories"))
        .bearer_auth(&secret)
        .json(&story)
        .send()
        .await
        .unwrap();
    let post_latency = start.elapsed();
    assert_eq!(
        response.status(),
        201,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let finished = tokio::time::timeout(timeout, tally.done.notified())
        .await
        .is_ok();
    let wall = start.elapsed();
    let cpu_at_delivery = cpu_by_thread_group();

    // Then until the queue has written down every outcome: delivered for live hosts, at least
    // one failed attempt for dead ones. An outcome that could not be written stays leased for
    // `[delivery] lease_secs`, so this gives up after a minute.
    let mut recorded_at = None;
    let mut last = (0, 0);
    while start.elapsed() < wall + RECORD_WAIT {
        let delivered = deliveries::count_delivered(&db).await.unwrap();
        let tried_dead = deliveries::count_tried_undelivered(&db).await.unwrap();
        last = (delivered, tried_dead);
        if delivered >= live as u64 && tried_dead >= (hosts - live) as u64 {
            recorded_at = Some(start.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let cpu_after = cpu_by_thread_group();

    let reached = tally.reached.load(Ordering::SeqCst);
    let requests = tally.requests.load(Ordering::SeqCst);
    let duplicates = tally
        .per_host
        .iter()
        .filter(|n| n.load(Ordering::SeqCst) > 1)
        .count();
    let to_all = tally.all_at.get().map(|t| t.duration_since(start));
    let to_first = tally.first_at.get().map(|t| t.duration_since(start));

    println!("\n### fan-out: {name}");
    println!("| figure | value |");
    println!("|---|---:|");
    println!("| database | {} |", server.backend);
    println!("| followers | {followers} |");
    println!(
        "| hosts (live / dead) | {hosts} ({live} / {}) |",
        hosts - live
    );
    println!("| live hosts reached | {reached} |");
    println!("| requests received (duplicates on {duplicates} hosts) | {requests} |");
    println!(
        "| signatures verified by the receivers / refused | {} / {} |",
        requests - tally.bad_signatures.load(Ordering::SeqCst),
        tally.bad_signatures.load(Ordering::SeqCst)
    );
    println!(
        "| POST /api/v1/stories answered after | {} |",
        ms(post_latency)
    );
    if let Some(first) = to_first {
        println!("| first delivery after | {} |", ms(first));
    }
    match to_all {
        Some(all) if finished => {
            let per_sec = reached as f64 / all.as_secs_f64();
            println!("| **all live hosts delivered after** | **{}** |", ms(all));
            println!("| deliveries/s (to last delivery) | {per_sec:.0} |");
            println!(
                "| deliveries/s ÷ one-core RSA-2048 sign rate ({:.0}/s) | {:.2} |",
                limits.sign_per_sec,
                per_sec / limits.sign_per_sec
            );
        }
        _ => println!(
            "| all live hosts delivered after | NOT within {} ({reached}/{live}) |",
            ms(wall)
        ),
    }
    match recorded_at {
        Some(t) => println!("| every outcome recorded in the queue after | {} |", ms(t)),
        None => println!(
            "| every outcome recorded in the queue after | NOT within 60 s of the last delivery (delivered {}, dead tried {}) |",
            last.0, last.1
        ),
    }
    println!("| RSS before publishing | {rss_before:.1} MiB |");
    println!(
        "| peak RSS of the process so far (VmHWM) | {:.1} MiB |",
        status_mib("VmHWM:")
    );
    println!(
        "\nCPU time by thread group, POST → last delivery ({}):",
        ms(wall)
    );
    for (group, t) in cpu_delta(&cpu_before, &cpu_at_delivery) {
        println!("- {group}: {}", ms(t));
    }
    println!("CPU time by thread group, last delivery → all recorded:");
    for (group, t) in cpu_delta(&cpu_at_delivery, &cpu_after) {
        println!("- {group}: {}", ms(t));
    }
    if let Ok(counts) = deliveries::count_by_state(&db).await {
        let states: Vec<String> = counts
            .iter()
            .map(|c| format!("{} {}", c.state, c.count))
            .collect();
        println!("queue: {}", states.join(", "));
    }

    db.close().await.ok();
    remote.stop();
    server.shutdown().await;
    Figures {
        name: name.to_string(),
        to_all: to_all.filter(|_| finished),
        live,
    }
}

/// One line for a CI log: each scenario's time to the last live host and rate (with its share
/// of the one-core sign rate, and what the failing hosts added to the healthy time), peak RSS,
/// and the machine's limits.
fn summary(hosts: usize, followers: usize, figures: &[Figures], limits: &Limits) -> String {
    let healthy = figures
        .iter()
        .find(|f| f.name == "healthy")
        .and_then(|f| f.to_all);
    let scenarios: Vec<String> = figures
        .iter()
        .map(|f| match (f.to_all, f.per_sec()) {
            (Some(t), Some(rate)) => {
                let added = match healthy {
                    Some(h) if f.name != "healthy" => {
                        format!(
                            ", {:+.0} ms vs healthy",
                            (t.as_secs_f64() - h.as_secs_f64()) * 1e3
                        )
                    }
                    _ => String::new(),
                };
                format!(
                    "{} {} ({rate:.0}/s = {:.2}× one-core sign{added})",
                    f.name,
                    ms(t),
                    rate / limits.sign_per_sec
                )
            }
            _ => format!("{} DID NOT FINISH", f.name),
        })
        .collect();
    format!(
        "BENCH fanout: {hosts} hosts, {followers} followers; {}; peak RSS {:.0} MiB; machine {}",
        scenarios.join("; "),
        status_mib("VmHWM:"),
        limits.summary()
    )
}

#[tokio::main]
async fn main() {
    let hosts = size("BENCH_HOSTS", 2000, 100);
    let per_host = size("BENCH_FOLLOWERS_PER_HOST", 5, 5);
    let dead_percent: usize = env_or::<usize>("BENCH_DEAD_PERCENT", 10).min(100);
    let scenarios = std::env::var("BENCH_SCENARIOS").unwrap_or_else(|_| "healthy,dead".into());
    broadsheet::telemetry::init(&LogSettings {
        format: LogFormat::Text,
        filter: std::env::var("BENCH_LOG").unwrap_or_else(|_| "warn".into()),
    });
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Per host: its listener, the accepted connection, and the server's pooled client connection.
    let needed = hosts as u64 * 3 + 256;
    if let Some(limit) = open_files_limit()
        && limit < needed
    {
        eprintln!(
            "the open-file limit is {limit}; {hosts} hosts need about {needed}: run `ulimit -n {needed}` first"
        );
        std::process::exit(2);
    }
    // Before anything else runs, so nothing shares the core.
    let limits = Limits::measure().await;
    let mut figures = Vec::new();
    for name in scenarios.split(',').map(str::trim) {
        let (dead, failure) = match name {
            "healthy" => (0, Failure::Refused),
            "dead" => (dead_percent, Failure::Refused),
            "hung" => (dead_percent, Failure::Hung),
            other => {
                eprintln!("unknown scenario `{other}` (healthy, dead, hung)");
                continue;
            }
        };
        figures.push(scenario(name, hosts, per_host, dead, failure, &limits).await);
    }
    println!("\n{}", summary(hosts, hosts * per_host, &figures, &limits));
}
