//! Following: who follows our actors, and where their servers take deliveries.

use std::collections::{BTreeSet, HashMap};

use sea_orm::ConnectionTrait;
use url::Url;

use super::remote::RemoteActor;
use crate::{
    domain::ids::host_with_port,
    error::AppError,
    storage::{entities::follower, followers},
};

/// Records a follow. Following twice is the same as following once.
pub async fn add(
    db: &impl ConnectionTrait,
    actor_id: i64,
    follower: &RemoteActor,
    follow_id: &str,
) -> Result<(), AppError> {
    followers::upsert(db, actor_id, follower.id, follow_id).await?;
    Ok(())
}

/// Removes a follow; returns the stored edge (with its Follow id) if there was one.
pub async fn remove(
    db: &impl ConnectionTrait,
    actor_id: i64,
    follower_id: i64,
) -> Result<Option<follower::Model>, AppError> {
    let edge = followers::find(db, actor_id, follower_id).await?;
    if edge.is_some() {
        followers::delete(db, actor_id, follower_id).await?;
    }
    Ok(edge)
}

pub async fn count(db: &impl ConnectionTrait, actor_id: i64) -> Result<u64, AppError> {
    Ok(followers::count(db, actor_id).await?)
}

/// A page of an actor's followers.
pub async fn page(
    db: &impl ConnectionTrait,
    actor_id: i64,
    offset: u64,
    limit: u64,
) -> Result<Vec<RemoteActor>, AppError> {
    followers::page(db, actor_id, offset, limit)
        .await?
        .into_iter()
        .map(RemoteActor::from_model)
        .collect()
}

/// One delivery target: an inbox and the host it lives on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    pub inbox: Url,
    pub host: String,
}

/// The inboxes that reach every follower of `actor_ids`, each once: followers on one server
/// share its shared inbox (as [`RemoteActor::delivery_inbox`] chooses), and a server following
/// several of our actors is listed once. Only the two inbox columns are read, and each distinct
/// one parsed once: a story to 10,000 followers on 2,000 servers parses about 2,000 URLs.
pub async fn targets(
    db: &impl ConnectionTrait,
    actor_ids: &[i64],
) -> Result<Vec<Target>, AppError> {
    Ok(choose_targets(followers::inboxes_of(db, actor_ids).await?))
}

/// The delivery targets for followers' `(inbox, shared inbox)` pairs, each once, in URL order.
fn choose_targets(rows: impl IntoIterator<Item = (String, Option<String>)>) -> Vec<Target> {
    let mut parsed: HashMap<String, Option<Url>> = HashMap::new();
    let mut inboxes: BTreeSet<Url> = BTreeSet::new();
    for (inbox, shared) in rows {
        let chosen = match shared.and_then(|s| parse_once(&mut parsed, s)) {
            Some(shared) => Some(shared),
            None => parse_once(&mut parsed, inbox),
        };
        match chosen {
            Some(url) => {
                inboxes.insert(url);
            }
            // Stored inboxes were checked when their actor was; one that no longer parses is
            // left out rather than stopping every other delivery.
            None => tracing::warn!("a follower's stored inbox is not a URL"),
        }
    }
    inboxes
        .into_iter()
        .map(|inbox| Target {
            host: host_with_port(&inbox),
            inbox,
        })
        .collect()
}

/// `raw` as a URL, parsed the first time it is seen.
fn parse_once(parsed: &mut HashMap<String, Option<Url>>, raw: String) -> Option<Url> {
    parsed
        .entry(raw)
        .or_insert_with_key(|raw| raw.parse().ok())
        .clone()
}

/// The follow of `actor_id` by the remote actor `follower_ap_id`, if there is one.
pub async fn find_follower(
    db: &impl ConnectionTrait,
    actor_id: i64,
    follower_ap_id: &str,
) -> Result<Option<(follower::Model, RemoteActor)>, AppError> {
    let Some(follower) = super::remote::find_by_ap_id(db, follower_ap_id).await? else {
        return Ok(None);
    };
    Ok(followers::find(db, actor_id, follower.id)
        .await?
        .map(|edge| (edge, follower)))
}

/// Which of our actors the Follow `follow_id` of `follower_id` was for, if it still stands.
pub async fn followed_by_follow(
    db: &impl ConnectionTrait,
    follower_id: i64,
    follow_id: &str,
) -> Result<Option<i64>, AppError> {
    Ok(followers::find_by_follow(db, follower_id, follow_id)
        .await?
        .map(|e| e.actor_id))
}

#[cfg(test)]
mod tests {
    use super::choose_targets;

    fn pair(inbox: &str, shared: Option<&str>) -> (String, Option<String>) {
        (inbox.to_string(), shared.map(str::to_string))
    }

    #[test]
    fn followers_on_one_server_share_its_inbox_and_bad_rows_fall_back_or_drop_out() {
        let targets = choose_targets([
            pair(
                "https://a.example/users/1/inbox",
                Some("https://a.example/inbox"),
            ),
            // The same shared inbox, written with a capital scheme: still one delivery.
            pair(
                "https://a.example/users/2/inbox",
                Some("HTTPS://a.example/inbox"),
            ),
            // A shared inbox that is not a URL: the follower's own inbox instead.
            pair("https://b.example/users/3/inbox", Some("not a url")),
            // Neither parses: left out, the others still delivered.
            pair("::", None),
            pair("https://c.example/u/4/inbox", None),
        ]);
        let inboxes: Vec<&str> = targets.iter().map(|t| t.inbox.as_str()).collect();
        assert_eq!(
            inboxes,
            [
                "https://a.example/inbox",
                "https://b.example/users/3/inbox",
                "https://c.example/u/4/inbox",
            ]
        );
        let hosts: Vec<&str> = targets.iter().map(|t| t.host.as_str()).collect();
        assert_eq!(hosts, ["a.example", "b.example", "c.example"]);
    }
}
