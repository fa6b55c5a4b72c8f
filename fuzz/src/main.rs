//! Fuzzing Broadsheet's parsers on the stable toolchain: mutates seed inputs (the payloads
//! captured from real servers and small hand-written ones), generates structured inputs with
//! `arbitrary`, catches each panic, and reports executions and crashing inputs.
//!
//! ```text
//! cargo run --release -p broadsheet-fuzz -- <target|all> [--seconds N] [--seed S] [--crashes DIR]
//! cargo run --release -p broadsheet-fuzz -- <target> --input FILE     # replay one input
//! cargo run --release -p broadsheet-fuzz -- list
//! ```
//!
//! Exits with 1 when any input panicked (or broke an asserted property); each is saved to the
//! crash folder (`target/fuzz` by default).

mod abort_guard;
mod generate;
mod html_check;
mod mutate;
mod rng;
mod seeds;
mod targets;

use std::{
    cell::RefCell,
    collections::{HashMap, HashSet},
    panic::{self, AssertUnwindSafe},
    path::{Path, PathBuf},
    process::ExitCode,
    time::{Duration, Instant},
};

use arbitrary::Unstructured;
use serde_json::Value;

use crate::{
    rng::Rng,
    seeds::Fixtures,
    targets::{JSON_KEYS, JSON_STRINGS, Target},
};

/// Inputs kept for mutation, at most.
const MAX_CORPUS: usize = 4096;
/// An input slower than this is reported (and saved) as slow.
const SLOW: Duration = Duration::from_secs(1);

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

struct Options {
    targets: Vec<&'static Target>,
    seconds: f64,
    seed: u64,
    crashes: PathBuf,
    input: Option<PathBuf>,
}

#[derive(Default)]
struct Report {
    execs: u64,
    elapsed: Duration,
    seeds: usize,
    corpus: usize,
    paths: usize,
    last_new: Duration,
    slowest: Duration,
    crashes: Vec<(String, PathBuf)>,
    slow: Vec<PathBuf>,
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            eprintln!(
                "usage: broadsheet-fuzz <{}|all|list> [--seconds N] [--seed S] [--crashes DIR] [--input FILE]",
                targets::TARGETS
                    .iter()
                    .map(|t| t.name)
                    .collect::<Vec<_>>()
                    .join("|")
            );
            return ExitCode::from(2);
        }
    };
    panic::set_hook(Box::new(|info| {
        let message = match info.payload().downcast_ref::<&str>() {
            Some(s) => s.to_string(),
            None => info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default(),
        };
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        LAST_PANIC.with(|last| *last.borrow_mut() = Some(format!("{location}: {message}")));
    }));
    if let Err(e) = std::fs::create_dir_all(&options.crashes) {
        eprintln!("cannot create {}: {e}", options.crashes.display());
        return ExitCode::from(2);
    }

    if let Some(input) = &options.input {
        return replay(options.targets[0], input);
    }

    let fixtures = seeds::load();
    match &fixtures.dir {
        Some(dir) => println!(
            "fuzz: {} captured payloads from {} ({} HTML fragments, {} texts, {} handles, {} JRDs)",
            fixtures.documents.len(),
            dir.display(),
            fixtures.html.len(),
            fixtures.prose.len(),
            fixtures.handles.len(),
            fixtures.jrd.len()
        ),
        None => println!(
            "fuzz: no captured payloads (set BROADSHEET_FIXTURES or place ../shared/fixtures/fediverse beside the clone); hand-written seeds only"
        ),
    }
    println!(
        "fuzz: {} s per target, seed {}, crashes saved in {}",
        options.seconds,
        options.seed,
        options.crashes.display()
    );

    // Deep recursion in the code under test must fail as it would in a server worker thread
    // (2 MiB, as tokio's); an unoptimised build's frames are several times larger.
    let stack = if cfg!(debug_assertions) {
        16 << 20
    } else {
        2 << 20
    };
    let mut total_execs = 0;
    let mut total_crashes = 0;
    let mut total_time = Duration::ZERO;
    for (i, target) in options.targets.iter().enumerate() {
        let seed = options.seed.wrapping_add(i as u64);
        let report = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name(format!("fuzz-{}", target.name))
                .stack_size(stack)
                .spawn_scoped(scope, || {
                    fuzz(target, &fixtures, options.seconds, seed, &options.crashes)
                })
                .map(|worker| worker.join())
        });
        let Ok(Ok(report)) = report else {
            eprintln!("fuzz: {}: the harness itself failed", target.name);
            return ExitCode::from(2);
        };
        print_report(target, &report);
        total_execs += report.execs;
        total_crashes += report.crashes.len();
        total_time += report.elapsed;
    }
    println!(
        "fuzz: {} targets, {} executions in {:.1} s, {} distinct panics",
        options.targets.len(),
        total_execs,
        total_time.as_secs_f64(),
        total_crashes
    );
    if total_crashes > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The workspace root, above this crate.
fn workspace() -> &'static Path {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here)
}

fn parse_args() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let mut names = Vec::new();
    let mut options = Options {
        targets: Vec::new(),
        seconds: 60.0,
        seed: 1,
        crashes: workspace().join("target/fuzz"),
        input: None,
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--seconds" => {
                options.seconds = value("--seconds")?
                    .parse()
                    .map_err(|_| "--seconds takes a number".to_string())?;
            }
            "--seed" => {
                options.seed = value("--seed")?
                    .parse()
                    .map_err(|_| "--seed takes an integer".to_string())?;
            }
            "--crashes" => options.crashes = PathBuf::from(value("--crashes")?),
            "--input" => options.input = Some(PathBuf::from(value("--input")?)),
            "list" => {
                for target in targets::TARGETS {
                    println!("{:<14} {}", target.name, target.about);
                }
                std::process::exit(0);
            }
            "all" => names.extend(targets::TARGETS.iter().map(|t| t.name.to_string())),
            other if other.starts_with("--") => return Err(format!("unknown option {other}")),
            other => names.push(other.to_string()),
        }
    }
    if names.is_empty() {
        return Err("name a target, or all".into());
    }
    for name in names {
        let target = targets::TARGETS
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| format!("no target named {name}"))?;
        options.targets.push(target);
    }
    if options.input.is_some() && options.targets.len() != 1 {
        return Err("--input replays one target".into());
    }
    Ok(options)
}

/// Runs one input; `Err` holds the panic's location and message.
fn execute(target: &Target, input: &[u8]) -> Result<u64, String> {
    abort_guard::set(input);
    panic::catch_unwind(AssertUnwindSafe(|| (target.run)(input))).map_err(|_| {
        LAST_PANIC
            .with(|last| last.borrow_mut().take())
            .unwrap_or_else(|| "a panic without a message".into())
    })
}

fn replay(target: &Target, path: &Path) -> ExitCode {
    let input = match std::fs::read(path) {
        Ok(input) => input,
        Err(e) => {
            eprintln!("cannot read {}: {e}", path.display());
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    match execute(target, &input) {
        Ok(_) => {
            println!("{}: no panic ({:?})", target.name, started.elapsed());
            ExitCode::SUCCESS
        }
        Err(message) => {
            println!("{}: panic: {message}", target.name);
            ExitCode::FAILURE
        }
    }
}

/// FNV-1a, for crash file names.
fn fingerprint(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn fuzz(target: &Target, fixtures: &Fixtures, seconds: f64, seed: u64, crashes: &Path) -> Report {
    abort_guard::install(&crashes.join(format!("{}-aborted.bin", target.name)));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(seconds.max(0.0));
    let mut rng = Rng::new(seed ^ fingerprint(target.name.as_bytes()));
    let mut report = Report::default();
    let mut corpus: Vec<Vec<u8>> = Vec::new();
    let mut seen_paths = HashSet::new();
    let mut seen_crashes: HashMap<String, PathBuf> = HashMap::new();
    let mut initial = (target.seeds)(fixtures);
    initial.sort();
    initial.dedup();
    report.seeds = initial.len();

    let mut run = |input: Vec<u8>, report: &mut Report, corpus: &mut Vec<Vec<u8>>, keep: bool| {
        let t0 = Instant::now();
        let result = execute(target, &input);
        let took = t0.elapsed();
        report.execs += 1;
        if took > report.slowest {
            report.slowest = took;
        }
        if took > SLOW && report.slow.len() < 5 {
            let path = crashes.join(format!(
                "{}-slow-{:016x}.bin",
                target.name,
                fingerprint(&input)
            ));
            if std::fs::write(&path, &input).is_ok() {
                report.slow.push(path);
            }
        }
        match result {
            Ok(path) => {
                if seen_paths.insert(path) {
                    report.last_new = started.elapsed();
                    if corpus.len() < MAX_CORPUS {
                        corpus.push(input);
                    }
                } else if keep {
                    corpus.push(input);
                }
            }
            Err(message) => {
                // One report per panic site (the location before the message).
                let site = message.split(": ").next().unwrap_or_default().to_string();
                if let std::collections::hash_map::Entry::Vacant(entry) = seen_crashes.entry(site) {
                    let file = crashes.join(format!(
                        "{}-crash-{:016x}.bin",
                        target.name,
                        fingerprint(&input)
                    ));
                    let _ = std::fs::write(&file, &input);
                    let shown: String = message.chars().take(600).collect();
                    println!(
                        "fuzz: {}: PANIC {shown}\n      input saved to {}",
                        target.name,
                        file.display()
                    );
                    entry.insert(file);
                }
            }
        }
    };

    for input in initial {
        run(input, &mut report, &mut corpus, true);
    }
    if corpus.is_empty() {
        corpus.push(Vec::new());
    }
    while Instant::now() < deadline {
        let input = next_input(target, &mut rng, &corpus);
        if input.len() > 2 * mutate::MAX_INPUT {
            continue;
        }
        run(input, &mut report, &mut corpus, false);
    }
    report.elapsed = started.elapsed();
    report.corpus = corpus.len();
    report.paths = seen_paths.len();
    let mut crashes: Vec<(String, PathBuf)> = seen_crashes.into_iter().collect();
    crashes.sort();
    report.crashes = crashes;
    report
}

fn next_input(target: &Target, rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    let strategy = rng.below(10);
    if strategy < 2 {
        // Structure-aware: build an input from random bytes.
        let len = 16 + rng.skewed(4096);
        let bytes = rng.fill(len);
        let mut u = Unstructured::new(&bytes);
        if let Ok(input) = (target.generate)(&mut u) {
            return input;
        }
    }
    let base = &corpus[rng.below(corpus.len())];
    if target.json
        && strategy < 6
        && let Ok(mut value) = serde_json::from_slice::<Value>(base)
    {
        mutate::json(rng, &mut value, JSON_KEYS, JSON_STRINGS);
        if let Ok(bytes) = serde_json::to_vec(&value) {
            return bytes;
        }
    }
    let other = &corpus[rng.below(corpus.len())];
    let mut input = base.clone();
    mutate::bytes(rng, &mut input, target.dict, other);
    input
}

fn print_report(target: &Target, report: &Report) {
    let secs = report.elapsed.as_secs_f64();
    println!(
        "fuzz: {:<13} {:>10} execs in {:>6.1} s ({:>7.0}/s), {} seeds, corpus {}, {} paths (last new at {:.1} s), slowest {:.1} ms, {} panics",
        target.name,
        report.execs,
        secs,
        report.execs as f64 / secs.max(1e-9),
        report.seeds,
        report.corpus,
        report.paths,
        report.last_new.as_secs_f64(),
        report.slowest.as_secs_f64() * 1000.0,
        report.crashes.len()
    );
    for path in &report.slow {
        println!("      slow input saved to {}", path.display());
    }
}
