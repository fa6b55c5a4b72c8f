//! Seed inputs: the payloads captured from real servers (read where the tests read them, never
//! copied into the project) and small hand-written ones per target.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The captured payloads, and the strings in them that other targets can start from.
#[derive(Default)]
pub struct Fixtures {
    pub dir: Option<PathBuf>,
    /// Every JSON document, as read.
    pub documents: Vec<Vec<u8>>,
    /// `content`, `summary`, `name` and `contentMap` values: real HTML from real servers.
    pub html: Vec<String>,
    /// `source.content` values and other long plain texts: Markdown-ish prose.
    pub prose: Vec<String>,
    /// `acct:` subjects, aliases and `preferredUsername@host` strings.
    pub handles: Vec<String>,
    /// Documents with a `links` array (WebFinger and NodeInfo discovery).
    pub jrd: Vec<Vec<u8>>,
}

/// `$BROADSHEET_FIXTURES`, else `../shared/fixtures/fediverse` beside the clone.
pub fn fixtures_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("BROADSHEET_FIXTURES") {
        return Some(PathBuf::from(dir)).filter(|d| d.is_dir());
    }
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let clone = crate_dir.parent().unwrap_or(crate_dir);
    let beside = clone
        .parent()
        .unwrap_or(clone)
        .join("shared/fixtures/fediverse");
    beside.is_dir().then_some(beside)
}

pub fn load() -> Fixtures {
    let mut fixtures = Fixtures {
        dir: fixtures_dir(),
        ..Fixtures::default()
    };
    let Some(dir) = fixtures.dir.clone() else {
        return fixtures;
    };
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    for file in files {
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        if let Ok(value) = serde_json::from_slice::<Value>(&bytes) {
            strings(&value, &mut fixtures);
            if value.get("links").is_some_and(Value::is_array) {
                fixtures.jrd.push(bytes.clone());
            }
        }
        fixtures.documents.push(bytes);
    }
    fixtures.html.sort();
    fixtures.html.dedup();
    fixtures.prose.sort();
    fixtures.prose.dedup();
    fixtures.handles.sort();
    fixtures.handles.dedup();
    fixtures
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

fn strings(value: &Value, fixtures: &mut Fixtures) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("content" | "summary" | "name", Value::String(s)) if s.contains('<') => {
                        fixtures.html.push(s.clone());
                    }
                    ("contentMap" | "summaryMap" | "nameMap", Value::Object(m)) => {
                        fixtures
                            .html
                            .extend(m.values().filter_map(Value::as_str).map(str::to_string));
                    }
                    ("content" | "summary" | "source", Value::String(s)) if s.len() > 20 => {
                        fixtures.prose.push(s.clone());
                    }
                    ("subject" | "aliases" | "alias", Value::String(s)) if s.contains('@') => {
                        fixtures.handles.push(s.clone());
                    }
                    ("webfinger" | "fqn" | "acct", Value::String(s)) => {
                        fixtures.handles.push(s.clone());
                    }
                    _ => {}
                }
                strings(v, fixtures);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| strings(v, fixtures)),
        _ => {}
    }
}
