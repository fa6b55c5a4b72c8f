//! The inbox and the story page against the design targets: ≥ 3,000 verified, deduplicated,
//! stored replies/s on SQLite (a new remote actor costing one key fetch, not one per reply), and
//! a story page with 1,000 threaded replies in ≤ 10 ms p50, uncached.
//!
//! One Broadsheet server runs in this process as the API tests start it (default settings, a
//! loopback port, a fresh database, the sample story `welcome`), beside a small remote server
//! that serves `BENCH_ACTORS` Person documents (`/users/a0`, `/users/a1`, …; all share one RSA
//! key, each under its own key id) and counts how often each is fetched.
//!
//! 1. **Inbox.** Every request is built and signed before the clock starts (draft-cavage over
//!    `(request-target) host date digest`, as Mastodon signs, with `Date` and `Digest`): a
//!    `Create{Note}` from one of the actors, public, `inReplyTo` the sample story, with a unique
//!    id. A warm-up sends one reply per actor (each actor's key is fetched and cached there), then
//!    `BENCH_REPLIES` replies go to the shared inbox from `BENCH_CONCURRENCY` concurrent tasks
//!    sharing one keep-alive client. Every answer should be 202; others are counted, with the
//!    first one's body. Printed: replies/s, request latency percentiles, the rate per quarter of
//!    the run, the server's inbox outcomes, actor fetches during warm-up and during the run, the
//!    story's `replies` collection `totalItems` (every reply stored?), CPU time by thread group,
//!    how busy the whole machine was (other work on it skews every figure) and the process's
//!    memory (server, remote and client share it).
//! 2. **Story page.** A new story gets `BENCH_THREAD` replies (200 top-level, the rest answering
//!    earlier replies chosen at random, at most 5 levels below a top-level reply), sent as signed
//!    `Create`s one level at a time so every parent is stored before its answers. The page is
//!    paged by top-level threads (50 a page): its pages are walked once (`rel="next"`) to check
//!    they show every reply between them (`class="reply"`), then the first page is fetched
//!    `BENCH_PAGE_REQUESTS` times one after another, twice: uncached, from a second server on
//!    the same database with `[web] page_cache = false` (every read loads and renders), then
//!    cached, from the first server (its first read keeps the conversation). Printed: its
//!    size, client-side latency percentiles both ways, the server's own time per page both ways
//!    (`broadsheet_story_page_seconds` from `/metrics`), and the first page's load alone
//!    (`domain::reply::paged::load` through the library, on its own connection), so the rest
//!    of the uncached time is rendering and HTTP.
//!
//! Run (release optimisations, through the bench profile):
//!
//! ```sh
//! cargo bench --bench inbox
//! BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench inbox
//! ```
//!
//! Each stored reply costs one signature verification and one row, so the rate is also given as
//! a share of this machine's one-core verify rate and of SQLite's batched insert rate, measured
//! at the start of the same run (`support::limits`). The last line, `BENCH inbox: …`, sums up the
//! run for a CI log.
//!
//! Knobs (environment; arguments are ignored):
//! - `BENCH_QUICK=1`: a smoke run of a few seconds (300 replies from 10 actors, a 100-reply
//!   thread, 20 page requests, unless set);
//! - `BENCH_REPLIES` (10000, per run), `BENCH_RUNS` (3: memory must not grow from run to run),
//!   `BENCH_ACTORS` (200), `BENCH_CONCURRENCY` (64), `BENCH_THREAD`
//!   (1000), `BENCH_PAGE_REQUESTS` (200);
//! - `BENCH_DATABASE_URL=postgres://…`: run on PostgreSQL, in a fresh database `bench_<uuid>`
//!   created from this URL and dropped at the end;
//! - `BENCH_SQLITE_DIR` (system temp dir): where the SQLite file goes, e.g. `/dev/shm` to take
//!   the disk's flushes out; `BENCH_SQLITE_WAL=1`: switch the new SQLite file to WAL before the
//!   server opens it;
//! - `BENCH_DB_CONNECTIONS`: override `[database] max_connections` (default otherwise);
//! - `BENCH_INBOX_PER_HOST_PER_MINUTE`, `BENCH_INBOX_PER_ACTOR_PER_MINUTE` (no limit):
//!   `[moderation] inbox_per_host_per_minute` (and the host's cap) and
//!   `inbox_per_actor_per_minute`. A few actors of one host send every reply here, faster than
//!   the default limits let a sender, so they would measure the limiter; set them to see the
//!   429s it gives;
//! - `BENCH_LOG` (`warn`): log filter for the server's own logging.
//!
//! The client, the remote server and Broadsheet share the machine's cores, so the figures are a
//! floor for the server alone; the CPU table shows how the time divides.

#![allow(clippy::unwrap_used)]

#[path = "support/mod.rs"]
mod support;
use support::{
    cpu_by_thread_group, cpu_delta, env_or,
    limits::Limits,
    load::{
        AP, NoteSpec, Remote, Signed, content, percentile, report_failures, send_all, sign_all,
    },
    ms,
    server::Server,
    size, status_mib,
};

use std::{
    collections::BTreeMap,
    sync::Arc,
    time::{Duration, Instant},
};

use broadsheet::{
    config::{LogFormat, LogSettings},
    domain::token,
    storage,
};
use serde_json::{Value, json};

/// Top-level replies in the story-page thread; the rest answer earlier replies.
const TOP_LEVEL: usize = 200;
/// How far below a top-level reply the story-page thread goes.
const MAX_DEPTH: usize = 5;

/// `totalItems` of a story's `replies` collection.
async fn replies_total(client: &reqwest::Client, server: &Server, slug: &str) -> u64 {
    let collection: Value = client
        .get(server.url(&format!("/stories/{slug}/replies")))
        .header("Accept", AP)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    collection["totalItems"].as_u64().unwrap_or(0)
}

/// The sum of every sample of `series` (all label sets) in Prometheus text.
fn metric(text: &str, series: &str) -> f64 {
    text.lines()
        .filter(|l| {
            l.strip_prefix(series)
                .is_some_and(|rest| rest.starts_with(' ') || rest.starts_with('{'))
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// The inbox's request counts by outcome, in Prometheus text.
fn inbox_outcomes(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter_map(|l| l.strip_prefix("broadsheet_inbox_requests_total{outcome=\""))
        .filter_map(|rest| {
            let (outcome, value) = rest.split_once("\"}")?;
            Some((outcome.to_string(), value.trim().parse().ok()?))
        })
        .collect()
}

/// The body of the answer to `request`.
async fn text(request: reqwest::RequestBuilder) -> String {
    request.send().await.unwrap().text().await.unwrap()
}

async fn metrics(client: &reqwest::Client, server: &Server) -> String {
    text(client.get(server.url("/metrics"))).await
}

/// Busy and total CPU time of the whole machine so far, in clock ticks (from /proc/stat).
fn machine_ticks() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let fields: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let total: u64 = fields.iter().sum();
    // idle and iowait are the 4th and 5th fields.
    let idle = fields.get(3).copied().unwrap_or(0) + fields.get(4).copied().unwrap_or(0);
    (total - idle, total)
}

/// What one inbox run measured, for the summary across runs.
struct InboxRun {
    rate: f64,
    p99: Duration,
    rss_after: f64,
}

/// Part 1: signed replies to the sample story under concurrent load (run `run` of several in
/// this process: each sends new replies).
async fn inbox_throughput(
    server: &Server,
    remote: &Remote,
    client: &reqwest::Client,
    replies: usize,
    concurrency: usize,
    limits: &Limits,
    run: usize,
) -> InboxRun {
    let inbox_url: url::Url = server.url("/inbox").parse().unwrap();
    let inbox = inbox_url.to_string();
    let story = server.url("/stories/welcome");
    let actors = remote.actors();
    let spec = |n: usize, kind: &str| remote.reply(n, kind, &story);
    let rss_idle = status_mib("VmRSS:");

    let signing = Instant::now();
    let (warm_kind, kind) = (format!("w{run}-"), format!("r{run}-"));
    let warm_specs: Vec<NoteSpec> = (0..actors).map(|n| spec(n, &warm_kind)).collect();
    let specs: Vec<NoteSpec> = (0..replies).map(|n| spec(n, &kind)).collect();
    let warm = Arc::new(sign_all(&remote.key, &inbox_url, &warm_specs));
    let load = Arc::new(sign_all(&remote.key, &inbox_url, &specs));
    drop(specs);
    let held: usize = load.iter().map(Signed::size).sum();
    eprintln!(
        "   {} requests signed in {} ({:.1} MiB held)",
        warm.len() + load.len(),
        ms(signing.elapsed()),
        held as f64 / 1024.0 / 1024.0
    );

    let warm_sent = send_all(client, &inbox, warm, concurrency).await;
    report_failures("warm-up", &warm_sent);
    let fetches_warm = remote.fetches();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let metrics_before = metrics(client, server).await;

    let rss_before = status_mib("VmRSS:");
    let cpu_before = cpu_by_thread_group();
    let machine_before = machine_ticks();
    let sent = send_all(client, &inbox, load, concurrency).await;
    let machine_after = machine_ticks();
    let cpu_after = cpu_by_thread_group();
    report_failures("load", &sent);
    let fetches_load = remote.fetches() - fetches_warm;
    let stored = replies_total(client, server, "welcome").await;
    let metrics_after = metrics(client, server).await;
    let before = inbox_outcomes(&metrics_before);
    let outcomes: Vec<String> = inbox_outcomes(&metrics_after)
        .into_iter()
        .map(|(outcome, n)| (n - before.get(&outcome).copied().unwrap_or(0.0), outcome))
        .filter(|(n, _)| *n > 0.0)
        .map(|(n, outcome)| format!("{outcome} {n:.0}"))
        .collect();

    // Only what was accepted counts.
    let accepted = replies - sent.failures.len();
    let rate = accepted as f64 / sent.wall.as_secs_f64();
    println!(
        "\n### inbox run {}: signed replies to one story ({})",
        run + 1,
        server.backend
    );
    println!("| figure | value |");
    println!("|---|---:|");
    println!(
        "| replies (after {} warm-up, one per actor) / actors / concurrent clients | {replies} / {actors} / {concurrency} |",
        warm_sent.latencies.len()
    );
    println!("| **verified replies stored per second** | **{rate:.0}** |");
    println!(
        "| ÷ one-core RSA-2048 verify rate ({:.0}/s) / ÷ SQLite batched insert rate ({:.0} rows/s) | {:.3} / {:.3} |",
        limits.verify_per_sec,
        limits.sqlite_rows_per_sec,
        rate / limits.verify_per_sec,
        rate / limits.sqlite_rows_per_sec
    );
    println!("| time for all replies | {} |", ms(sent.wall));
    println!(
        "| request latency p50 / p90 / p99 / max | {} / {} / {} / {} |",
        ms(percentile(&sent.latencies, 50.0)),
        ms(percentile(&sent.latencies, 90.0)),
        ms(percentile(&sent.latencies, 99.0)),
        ms(percentile(&sent.latencies, 100.0)),
    );
    let quarters: Vec<String> = (0..4)
        .map(|q| {
            let from = sent.finished_at.len() * q / 4;
            let to = sent.finished_at.len() * (q + 1) / 4;
            let start = if from == 0 {
                Duration::ZERO
            } else {
                sent.finished_at[from - 1]
            };
            let span = sent
                .finished_at
                .get(to.max(1) - 1)
                .map_or(Duration::ZERO, |end| end.saturating_sub(start));
            format!("{:.0}", (to - from) as f64 / span.as_secs_f64().max(1e-9))
        })
        .collect();
    println!(
        "| replies/s by quarter of the run | {} |",
        quarters.join(" → ")
    );
    println!(
        "| answered other than 202 | {} |",
        sent.failures.len() + warm_sent.failures.len()
    );
    println!(
        "| inbox outcomes counted by the server during the run | {} |",
        outcomes.join(", ")
    );
    println!("| actor fetches during warm-up / during the run | {fetches_warm} / {fetches_load} |");
    println!(
        "| stored: `totalItems` of /stories/welcome/replies (expected {}) | {stored} |",
        (replies + actors) * (run + 1)
    );
    println!("| RSS idle (server started, before signing) | {rss_idle:.1} MiB |");
    println!(
        "| RSS before the run (incl. {:.1} MiB of signed requests) | {rss_before:.1} MiB |",
        held as f64 / 1024.0 / 1024.0
    );
    println!(
        "| peak RSS of the process (VmHWM: server + remote + client) | {:.1} MiB |",
        status_mib("VmHWM:")
    );
    let cpu = cpu_delta(&cpu_before, &cpu_after);
    let total: Duration = cpu.iter().map(|(_, t)| *t).sum();
    println!(
        "\nCPU time of this process during the run: {} over {} of wall time ({:.0} % of one core)",
        ms(total),
        ms(sent.wall),
        total.as_secs_f64() / sent.wall.as_secs_f64() * 100.0
    );
    for (group, t) in cpu {
        println!(
            "- {group}: {} ({:.0} µs per reply)",
            ms(t),
            t.as_secs_f64() * 1e6 / replies as f64
        );
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let busy = (machine_after.0 - machine_before.0) as f64
        / (machine_after.1 - machine_before.1).max(1) as f64;
    println!(
        "The whole machine ({cores} cores; every process, a PostgreSQL server included) was {:.0} % busy",
        busy * 100.0
    );
    InboxRun {
        rate,
        p99: percentile(&sent.latencies, 99.0),
        rss_after: status_mib("VmRSS:"),
    }
}

/// Which earlier reply each reply of the story-page thread answers (`None`: the story), and
/// its depth below the top level.
fn thread_shape(total: usize) -> Vec<(Option<usize>, usize)> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut random = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut shape: Vec<(Option<usize>, usize)> = Vec::with_capacity(total);
    for n in 0..total {
        if n < TOP_LEVEL.min(total) {
            shape.push((None, 0));
            continue;
        }
        let parent = loop {
            let candidate = (random() % n as u64) as usize;
            if shape[candidate].1 < MAX_DEPTH {
                break candidate;
            }
        };
        shape.push((Some(parent), shape[parent].1 + 1));
    }
    shape
}

/// The row ids of the replies a page lists (`id="reply-N"`).
fn reply_ids(page: &str) -> Vec<u64> {
    numbers_after(page, "id=\"reply-")
}

/// The top-level replies whose thread a page links to (`?thread=N`).
fn linked_threads(page: &str) -> Vec<u64> {
    let mut roots = numbers_after(page, "?thread=");
    roots.sort_unstable();
    roots.dedup();
    roots
}

fn numbers_after(page: &str, marker: &str) -> Vec<u64> {
    page.match_indices(marker)
        .filter_map(|(at, _)| {
            let rest = &page[at + marker.len()..];
            let end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            rest[..end].parse().ok()
        })
        .collect()
}

/// `requests` sequential GETs of `path` on `server`: their latencies, sorted, and the server's
/// own mean time per page (`broadsheet_story_page_seconds`) over them.
async fn page_reads(
    client: &reqwest::Client,
    server: &Server,
    path: &str,
    requests: usize,
) -> (Vec<Duration>, Duration) {
    let before = metrics(client, server).await;
    let mut latencies = Vec::with_capacity(requests);
    for _ in 0..requests {
        let start = Instant::now();
        let request = client
            .get(server.url(path))
            .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        std::hint::black_box(text(request).await);
        latencies.push(start.elapsed());
    }
    latencies.sort();
    let after = metrics(client, server).await;
    let delta = |series: &str| metric(&after, series) - metric(&before, series);
    let count = delta("broadsheet_story_page_seconds_count").max(1.0);
    let mean = delta("broadsheet_story_page_seconds_sum") / count;
    (latencies, Duration::from_secs_f64(mean.max(0.0)))
}

/// Part 2: a story with a threaded conversation, its page fetched over and over.
/// Returns the first page's p50 latency.
async fn story_page(
    server: &Server,
    remote: &Remote,
    client: &reqwest::Client,
    total: usize,
    requests: usize,
    concurrency: usize,
) -> Duration {
    let db = storage::connect(&server.database_url, 1).await.unwrap();
    let secret = token::create(&db, "bench").await.unwrap();
    db.close().await.ok();
    let response = client
        .post(server.url("/api/v1/stories"))
        .bearer_auth(&secret)
        .json(&json!({
            "title": "Council approves the 2027 budget",
            "slug": "council-budget-2027",
            "summary": "The vote came after nine hours of debate.",
            "body": "The council approved the budget on Tuesday.\n\nThe vote came after nine hours \
                     of debate, with amendments on transport, housing and the libraries.\n\n"
                .repeat(4),
            "tags": ["CityHall", "Budget"],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "publishing the thread's story");
    let story: Value = response.json().await.unwrap();
    let story_url = story["url"].as_str().unwrap().to_string();
    let path = url::Url::parse(&story_url).unwrap().path().to_string();
    let slug = path.trim_start_matches("/stories/").to_string();

    let shape = thread_shape(total);
    let actors = remote.actors();
    let id = |n: usize| format!("{}/statuses/t{n}", remote.actor(n % actors));
    let inbox_url: url::Url = server.url("/inbox").parse().unwrap();
    let setup = Instant::now();
    let mut sent_total = 0;
    for depth in 0..=MAX_DEPTH {
        let specs: Vec<NoteSpec> = shape
            .iter()
            .enumerate()
            .filter(|(_, (_, d))| *d == depth)
            .map(|(n, (parent, _))| {
                let actor = remote.actor(n % actors);
                NoteSpec {
                    id: id(n),
                    in_reply_to: parent.map_or_else(|| story_url.clone(), &id),
                    content: content(&actor, n),
                    actor,
                }
            })
            .collect();
        if specs.is_empty() {
            continue;
        }
        sent_total += specs.len();
        let level = Arc::new(sign_all(&remote.key, &inbox_url, &specs));
        let sent = send_all(client, inbox_url.as_str(), level, concurrency).await;
        report_failures(&format!("thread level {depth}"), &sent);
    }
    let stored = replies_total(client, server, &slug).await;
    let mut by_depth = [0usize; MAX_DEPTH + 1];
    for (_, depth) in &shape {
        by_depth[*depth] += 1;
    }
    eprintln!(
        "   {sent_total} thread replies sent in {} ({stored} stored)",
        ms(setup.elapsed())
    );

    let get_page = || {
        text(
            client
                .get(server.url(&path))
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
        )
    };
    let page = get_page().await;
    let on_first = page.matches("class=\"reply\"").count();
    // The conversation is paged by top-level threads, and a branch too long to fold in a page
    // is on its thread's own page (`?thread=`): walk them all, counting each reply once.
    let get = |query: String| {
        text(
            client
                .get(server.url(&format!("{path}?{query}")))
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
        )
    };
    let mut seen = std::collections::HashSet::new();
    let mut pages = 1;
    let mut current = page.clone();
    let mut thread_pages = 0;
    loop {
        seen.extend(reply_ids(&current));
        for root in linked_threads(&current) {
            thread_pages += 1;
            seen.extend(reply_ids(&get(format!("thread={root}")).await));
        }
        if !current.contains("rel=\"next\"") {
            break;
        }
        pages += 1;
        current = get(format!("page={pages}")).await;
    }
    let shown = seen.len();
    // Uncached: a second server on the same database with `[web] page_cache = false`, so that
    // every read loads and renders; cached: this server, whose first read keeps the page.
    let uncached = Server::beside(server, |settings| {
        settings.web.page_cache = false;
        "page cache off".into()
    })
    .await;
    let (uncached_latencies, uncached_render) =
        page_reads(client, &uncached, &path, requests).await;
    uncached.shutdown().await;
    get_page().await;
    let (latencies, cached_render) = page_reads(client, server, &path, requests).await;
    let db = storage::connect(&server.database_url, 1).await.unwrap();
    let story = broadsheet::domain::story::find_by_slug(&db, &slug)
        .await
        .unwrap()
        .unwrap();
    let mut loads = Vec::with_capacity(requests);
    let mut loaded = 0;
    for _ in 0..requests {
        let start = Instant::now();
        loaded = broadsheet::domain::reply::paged::load(&db, &story, Default::default(), 1)
            .await
            .unwrap()
            .threads
            .len();
        loads.push(start.elapsed());
    }
    db.close().await.ok();
    loads.sort();
    println!(
        "\n### story page with {total} threaded replies ({})",
        server.backend
    );
    println!("| figure | value |");
    println!("|---|---:|");
    println!(
        "| replies by depth (0 = top level) | {} |",
        by_depth
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(" / ")
    );
    println!("| stored: `totalItems` of the story's replies (expected {total}) | {stored} |");
    println!("| replies on the first page (`class=\"reply\"`) | {on_first} |");
    println!(
        "| replies across its {pages} pages and {thread_pages} thread pages (expected {total}) | {shown} |"
    );
    println!(
        "| first page size | {:.0} KiB |",
        page.len() as f64 / 1024.0
    );
    println!("| sequential GETs, each way | {requests} |");
    // Hundredths of a millisecond: a kept page answers in well under one.
    let fine = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    for (way, sorted) in [
        ("**uncached** (`page_cache = false`)", &uncached_latencies),
        ("**cached** (the same URL read again)", &latencies),
    ] {
        println!(
            "| {way} latency **p50** / p90 / p99 / max | **{}** / {} / **{}** / {} |",
            fine(percentile(sorted, 50.0)),
            fine(percentile(sorted, 90.0)),
            fine(percentile(sorted, 99.0)),
            fine(percentile(sorted, 100.0)),
        );
    }
    println!(
        "| server's own time per page, mean (`broadsheet_story_page_seconds`): uncached / cached | {} / {} |",
        fine(uncached_render),
        fine(cached_render)
    );
    println!(
        "| first page's load alone (library, {loaded} top-level threads), p50 / p90 | {} / {} |",
        ms(percentile(&loads, 50.0)),
        ms(percentile(&loads, 90.0)),
    );
    println!(
        "| peak RSS of the process so far (VmHWM) | {:.1} MiB |",
        status_mib("VmHWM:")
    );
    percentile(&latencies, 50.0)
}

#[tokio::main]
async fn main() {
    let replies = size("BENCH_REPLIES", 10_000, 300);
    let actors = size("BENCH_ACTORS", 200, 10).max(1);
    let concurrency: usize = env_or::<usize>("BENCH_CONCURRENCY", 64).max(1);
    let runs = size("BENCH_RUNS", 3, 1).max(1);
    let thread = size("BENCH_THREAD", 1000, 100);
    let page_requests = size("BENCH_PAGE_REQUESTS", 200, 20);
    broadsheet::telemetry::init(&LogSettings {
        format: LogFormat::Text,
        filter: std::env::var("BENCH_LOG").unwrap_or_else(|_| "warn".into()),
    });
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Before anything else runs, so nothing shares the core.
    let limits = Limits::measure().await;

    let started = Instant::now();
    let server = Server::start(|settings| {
        settings.publication.sample_story = true;
        // A few actors on one host send replies as fast as they can: the senders' limits would
        // cap the run at their rates, not the server's.
        let moderation = &mut settings.moderation;
        moderation.inbox_per_host_per_minute = env_or("BENCH_INBOX_PER_HOST_PER_MINUTE", u32::MAX);
        moderation.inbox_per_host_max_per_minute = moderation.inbox_per_host_per_minute;
        moderation.inbox_per_actor_per_minute =
            env_or("BENCH_INBOX_PER_ACTOR_PER_MINUTE", u32::MAX);
        // The load generator is one client address too.
        settings.inbox.per_address_per_minute =
            env_or("BENCH_INBOX_PER_ADDRESS_PER_MINUTE", u32::MAX);
        format!(
            "inbox limits {} per host and {} per actor per minute",
            settings.moderation.inbox_per_host_per_minute,
            settings.moderation.inbox_per_actor_per_minute
        )
    })
    .await;
    eprintln!("   server up in {}", ms(started.elapsed()));
    let remote = Remote::start(actors).await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .unwrap();
    // Let the workers finish their start-up polls.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut measured = Vec::new();
    for run in 0..runs {
        let figures = inbox_throughput(
            &server,
            &remote,
            &client,
            replies,
            concurrency,
            &limits,
            run,
        )
        .await;
        measured.push(figures);
    }
    let rate = measured.iter().map(|r| r.rate).fold(0.0, f64::max);
    let by_run = |f: &dyn Fn(&InboxRun) -> String| -> String {
        measured.iter().map(f).collect::<Vec<_>>().join("/")
    };
    let (rates, p99s, rss) = (
        by_run(&|r| format!("{:.0}", r.rate)),
        by_run(&|r| ms(r.p99)),
        by_run(&|r| format!("{:.0}", r.rss_after)),
    );
    println!(
        "\n### inbox: {runs} runs in one process ({})",
        server.backend
    );
    println!("| figure | value |\n|---|---:|");
    println!("| replies/s by run | {rates} |");
    println!("| p99 latency by run | {p99s} |");
    println!("| RSS after each run (MiB; server + remote + client in this process) | {rss} |");
    let page = if thread > 0 {
        let p50 = story_page(
            &server,
            &remote,
            &client,
            thread,
            page_requests,
            concurrency,
        )
        .await;
        format!("story page with {thread} replies p50 {}", ms(p50))
    } else {
        "no story page".into()
    };
    println!(
        "\nBENCH inbox: {runs}×{replies} replies from {actors} actors, {concurrency} in flight, best {rate:.0}/s (runs {rates}, p99 {p99s}) = {:.3}× one-core verify, {:.3}× SQLite batched inserts; {page}; RSS after runs {rss} MiB, peak {:.0} MiB; machine {}",
        rate / limits.verify_per_sec,
        rate / limits.sqlite_rows_per_sec,
        status_mib("VmHWM:"),
        limits.summary()
    );

    remote.task.abort();
    server.shutdown().await;
}
