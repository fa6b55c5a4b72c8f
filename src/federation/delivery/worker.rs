//! The claim loop. Each server process runs one; several processes on one PostgreSQL share the
//! queue through leases (see `storage::lease`).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};
use tokio::{
    sync::{Semaphore, watch},
    task::{JoinHandle, JoinSet},
};

use super::{attempt, outcomes::Outcomes};
use crate::{
    federation::{client::Standing, context::Federation},
    storage::{
        deliveries,
        entities::{delivery, host, outgoing_activity},
        outgoing_activities,
    },
};

/// How long to wait for in-flight deliveries at shutdown before giving their rows back.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

pub struct DeliveryWorker {
    fed: Arc<Federation>,
    /// This process's lease token: rows it holds carry it.
    token: Arc<str>,
    /// Global bound on deliveries in flight.
    slots: Arc<Semaphore>,
    /// Attempts that outlived `slow_after_ms` wait here instead, freeing their slot.
    slow: Arc<Semaphore>,
    /// Deliveries in flight per host, so one host cannot take every slot.
    per_host: Arc<Mutex<HashMap<String, usize>>>,
    /// Where attempts leave their outcomes, and the task that writes them in batches.
    outcomes: Outcomes,
    writer: JoinHandle<()>,
}

/// A due row, and how its host has answered lately.
struct Claimable {
    row: delivery::Model,
    standing: Standing,
}

impl DeliveryWorker {
    pub fn new(fed: Arc<Federation>) -> Self {
        let slots = Arc::new(Semaphore::new(fed.settings.delivery.concurrency));
        let slow = Arc::new(Semaphore::new(fed.settings.delivery.slow_slots));
        let token: Arc<str> = Arc::from(uuid::Uuid::new_v4().to_string());
        let (outcomes, writer) = Outcomes::start(fed.clone(), token.clone());
        DeliveryWorker {
            token,
            fed,
            slots,
            slow,
            per_host: Arc::new(Mutex::new(HashMap::new())),
            outcomes,
            writer,
        }
    }

    /// Runs until `stop` turns true, then lets in-flight deliveries finish (for a while), writes
    /// their outcomes, and gives back any row still leased, so another process or the next
    /// start sends it.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let poll = Duration::from_millis(self.fed.settings.delivery.poll_ms);
        let mut tasks = JoinSet::new();
        while !*stop.borrow() {
            let started = match self.claim_and_start(&mut tasks).await {
                Ok(n) => n,
                Err(err) => {
                    tracing::error!(error = %format!("{err:#}"), "delivery queue unavailable");
                    0
                }
            };
            while tasks.try_join_next().is_some() {}
            if started > 0 {
                continue;
            }
            tokio::select! {
                () = self.fed.wake.notified() => {},
                () = tokio::time::sleep(poll) => {},
                _ = stop.changed() => {},
            }
        }
        let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
            while tasks.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tasks.abort_all();
            while tasks.join_next().await.is_some() {}
        }
        // Outcomes first: a row given back before its outcome is written would be sent again.
        let DeliveryWorker {
            fed,
            token,
            outcomes,
            writer,
            ..
        } = self;
        drop(outcomes);
        writer.await.ok();
        match deliveries::release(&fed.db, &token).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(released = n, "deliveries handed back to the queue"),
            Err(err) => {
                tracing::error!(error = %err, "cannot release leased deliveries; they return when the lease expires")
            }
        }
    }

    /// Claims as many due rows as there are free slots (respecting per-host limits) and starts
    /// a task for each. Returns how many started.
    async fn claim_and_start(&self, tasks: &mut JoinSet<()>) -> anyhow::Result<usize> {
        let settings = &self.fed.settings.delivery;
        let free = self.slots.available_permits();
        let busy = settings.concurrency.saturating_sub(free);
        // A claim costs a few queries and a write: while attempts are in flight, it waits for
        // an eighth of the slots to be free rather than claim one row per finished attempt.
        if free == 0 || (busy > 0 && free < (settings.concurrency / 8).max(1)) {
            return Ok(0);
        }
        let now = Utc::now();
        let candidates = deliveries::due(&self.fed.db, now, (free * 4).min(2000) as u64).await?;
        let proven_since = now - chrono::Duration::seconds(settings.proven_within_secs as i64);
        let candidates: Vec<Claimable> = candidates
            .into_iter()
            .map(|(row, host)| Claimable {
                row,
                standing: standing(host.as_ref(), proven_since),
            })
            .collect();
        let chosen = self.choose(&candidates, free);
        // Every chosen row counts against its host until its attempt ends; one that does not
        // start (lost to another replica, or a failure here) is released at once.
        let chosen_hosts: HashMap<i64, &str> = candidates
            .iter()
            .filter(|c| chosen.contains(&c.row.id))
            .map(|c| (c.row.id, c.row.host.as_str()))
            .collect();
        let until = now + chrono::Duration::seconds(settings.lease_secs as i64);
        let won = match deliveries::lease(&self.fed.db, &chosen, &self.token, now, until).await {
            Ok(won) => won,
            Err(err) => {
                chosen_hosts
                    .values()
                    .for_each(|h| release(&self.per_host, h));
                return Err(err.into());
            }
        };
        let won_ids: std::collections::HashSet<i64> = won.iter().map(|d| d.id).collect();
        for (id, host) in &chosen_hosts {
            if !won_ids.contains(id) {
                release(&self.per_host, host);
            }
        }
        if won.is_empty() {
            return Ok(0);
        }
        let activity_ids: Vec<i64> = won.iter().map(|d| d.activity_id).collect();
        let activities: HashMap<i64, Arc<outgoing_activity::Model>> =
            match outgoing_activities::find_many(&self.fed.db, &activity_ids).await {
                Ok(found) => found.into_iter().map(|a| (a.id, Arc::new(a))).collect(),
                Err(err) => {
                    won.iter().for_each(|d| release(&self.per_host, &d.host));
                    return Err(err.into());
                }
            };
        let standings: HashMap<i64, Standing> =
            candidates.iter().map(|c| (c.row.id, c.standing)).collect();
        let started = won.len();
        for row in won {
            let Some(activity) = activities.get(&row.activity_id).cloned() else {
                release(&self.per_host, &row.host);
                continue;
            };
            let standing = standings
                .get(&row.id)
                .copied()
                .unwrap_or(Standing::Unproven);
            self.start(tasks, row, activity, standing).await;
        }
        Ok(started)
    }

    /// Picks up to `free` candidates, skipping hosts already at their limit: `per_host` for a
    /// proven host, `unproven_per_host` for one that has not answered lately. A chosen one
    /// counts against its host from now (not once it has a slot), so a claim made meanwhile
    /// cannot choose past the limit.
    fn choose(&self, candidates: &[Claimable], free: usize) -> Vec<i64> {
        let settings = &self.fed.settings.delivery;
        let Ok(mut counts) = self.per_host.lock() else {
            return Vec::new();
        };
        let mut chosen = Vec::new();
        for candidate in candidates {
            if chosen.len() >= free {
                break;
            }
            let limit = match candidate.standing {
                Standing::Proven => settings.per_host,
                Standing::Unproven => settings.unproven_per_host,
            };
            let count = counts.entry(candidate.row.host.clone()).or_insert(0);
            if *count < limit {
                *count += 1;
                chosen.push(candidate.row.id);
            }
        }
        chosen
    }

    async fn start(
        &self,
        tasks: &mut JoinSet<()>,
        row: delivery::Model,
        activity: Arc<outgoing_activity::Model>,
        standing: Standing,
    ) {
        let host = row.host.clone();
        let Ok(permit) = self.slots.clone().acquire_owned().await else {
            release(&self.per_host, &host);
            return;
        };
        let fed = self.fed.clone();
        let outcomes = self.outcomes.clone();
        let per_host = self.per_host.clone();
        let slow = self.slow.clone();
        let slow_after = Duration::from_millis(fed.settings.delivery.slow_after_ms);
        tasks.spawn(async move {
            let attempt = attempt::run(&fed, row, activity, standing, &outcomes);
            tokio::pin!(attempt);
            let mut permit = Some(permit);
            let mut slow_permit = None;
            tokio::select! {
                () = &mut attempt => {}
                () = tokio::time::sleep(slow_after) => {
                    // A host that accepts and does not answer: it keeps its per-host count (so
                    // it gets no more attempts meanwhile) but gives the shared slot to others.
                    if let Ok(taken) = slow.try_acquire_owned() {
                        slow_permit = Some(taken);
                        permit = None;
                        fed.wake.notify_one();
                    }
                    attempt.await;
                }
            }
            release(&per_host, &host);
            drop(permit);
            drop(slow_permit);
            fed.wake.notify_one();
        });
    }
}

/// One attempt at `host` is over (or never started).
fn release(per_host: &Mutex<HashMap<String, usize>>, host: &str) {
    if let Ok(mut map) = per_host.lock()
        && let Some(n) = map.get_mut(host)
    {
        *n = n.saturating_sub(1);
        if *n == 0 {
            map.remove(host);
        }
    }
}

/// A host is proven when it answered a delivery since `since` and has not failed since then;
/// a new host, or one failing, is not.
fn standing(host: Option<&host::Model>, since: DateTime<Utc>) -> Standing {
    match host {
        Some(h) if h.failing_since.is_none() && h.last_success_at.is_some_and(|at| at >= since) => {
            Standing::Proven
        }
        _ => Standing::Unproven,
    }
}
