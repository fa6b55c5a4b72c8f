//! The batching writer for replies from other servers. Under load, hundreds of replies arrive
//! at once; written one by one, each costs its own transaction and the statements around it,
//! and on SQLite every writer waits for the one write lock. Here one task (a few on
//! PostgreSQL) takes whatever is waiting (up to [`MAX_BATCH`]) and writes it in one transaction: the activity ids in one
//! statement, the replies in one, the stories' counts in one per story, the webhooks' alerts.
//!
//! A caller waits for the commit of the batch that holds its reply: the inbox answers 202 only
//! once the reply is stored, so a crash at any moment loses nothing that was acknowledged.
//! When a batch fails, its replies are written one by one, so one bad reply fails alone.

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    sync::Arc,
};

use sea_orm::{DatabaseBackend, DatabaseConnection};
use tokio::sync::{Mutex, mpsc, oneshot};

use super::store::{PreparedReply, count_reply};
use crate::{
    domain::alerts,
    error::AppError,
    storage::{self, entities::reply, received_activities, replies},
};

/// Replies written in one transaction at most.
const MAX_BATCH: usize = 256;
/// Replies waiting for the writer at most; past it, callers wait to hand theirs over.
const QUEUE: usize = 4096;
/// Batches written at once on PostgreSQL: while one waits for its commit to reach the disk,
/// the next is written (and the server flushes their commits together). SQLite has one write
/// lock, so there one writer is all there is.
const POSTGRES_WRITERS: usize = 4;

/// What became of a reply handed to the writer.
#[derive(Debug)]
pub enum Written {
    Stored(Box<reply::Model>),
    /// A reply with this id was already stored (a re-delivery under another activity id).
    AlreadyStored,
    /// The activity that carried it was already received.
    Duplicate,
}

/// A reply, with the id of the activity that carried it (recorded as received with it).
pub struct Submission {
    pub reply: PreparedReply,
    pub activity_id: Option<String>,
}

struct Job {
    submission: Submission,
    done: oneshot::Sender<Result<Written, AppError>>,
}

/// The handle the inbox writes through. Cloning shares the one writer; it stops when the last
/// handle is dropped.
#[derive(Clone)]
pub struct Intake {
    jobs: mpsc::Sender<Job>,
}

impl Intake {
    /// Starts the writer on `db` (on the current Tokio runtime).
    pub fn start(db: DatabaseConnection) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let writers = match db.get_database_backend() {
            DatabaseBackend::Postgres => POSTGRES_WRITERS,
            _ => 1,
        };
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..writers {
            tokio::spawn(run(db.clone(), queue.clone()));
        }
        Intake { jobs }
    }

    /// Writes `submission` with whatever else is waiting, once committed.
    pub async fn write(&self, submission: Submission) -> Result<Written, AppError> {
        let (done, answer) = oneshot::channel();
        self.jobs
            .send(Job { submission, done })
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the reply writer has stopped")))?;
        answer
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the reply writer has stopped")))?
    }
}

/// One writer: takes what is waiting (the queue is held only while taking), writes it.
async fn run(db: DatabaseConnection, queue: Arc<Mutex<mpsc::Receiver<Job>>>) {
    loop {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        if queue.lock().await.recv_many(&mut batch, MAX_BATCH).await == 0 {
            return;
        }
        write_jobs(&db, batch).await;
    }
}

async fn write_jobs(db: &DatabaseConnection, jobs: Vec<Job>) {
    let submissions: Vec<&Submission> = jobs.iter().map(|j| &j.submission).collect();
    match write_batch(db, &submissions).await {
        Ok(outcomes) => {
            for (job, outcome) in jobs.into_iter().zip(outcomes) {
                let _ = job.done.send(Ok(outcome));
            }
        }
        Err(err) if jobs.len() == 1 => {
            if let Some(job) = jobs.into_iter().next() {
                let _ = job.done.send(Err(err));
            }
        }
        Err(err) => {
            tracing::warn!(error = %err, replies = jobs.len(), "a batch of replies failed; writing them one by one");
            for job in jobs {
                let outcome = write_batch(db, &[&job.submission]).await;
                let _ = job
                    .done
                    .send(outcome.map(|mut o| o.pop().unwrap_or(Written::Duplicate)));
            }
        }
    }
}

/// Writes `batch` in one transaction; one outcome per submission, in order.
async fn write_batch(
    db: &DatabaseConnection,
    batch: &[&Submission],
) -> Result<Vec<Written>, AppError> {
    let txn = storage::begin_write(db).await?;
    let activity_ids: Vec<&str> = batch
        .iter()
        .filter_map(|s| s.activity_id.as_deref())
        .collect();
    let mut new_activities = received_activities::record_new(&txn, &activity_ids).await?;
    // Which submissions go in: not a repeated activity, not a repeated reply in this batch.
    let mut taken: HashSet<&str> = HashSet::new();
    let mut plan = Vec::with_capacity(batch.len());
    for submission in batch {
        let fresh_activity = submission
            .activity_id
            .as_deref()
            .is_none_or(|id| new_activities.remove(id));
        plan.push(match fresh_activity {
            false => Plan::Duplicate,
            true if taken.insert(submission.reply.ap_id.as_str()) => Plan::Insert,
            true => Plan::AlreadyStored,
        });
    }
    let rows = batch
        .iter()
        .zip(&plan)
        .filter(|(_, p)| matches!(p, Plan::Insert))
        .map(|(s, _)| s.reply.row.clone())
        .collect();
    let inserted = replies::insert_new(&txn, rows).await?;
    // In story order, so that concurrent batches lock the stories' rows in one order.
    let mut per_story: BTreeMap<i64, i32> = BTreeMap::new();
    for row in inserted.iter().filter(|r| r.state == replies::VISIBLE) {
        *per_story.entry(row.story_id).or_default() += 1;
    }
    for (story_id, added) in per_story {
        count_reply(&txn, story_id, added).await?;
    }
    alerts::events::replies(&txn, &inserted).await?;
    txn.commit().await?;
    let mut by_ap_id: HashMap<String, reply::Model> =
        inserted.into_iter().map(|r| (r.ap_id.clone(), r)).collect();
    Ok(batch
        .iter()
        .zip(plan)
        .map(|(s, plan)| match plan {
            Plan::Duplicate => Written::Duplicate,
            Plan::AlreadyStored => Written::AlreadyStored,
            Plan::Insert => match by_ap_id.remove(&s.reply.ap_id) {
                Some(row) => Written::Stored(Box::new(row)),
                None => Written::AlreadyStored,
            },
        })
        .collect())
}

enum Plan {
    Insert,
    AlreadyStored,
    Duplicate,
}
