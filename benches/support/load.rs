//! The load the inbox benchmarks send: a remote server whose actors sign `Create{Note}` replies
//! as Mastodon signs deliveries, signed before the clock starts, and a sender that keeps a number
//! of them in flight. `inbox` runs it against a server in this process, `footprint` against the
//! release binary in a process of its own (so its memory is the server's alone).

use std::{
    collections::BTreeMap,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode},
    routing::{get, post},
};
use broadsheet::federation::signatures::{cavage, digest, keys::SigningKey};
use serde_json::{Value, json};
use tokio::{net::TcpListener, task::JoinHandle};

pub const AP: &str = "application/activity+json";
const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// What the remote server knows: its actors' public key and how often each was fetched.
struct RemoteState {
    base: String,
    public_pem: String,
    fetches: Vec<AtomicUsize>,
}

/// The remote side: `actors` Person documents sharing one key pair.
pub struct Remote {
    state: Arc<RemoteState>,
    pub key: SigningKey,
    pub task: JoinHandle<()>,
}

impl Remote {
    pub async fn start(actors: usize) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let pair = activitypub_federation::http_signatures::generate_actor_keypair().unwrap();
        let state = Arc::new(RemoteState {
            base: format!("http://127.0.0.1:{port}"),
            public_pem: pair.public_key,
            fetches: (0..actors).map(|_| AtomicUsize::new(0)).collect(),
        });
        let app = Router::new()
            .route("/users/{name}", get(remote_actor))
            .route("/inbox", post(|| async { StatusCode::ACCEPTED }))
            .with_state(state.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Remote {
            state,
            key: SigningKey::from_pem(&pair.private_key).unwrap(),
            task,
        }
    }

    /// Reply `n` of a batch named `kind` (each batch's ids are new), answering `in_reply_to`,
    /// from the actors in turn.
    pub fn reply(&self, n: usize, kind: &str, in_reply_to: &str) -> NoteSpec {
        let actor = self.actor(n % self.actors());
        NoteSpec {
            id: format!("{actor}/statuses/{kind}{n}"),
            in_reply_to: in_reply_to.to_string(),
            content: content(&actor, n),
            actor,
        }
    }

    pub fn actor(&self, index: usize) -> String {
        format!("{}/users/a{index}", self.state.base)
    }

    pub fn actors(&self) -> usize {
        self.state.fetches.len()
    }

    /// Actor document fetches so far, all actors together.
    pub fn fetches(&self) -> usize {
        self.state
            .fetches
            .iter()
            .map(|f| f.load(Ordering::SeqCst))
            .sum()
    }
}

async fn remote_actor(
    State(state): State<Arc<RemoteState>>,
    Path(name): Path<String>,
) -> Result<Json<Value>, StatusCode> {
    let index: usize = name
        .strip_prefix('a')
        .and_then(|n| n.parse().ok())
        .filter(|n| *n < state.fetches.len())
        .ok_or(StatusCode::NOT_FOUND)?;
    state.fetches[index].fetch_add(1, Ordering::SeqCst);
    let id = format!("{}/users/{name}", state.base);
    Ok(Json(json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": id, "type": "Person", "preferredUsername": name, "name": format!("Reader {index}"),
        "inbox": format!("{id}/inbox"), "outbox": format!("{id}/outbox"),
        "followers": format!("{id}/followers"),
        "endpoints": { "sharedInbox": format!("{}/inbox", state.base) },
        "publicKey": { "id": format!("{id}#main-key"), "owner": id, "publicKeyPem": state.public_pem },
    })))
}

/// One reply to send: who writes it, its id, and what it answers.
pub struct NoteSpec {
    pub actor: String,
    pub id: String,
    pub in_reply_to: String,
    pub content: String,
}

/// A request ready to go: signed headers and the exact body they cover.
#[derive(Clone)]
pub struct Signed {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Signed {
    pub fn size(&self) -> usize {
        self.body.len()
            + self
                .headers
                .iter()
                .map(|(k, v)| k.as_str().len() + v.len())
                .sum::<usize>()
    }
}

/// `Create{Note}` for `spec`, signed for `POST {inbox}` as Mastodon signs deliveries.
fn sign_create(key: &SigningKey, inbox: &url::Url, spec: &NoteSpec) -> Signed {
    let note = json!({
        "id": spec.id, "type": "Note", "attributedTo": spec.actor,
        "inReplyTo": spec.in_reply_to, "content": spec.content,
        "published": chrono::Utc::now().to_rfc3339(),
        "url": spec.id,
        "to": [PUBLIC],
        "cc": [format!("{}/followers", spec.actor)],
    });
    let activity = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activity", spec.id), "type": "Create",
        "actor": spec.actor, "to": note["to"], "cc": note["cc"], "object": note,
    });
    let body = activity.to_string().into_bytes();
    let host = format!(
        "{}:{}",
        inbox.host_str().unwrap(),
        inbox.port_or_known_default().unwrap()
    );
    let date = cavage::http_date(chrono::Utc::now());
    let digest = digest::digest_header(&body);
    let key_id = format!("{}#main-key", spec.actor);
    let signature = cavage::sign(
        "POST",
        inbox.path(),
        &host,
        &date,
        Some(&digest),
        &key_id,
        key,
    )
    .unwrap();
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static(AP));
    headers.insert("date", date.parse().unwrap());
    headers.insert("digest", digest.parse().unwrap());
    headers.insert("signature", signature.parse().unwrap());
    Signed {
        headers,
        body: Bytes::from(body),
    }
}

/// Signs every spec, on every core.
pub fn sign_all(key: &SigningKey, inbox: &url::Url, specs: &[NoteSpec]) -> Vec<Signed> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunk = specs.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = specs
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|spec| sign_create(key, inbox, spec))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts.into_iter().flat_map(|p| p.join().unwrap()).collect()
    })
}

/// What happened to a batch of requests.
pub struct Sent {
    pub wall: Duration,
    pub latencies: Vec<Duration>,
    /// When each request finished, from the start of the batch, in order.
    pub finished_at: Vec<Duration>,
    pub failures: Vec<(u16, String)>,
}

/// Sends every request to `inbox` from `concurrency` tasks sharing `client`.
pub async fn send_all(
    client: &reqwest::Client,
    inbox: &str,
    requests: Arc<Vec<Signed>>,
    concurrency: usize,
) -> Sent {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..concurrency.max(1))
        .map(|_| {
            let client = client.clone();
            let inbox = inbox.to_string();
            let requests = requests.clone();
            let next = next.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut finished_at = Vec::new();
                let mut failures = Vec::new();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(request) = requests.get(index) else {
                        break;
                    };
                    let sent = Instant::now();
                    let outcome = client
                        .post(&inbox)
                        .headers(request.headers.clone())
                        .body(request.body.clone())
                        .send()
                        .await;
                    match outcome {
                        Ok(response) => {
                            let status = response.status().as_u16();
                            let text = response.text().await.unwrap_or_default();
                            if status != 202 {
                                failures.push((status, text));
                            }
                        }
                        Err(err) => failures.push((0, err.to_string())),
                    }
                    latencies.push(sent.elapsed());
                    finished_at.push(start.elapsed());
                }
                (latencies, finished_at, failures)
            })
        })
        .collect();
    let mut sent = Sent {
        wall: Duration::ZERO,
        latencies: Vec::with_capacity(requests.len()),
        finished_at: Vec::with_capacity(requests.len()),
        failures: Vec::new(),
    };
    for task in tasks {
        let (latencies, finished_at, failures) = task.await.unwrap();
        sent.latencies.extend(latencies);
        sent.finished_at.extend(finished_at);
        sent.failures.extend(failures);
    }
    sent.wall = start.elapsed();
    sent.latencies.sort();
    sent.finished_at.sort();
    sent
}

pub fn report_failures(what: &str, sent: &Sent) {
    if sent.failures.is_empty() {
        return;
    }
    let mut by_status: BTreeMap<u16, usize> = BTreeMap::new();
    for (status, _) in &sent.failures {
        *by_status.entry(*status).or_default() += 1;
    }
    eprintln!(
        "{what}: {} requests were not answered 202 (by status, 0 = no answer: {by_status:?}); first: {} {}",
        sent.failures.len(),
        sent.failures[0].0,
        sent.failures[0].1
    );
}

/// The `p`th percentile of sorted `values`.
pub fn percentile(values: &[Duration], p: f64) -> Duration {
    if values.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p / 100.0 * (values.len() - 1) as f64).round() as usize;
    values[rank.min(values.len() - 1)]
}

/// A short HTML paragraph, as Mastodon renders a reply.
pub fn content(actor: &str, n: usize) -> String {
    format!(
        "<p><span class=\"h-card\"><a href=\"{actor}\" class=\"u-url mention\">@<span>news</span></a></span> \
         Reply {n}: the council should publish the full minutes, not only the vote. \
         Where can I read the <a href=\"https://example.com/budget\">budget</a>?</p>"
    )
}
