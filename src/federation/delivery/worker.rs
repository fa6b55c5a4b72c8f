//! The claim loop. Each server process runs one; several processes on one PostgreSQL share the
//! queue through leases (see `storage::lease`).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::Utc;
use tokio::{
    sync::{Semaphore, watch},
    task::JoinSet,
};

use super::attempt;
use crate::{
    federation::context::Federation,
    storage::{
        deliveries,
        entities::{delivery, outgoing_activity},
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
}

impl DeliveryWorker {
    pub fn new(fed: Arc<Federation>) -> Self {
        let slots = Arc::new(Semaphore::new(fed.settings.delivery.concurrency));
        let slow = Arc::new(Semaphore::new(fed.settings.delivery.slow_slots));
        DeliveryWorker {
            token: Arc::from(uuid::Uuid::new_v4().to_string()),
            fed,
            slots,
            slow,
            per_host: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Runs until `stop` turns true, then lets in-flight deliveries finish (for a while) and
    /// gives back any row still leased, so another process or the next start sends it.
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
        }
        match deliveries::release(&self.fed.db, &self.token).await {
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
        let free = self.slots.available_permits();
        if free == 0 {
            return Ok(0);
        }
        let settings = &self.fed.settings.delivery;
        let now = Utc::now();
        let candidates = deliveries::due(&self.fed.db, now, (free * 4).min(2000) as u64).await?;
        let chosen = self.choose(&candidates, free);
        let until = now + chrono::Duration::seconds(settings.lease_secs as i64);
        let won = deliveries::lease(&self.fed.db, &chosen, &self.token, now, until).await?;
        if won.is_empty() {
            return Ok(0);
        }
        let activity_ids: Vec<i64> = won.iter().map(|d| d.activity_id).collect();
        let activities: HashMap<i64, Arc<outgoing_activity::Model>> =
            outgoing_activities::find_many(&self.fed.db, &activity_ids)
                .await?
                .into_iter()
                .map(|a| (a.id, Arc::new(a)))
                .collect();
        let started = won.len();
        for row in won {
            let Some(activity) = activities.get(&row.activity_id).cloned() else {
                continue;
            };
            self.start(tasks, row, activity).await;
        }
        Ok(started)
    }

    /// Picks up to `free` candidates, skipping hosts already at their limit.
    fn choose(&self, candidates: &[delivery::Model], free: usize) -> Vec<i64> {
        let limit = self.fed.settings.delivery.per_host;
        let mut counts = self.per_host.lock().map(|m| m.clone()).unwrap_or_default();
        let mut chosen = Vec::new();
        for row in candidates {
            if chosen.len() >= free {
                break;
            }
            let count = counts.entry(row.host.clone()).or_insert(0);
            if *count < limit {
                *count += 1;
                chosen.push(row.id);
            }
        }
        chosen
    }

    async fn start(
        &self,
        tasks: &mut JoinSet<()>,
        row: delivery::Model,
        activity: Arc<outgoing_activity::Model>,
    ) {
        let Ok(permit) = self.slots.clone().acquire_owned().await else {
            return;
        };
        let host = row.host.clone();
        if let Ok(mut map) = self.per_host.lock() {
            *map.entry(host.clone()).or_insert(0) += 1;
        }
        let fed = self.fed.clone();
        let token = self.token.clone();
        let per_host = self.per_host.clone();
        let slow = self.slow.clone();
        let slow_after = Duration::from_millis(fed.settings.delivery.slow_after_ms);
        tasks.spawn(async move {
            let attempt = attempt::run(fed.clone(), row, activity, token);
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
            if let Ok(mut map) = per_host.lock()
                && let Some(n) = map.get_mut(&host)
            {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    map.remove(&host);
                }
            }
            drop(permit);
            drop(slow_permit);
            fed.wake.notify_one();
        });
    }
}
