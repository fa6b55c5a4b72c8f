//! The server's footprint as an operator sees it: how long `broadsheet serve` takes to answer
//! its first request, on an empty database (migrations, keys, the sample story) and on an
//! existing one, how much memory it holds idle, and how much under the inbox benchmark's load.
//!
//! The release binary is started as a child process on a loopback port with a SQLite file in a
//! temporary folder; "answers" means `/healthz` returned 200. Each start is timed from spawn.
//! Under load, this process is the remote server and the client (`support::load`, as the inbox
//! benchmark sends): `BENCH_RUNS` runs of `BENCH_REPLIES` signed replies to the sample story from
//! `BENCH_ACTORS` actors, `BENCH_CONCURRENCY` in flight, each run preceded by one reply per
//! actor; the server's resident memory is read after each run, so it is the server's alone.
//!
//! ```sh
//! cargo bench --bench footprint
//! ```
//!
//! Knobs: `BENCH_STARTS` (5) starts of each kind; `BENCH_RUNS` (3), `BENCH_REPLIES` (10000),
//! `BENCH_ACTORS` (200), `BENCH_CONCURRENCY` (64); `BENCH_QUICK=1` one start of each and three
//! runs of 300 replies from 10 actors.
//! Targets: < 1 s on an empty database, < 0.5 s on an existing one, idle RSS < 50 MB, < 150 MB
//! under the inbox load and no growth from run to run.

#![allow(clippy::unwrap_used)]

#[path = "support/mod.rs"]
#[allow(
    dead_code,
    reason = "the server runs in another process: this one's own figures are not reported"
)]
mod support;
use support::{
    env_or,
    load::{NoteSpec, Remote, report_failures, send_all, sign_all},
    ms, size, status_mib_of,
};

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

/// The inbox limits lifted for the load: one remote host whose actors send every reply, faster
/// than a sender is let by default, would measure the limiter instead of the server.
const UNLIMITED: &str = "[moderation]
inbox_per_host_per_minute = 100000000
inbox_per_host_max_per_minute = 100000000
inbox_per_actor_per_minute = 100000000
[inbox]
per_address_per_minute = 100000000
";

struct Started {
    child: Child,
    port: u16,
    took: Duration,
}

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the server on `database` (with the configuration file `config`, if any) and waits
/// until `/healthz` answers 200.
fn start(database: &str, config: Option<&Path>) -> Started {
    let port = free_port();
    let began = Instant::now();
    let mut command = Command::new(env!("CARGO_BIN_EXE_broadsheet"));
    if let Some(config) = config {
        command.env("BROADSHEET_CONFIG", config);
    }
    let mut started = Started {
        port,
        child: command
            .arg("serve")
            .env("DATABASE_URL", database)
            .env("BROADSHEET_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
            .env("BROADSHEET_BIND", format!("127.0.0.1:{port}"))
            .env("BROADSHEET_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
        took: Duration::ZERO,
    };
    let deadline = began + Duration::from_secs(30);
    loop {
        if healthy(port) {
            started.took = began.elapsed();
            return started;
        }
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// One plain HTTP/1.1 request, so the client adds nothing measurable to the start.
fn healthy(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let request =
        format!("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}

/// A memory figure (`VmRSS:`, `VmHWM:`) of process `pid`, in MiB.
fn memory_of(pid: u32, key: &str) -> f64 {
    status_mib_of(&pid.to_string(), key)
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let starts = match quick {
        true => 1,
        false => std::env::var("BENCH_STARTS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(5usize)
            .max(1),
    };
    let mut empty = Vec::new();
    let mut existing = Vec::new();
    let mut idle = Vec::new();
    for _ in 0..starts {
        let dir = tempfile::tempdir().unwrap();
        let database = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
        let first = start(&database, None);
        empty.push(first.took);
        drop(first);
        let again = start(&database, None);
        existing.push(again.took);
        std::thread::sleep(Duration::from_secs(if quick { 1 } else { 2 }));
        idle.push(memory_of(again.child.id(), "VmRSS:"));
    }
    let (empty, existing) = (median(empty), median(existing));
    let idle = idle.iter().copied().fold(0.0, f64::max);
    println!("\n### footprint: `broadsheet serve`, release build, SQLite ({starts} starts each)");
    println!("| figure | value | target |");
    println!("|---|---:|---:|");
    println!(
        "| start-up on an empty database (median) | {} | < 1,000 ms |",
        ms(empty)
    );
    println!(
        "| start-up on an existing database (median) | {} | < 500 ms |",
        ms(existing)
    );
    println!("| idle RSS (highest) | {idle:.1} MiB | < 50 MB |");
    let loaded = under_load(quick);
    let after: Vec<String> = loaded.rss_after.iter().map(|m| format!("{m:.0}")).collect();
    let rates: Vec<String> = loaded.rates.iter().map(|r| format!("{r:.0}")).collect();
    println!(
        "| server RSS after each of {} inbox runs ({} replies each) | {} MiB | < 150 MB, no growth |",
        loaded.rss_after.len(),
        loaded.replies,
        after.join(" / ")
    );
    println!(
        "| server peak RSS during the runs (VmHWM) | {:.1} MiB | < 150 MB |",
        loaded.peak
    );
    println!(
        "| replies/s per run (the load from another process) | {} | — |",
        rates.join(" / ")
    );
    println!(
        "BENCH footprint: start empty {} · start existing {} · idle RSS {idle:.1} MiB · under inbox load RSS {} MiB, peak {:.0} MiB",
        ms(empty),
        ms(existing),
        after.join("/"),
        loaded.peak
    );
}

/// What the server held under the inbox load.
struct Loaded {
    replies: usize,
    rates: Vec<f64>,
    rss_after: Vec<f64>,
    peak: f64,
}

/// Starts the server on a new database and sends it the inbox benchmark's load, run after run.
fn under_load(quick: bool) -> Loaded {
    let replies = size("BENCH_REPLIES", 10_000, 300);
    let actors = size("BENCH_ACTORS", 200, 10).max(1);
    let runs = env_or("BENCH_RUNS", 3usize).max(1);
    let concurrency = env_or("BENCH_CONCURRENCY", 64usize).max(1);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bench.toml");
    std::fs::write(&config, UNLIMITED).unwrap();
    let database = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
    let server = start(&database, Some(&config));
    let pid = server.child.id();
    let base = format!("http://127.0.0.1:{}", server.port);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut loaded = Loaded {
        replies,
        rates: Vec::new(),
        rss_after: Vec::new(),
        peak: 0.0,
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    runtime.block_on(async {
        let remote = Remote::start(actors).await;
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(concurrency)
            .build()
            .unwrap();
        let inbox_url: url::Url = format!("{base}/inbox").parse().unwrap();
        let inbox = inbox_url.to_string();
        let story = format!("{base}/stories/welcome");
        let spec = |n: usize, kind: &str| remote.reply(n, kind, &story);
        for run in 0..runs {
            let warm: Vec<NoteSpec> = (0..actors).map(|n| spec(n, &format!("w{run}-"))).collect();
            let load: Vec<NoteSpec> = (0..replies).map(|n| spec(n, &format!("r{run}-"))).collect();
            let warm = Arc::new(sign_all(&remote.key, &inbox_url, &warm));
            let load = Arc::new(sign_all(&remote.key, &inbox_url, &load));
            report_failures(
                "warm-up",
                &send_all(&client, &inbox, warm, concurrency).await,
            );
            let sent = send_all(&client, &inbox, load, concurrency).await;
            report_failures("load", &sent);
            let accepted = replies - sent.failures.len();
            loaded.rates.push(accepted as f64 / sent.wall.as_secs_f64());
            // A second for what the run left to settle (the writer's last batch, freed memory).
            tokio::time::sleep(Duration::from_secs(if quick { 1 } else { 2 })).await;
            loaded.rss_after.push(memory_of(pid, "VmRSS:"));
        }
        remote.task.abort();
    });
    loaded.peak = memory_of(pid, "VmHWM:");
    drop(server);
    loaded
}
