//! The server's footprint as an operator sees it: how long `broadsheet serve` takes to answer
//! its first request, on an empty database (migrations, keys, the sample story) and on an
//! existing one, and how much memory it holds idle.
//!
//! The release binary is started as a child process on a loopback port with a SQLite file in a
//! temporary folder; "answers" means `/healthz` returned 200. Each start is timed from spawn.
//!
//! ```sh
//! cargo bench --bench footprint
//! ```
//!
//! Knobs: `BENCH_STARTS` (5) starts of each kind; `BENCH_QUICK=1` one of each.
//! Targets: < 1 s on an empty database, < 0.5 s on an existing one, idle RSS < 50 MB.

#![allow(clippy::unwrap_used)]

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

struct Started {
    child: Child,
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

/// Starts the server on `database` and waits until `/healthz` answers 200.
fn start(database: &str) -> Started {
    let port = free_port();
    let began = Instant::now();
    let mut started = Started {
        child: Command::new(env!("CARGO_BIN_EXE_broadsheet"))
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

/// Resident memory of process `pid`, in MiB.
fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
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
        let first = start(&database);
        empty.push(first.took);
        drop(first);
        let again = start(&database);
        existing.push(again.took);
        std::thread::sleep(Duration::from_secs(if quick { 1 } else { 2 }));
        idle.push(rss_mib(again.child.id()));
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
    println!(
        "BENCH footprint: start empty {} · start existing {} · idle RSS {idle:.1} MiB",
        ms(empty),
        ms(existing)
    );
}
