//! The media proxy's disk cache. A file is named by the SHA-256 of its remote URL, in a folder
//! per first byte, and starts with one header line holding its media type, so type and bytes
//! are one file and appear together. Files are written to `tmp/` and renamed into place: a
//! replica sharing the folder sees a whole file or none. A read touches the file's modification
//! time, and when the cache outgrows its cap the least recently touched files are removed until
//! it is back under 90% of it (so a full cache is not walked on every write).
//!
//! The size is counted at start and kept in memory; replicas sharing the folder each count
//! what they wrote, and every eviction walks the folder, so the count is corrected there.

use std::{
    fs,
    io::{Read, Write},
    path::{Path, PathBuf},
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, SystemTime},
};

use axum::body::Bytes;

/// The first line of every cached file: this marker, the media type, a newline.
const MAGIC: &[u8] = b"broadsheet-media 1 ";
/// Temporary files older than this were left by a crash and are removed.
const STALE_TMP: Duration = Duration::from_secs(3600);

/// A file served from the cache or just fetched.
#[derive(Debug, Clone)]
pub struct Cached {
    pub content_type: &'static str,
    pub body: Bytes,
}

pub struct DiskCache {
    dir: PathBuf,
    max_bytes: u64,
    size: AtomicU64,
    /// One eviction at a time; a write that finds one running leaves it the work.
    evicting: Mutex<()>,
}

/// The cache file name for a remote URL.
pub fn key(remote: &str) -> String {
    ring::digest::digest(&ring::digest::SHA256, remote.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl DiskCache {
    /// Opens (creating) `dir` and counts what is already there.
    pub fn open(dir: &Path, max_bytes: u64) -> DiskCache {
        if let Err(err) = fs::create_dir_all(dir.join("tmp")) {
            tracing::warn!(dir = %dir.display(), error = %err, "cannot create the media cache; media will be fetched every time");
        }
        remove_stale_tmp(&dir.join("tmp"));
        let size = files(dir).iter().map(|f| f.len).sum();
        DiskCache {
            dir: dir.to_path_buf(),
            max_bytes,
            size: AtomicU64::new(size),
            evicting: Mutex::new(()),
        }
    }

    /// Bytes on disk, as this process counts them.
    pub fn size(&self) -> u64 {
        self.size.load(Ordering::Relaxed)
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(key)
    }

    /// The cached file for `key`, touched so eviction sees it was used.
    pub fn get(&self, key: &str) -> Option<Cached> {
        let mut file = fs::File::open(self.path(key)).ok()?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).ok()?;
        let _ = file.set_modified(SystemTime::now());
        parse(bytes)
    }

    /// Stores a file, then evicts if the cache outgrew its cap. Failures are logged: the file
    /// is still served, just fetched again next time.
    pub fn put(&self, key: &str, entry: &Cached) {
        match self.write(key, entry) {
            Ok(written) => {
                let size = self.size.fetch_add(written, Ordering::Relaxed) + written;
                if size > self.max_bytes {
                    self.evict();
                }
            }
            Err(err) => tracing::warn!(error = %err, "cannot write to the media cache"),
        }
    }

    fn write(&self, key: &str, entry: &Cached) -> std::io::Result<u64> {
        let tmp = self
            .dir
            .join("tmp")
            .join(uuid::Uuid::new_v4().simple().to_string());
        let mut file = fs::File::create(&tmp)?;
        file.write_all(MAGIC)?;
        file.write_all(entry.content_type.as_bytes())?;
        file.write_all(b"\n")?;
        file.write_all(&entry.body)?;
        // Stamped with the precise clock, as `get` stamps a hit: the kernel dates writes with a
        // coarser one, which could make a file just written look older than one read after it.
        file.set_modified(SystemTime::now())?;
        let written = file.metadata()?.len();
        drop(file);
        let target = self.path(key);
        let renamed = target
            .parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| fs::rename(&tmp, &target));
        if renamed.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        renamed.map(|()| written)
    }

    /// Removes the least recently used files until the cache is under 90% of its cap.
    fn evict(&self) {
        let Ok(_running) = self.evicting.try_lock() else {
            return;
        };
        let mut found = files(&self.dir);
        found.sort_by_key(|f| f.used);
        let mut total: u64 = found.iter().map(|f| f.len).sum();
        let target = self.max_bytes / 10 * 9;
        for file in found {
            if total <= target {
                break;
            }
            if fs::remove_file(&file.path).is_ok() {
                total -= file.len;
            }
        }
        self.size.store(total, Ordering::Relaxed);
    }
}

/// The header line's media type and the bytes after it. The type is one we sniffed, so it is
/// matched back to its `'static` spelling; anything else is not our file.
fn parse(bytes: Vec<u8>) -> Option<Cached> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let end = rest.iter().position(|&b| b == b'\n')?;
    let content_type = super::sniff::known(std::str::from_utf8(&rest[..end]).ok()?)?;
    let start = MAGIC.len() + end + 1;
    Some(Cached {
        content_type,
        body: Bytes::from(bytes).slice(start..),
    })
}

struct CachedFile {
    path: PathBuf,
    len: u64,
    used: SystemTime,
}

/// Every cached file (not the temporary ones), with its size and last use.
fn files(dir: &Path) -> Vec<CachedFile> {
    let shards = fs::read_dir(dir).into_iter().flatten().flatten();
    shards
        .filter(|shard| shard.file_name().len() == 2)
        .flat_map(|shard| fs::read_dir(shard.path()).into_iter().flatten().flatten())
        .filter_map(|entry| {
            let meta = entry.metadata().ok()?;
            Some(CachedFile {
                path: entry.path(),
                len: meta.len(),
                used: meta.modified().ok()?,
            })
        })
        .collect()
}

fn remove_stale_tmp(tmp: &Path) {
    let now = SystemTime::now();
    for entry in fs::read_dir(tmp).into_iter().flatten().flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| now.duration_since(t).unwrap_or_default() > STALE_TMP);
        if old {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Cached, DiskCache, key};
    use axum::body::Bytes;

    fn png(size: usize) -> Cached {
        let mut body = b"\x89PNG\r\n\x1a\n".to_vec();
        body.resize(size, 0);
        Cached {
            content_type: "image/png",
            body: Bytes::from(body),
        }
    }

    #[test]
    fn files_come_back_with_their_type_and_survive_reopening() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = DiskCache::open(dir.path(), 1 << 20);
        assert!(cache.get(&key("https://a.example/x")).is_none());
        cache.put(&key("https://a.example/x"), &png(1000));
        let hit = cache.get(&key("https://a.example/x")).expect("cached");
        assert_eq!((hit.content_type, hit.body.len()), ("image/png", 1000));
        let size = cache.size();
        assert!(size > 1000);
        let reopened = DiskCache::open(dir.path(), 1 << 20);
        assert_eq!(reopened.size(), size);
        assert!(reopened.get(&key("https://a.example/x")).is_some());
    }

    #[test]
    fn the_least_recently_used_files_go_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        // Room for two 1,000-byte files, not three.
        let cache = DiskCache::open(dir.path(), 2500);
        let (a, b, c) = (key("a"), key("b"), key("c"));
        cache.put(&a, &png(1000));
        std::thread::sleep(std::time::Duration::from_millis(20));
        cache.put(&b, &png(1000));
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(cache.get(&a).is_some());
        cache.put(&c, &png(1000));
        assert!(cache.get(&b).is_none(), "b was used least recently");
        assert!(cache.get(&a).is_some() && cache.get(&c).is_some());
        assert!(cache.size() <= 2500);
    }

    #[test]
    fn foreign_files_are_not_served() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = DiskCache::open(dir.path(), 1 << 20);
        let k = key("https://a.example/x");
        std::fs::create_dir_all(dir.path().join(&k[..2])).expect("shard");
        std::fs::write(dir.path().join(&k[..2]).join(&k), b"<html>").expect("write");
        assert!(cache.get(&k).is_none());
    }
}
