//! What the benchmarks share: the server under test ([`server`]), the signed replies sent to an
//! inbox ([`load`]), this machine's own limits to
//! compare figures with ([`limits`]), and the process figures they report: CPU time per thread
//! group, memory from `/proc/self/status`, and settings from the environment.
//!
//! Benchmarks read their settings from the environment only, so the arguments cargo passes
//! (`--bench`, a filter) are ignored. `BENCH_QUICK=1` shrinks every size to a smoke run of a few
//! seconds (what CI can afford); explicit `BENCH_*` sizes still win.

#[allow(
    dead_code,
    reason = "not every benchmark compares itself with every limit"
)]
pub mod limits;
#[allow(
    dead_code,
    reason = "only the inbox and footprint benchmarks send replies"
)]
pub mod load;
#[allow(
    dead_code,
    reason = "the footprint benchmark runs the release binary instead"
)]
pub mod server;

use std::{collections::BTreeMap, time::Duration};

/// CPU time (user + system) of this process's threads, by thread name without its number.
pub fn cpu_by_thread_group() -> BTreeMap<String, Duration> {
    let mut groups = BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return groups;
    };
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = stat[open + 1..close]
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-')
            .to_string();
        let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
        // After the name: state is field 3, utime 14 and stime 15 (1-based, in clock ticks).
        let ticks: u64 = fields
            .get(11..13)
            .map(|f| f.iter().filter_map(|v| v.parse::<u64>().ok()).sum())
            .unwrap_or(0);
        // Linux's USER_HZ is 100 on every mainstream configuration.
        *groups.entry(name).or_insert(Duration::ZERO) += Duration::from_millis(ticks * 10);
    }
    groups
}

pub fn cpu_delta(
    before: &BTreeMap<String, Duration>,
    after: &BTreeMap<String, Duration>,
) -> Vec<(String, Duration)> {
    let mut out: Vec<(String, Duration)> = after
        .iter()
        .map(|(name, t)| {
            (
                name.clone(),
                t.saturating_sub(before.get(name).copied().unwrap_or_default()),
            )
        })
        .filter(|(_, t)| !t.is_zero())
        .collect();
    out.sort_by_key(|(_, t)| std::cmp::Reverse(*t));
    out
}

/// `BENCH_QUICK=1`: a smoke run with small sizes.
pub fn quick() -> bool {
    std::env::var("BENCH_QUICK").is_ok_and(|v| v == "1")
}

/// A size from `name` in the environment, else `full`, or `small` in a quick run.
pub fn size(name: &str, full: usize, small: usize) -> usize {
    env_or(name, if quick() { small } else { full })
}

pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// A `kB` line of /proc/self/status, in MiB.
pub fn status_mib(key: &str) -> f64 {
    status_mib_of("self", key)
}

/// A `kB` line of /proc/`process`/status (`self` or a pid), in MiB.
pub fn status_mib_of(process: &str, key: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{process}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
