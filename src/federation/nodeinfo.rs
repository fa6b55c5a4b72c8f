//! Other servers' NodeInfo (software, version, users), for the desk's triage signals. Read in
//! the background with a short deadline, through the outbound guard, and cached in
//! `instance_nodeinfo`: a page never waits on a server, and a dead one is asked again only
//! after a while.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex, OnceLock},
    time::Duration,
};

use chrono::Utc;
use serde_json::Value;
use url::Url;

use super::{context::Federation, origin::same_origin};
use crate::storage::{entities::instance_nodeinfo, instance_nodeinfo as cache};

/// A reading is good for a day; a failed one is tried again after an hour.
const FRESH_FOR: chrono::Duration = chrono::Duration::hours(24);
const RETRY_AFTER: chrono::Duration = chrono::Duration::hours(1);
/// The whole reading (two documents) gives up after this.
const DEADLINE: Duration = Duration::from_secs(5);

/// Domains being read now in this process, so a busy page starts one reading per server.
fn in_flight() -> &'static Mutex<HashSet<String>> {
    static IN_FLIGHT: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    IN_FLIGHT.get_or_init(|| Mutex::new(HashSet::new()))
}

/// Starts reading the NodeInfo of the server of `actor` (`host[:port]` `domain`) in the
/// background, unless a fresh reading is cached or one is under way. Returns at once.
pub async fn refresh_if_stale(fed: &Arc<Federation>, domain: &str, actor: &str) {
    let Ok(actor) = Url::parse(actor) else {
        return;
    };
    match cache::get(&fed.db, domain).await {
        Ok(Some(known)) => {
            let age = Utc::now() - known.fetched_at;
            let fresh = if known.error.is_some() {
                RETRY_AFTER
            } else {
                FRESH_FOR
            };
            if age < fresh {
                return;
            }
        }
        Ok(None) => {}
        Err(err) => {
            tracing::warn!(error = %err, "cannot read the NodeInfo cache");
            return;
        }
    }
    let Ok(mut started) = in_flight().lock() else {
        return;
    };
    if !started.insert(domain.to_string()) {
        return;
    }
    drop(started);
    let fed = fed.clone();
    let domain = domain.to_string();
    tokio::spawn(async move {
        let reading = tokio::time::timeout(DEADLINE, read(&fed, &actor))
            .await
            .unwrap_or_else(|_| Err("no answer in time".into()));
        let row = match reading {
            Ok(info) => info.into_row(&domain),
            Err(error) => failed(&domain, error),
        };
        if let Err(err) = cache::put(&fed.db, row).await {
            tracing::warn!(error = %err, "cannot store NodeInfo");
        }
        if let Ok(mut started) = in_flight().lock() {
            started.remove(&domain);
        }
    });
}

struct Reading {
    software: Option<String>,
    version: Option<String>,
    users: Option<i64>,
}

impl Reading {
    fn into_row(self, domain: &str) -> instance_nodeinfo::Model {
        instance_nodeinfo::Model {
            domain: domain.to_string(),
            software: self.software,
            version: self.version,
            users: self.users,
            error: None,
            fetched_at: Utc::now(),
        }
    }
}

fn failed(domain: &str, error: String) -> instance_nodeinfo::Model {
    instance_nodeinfo::Model {
        domain: domain.to_string(),
        software: None,
        version: None,
        users: None,
        error: Some(error.chars().take(300).collect()),
        fetched_at: Utc::now(),
    }
}

/// `/.well-known/nodeinfo` on the actor's origin, then the 2.x document it links to, which
/// must be on the same origin.
async fn read(fed: &Federation, actor: &Url) -> Result<Reading, String> {
    let mut index = actor.clone();
    index.set_path("/.well-known/nodeinfo");
    index.set_query(None);
    index.set_fragment(None);
    let links = fed
        .client
        .get_public_json(&index)
        .await
        .map_err(|e| e.to_string())?;
    let href = schema_link(&links).ok_or("no NodeInfo 2.x link")?;
    let href: Url = href.parse().map_err(|_| "the NodeInfo link is not a URL")?;
    if !same_origin(&href, actor) {
        return Err("the NodeInfo link is on another host".into());
    }
    let document = fed
        .client
        .get_public_json(&href)
        .await
        .map_err(|e| e.to_string())?;
    Ok(parse(&document))
}

/// The newest NodeInfo 2.x schema the index links to.
fn schema_link(index: &Value) -> Option<String> {
    let links = index.get("links")?.as_array()?;
    links
        .iter()
        .filter(|l| {
            l.get("rel")
                .and_then(Value::as_str)
                .is_some_and(|r| r.starts_with("http://nodeinfo.diaspora.software/ns/schema/2."))
        })
        .filter_map(|l| l.get("href").and_then(Value::as_str))
        .max_by_key(|href| href.to_string())
        .map(str::to_string)
}

fn parse(document: &Value) -> Reading {
    let short = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .map(|s| s.chars().take(60).collect::<String>())
    };
    Reading {
        software: short(document.pointer("/software/name")),
        version: short(document.pointer("/software/version")),
        users: document
            .pointer("/usage/users/total")
            .and_then(Value::as_i64),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{parse, schema_link};

    #[test]
    fn reads_the_newest_schema_and_what_it_says() {
        let index = json!({"links": [
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": "https://a.example/nodeinfo/2.0"},
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": "https://a.example/nodeinfo/2.1"},
            {"rel": "other", "href": "https://b.example/x"}
        ]});
        assert_eq!(
            schema_link(&index).expect("a link"),
            "https://a.example/nodeinfo/2.1"
        );
        let info = parse(
            &json!({"software": {"name": "mastodon", "version": "4.5.0"}, "usage": {"users": {"total": 1234}}}),
        );
        assert_eq!(info.software.as_deref(), Some("mastodon"));
        assert_eq!(info.users, Some(1234));
        assert!(parse(&json!("nonsense")).software.is_none());
    }
}
