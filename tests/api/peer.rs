//! A small fediverse server for delivery tests: actors with keys, inboxes that record what
//! arrives and answer with a chosen status, and a switch to take the whole host down and bring it
//! back on the same port. It signs what it sends with draft-cavage signatures, as Mastodon does.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU16, Ordering},
    },
    time::Duration,
};

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, Uri},
    routing::{get, post},
};
use broadsheet::federation::signatures::{cavage, digest, keys::SigningKey};
use serde_json::{Value, json};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

/// One request that reached an inbox.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Value,
}

struct Shared {
    base: String,
    /// Documents served by GET at their path (notes, collections, WebFinger answers).
    documents: Mutex<std::collections::HashMap<String, Value>>,
    public_pem: String,
    key: SigningKey,
    received: Mutex<Vec<Delivery>>,
    status: AtomicU16,
    /// Milliseconds each inbox waits before answering (a slow server).
    delay_ms: std::sync::atomic::AtomicU64,
    /// Whether actors advertise the shared inbox (off: every follower is its own delivery).
    shared_inbox: std::sync::atomic::AtomicBool,
    /// Display names other than the default, by username.
    names: Mutex<std::collections::HashMap<String, String>>,
    /// Fields added to (or replacing those of) an actor's document, by username.
    profiles: Mutex<std::collections::HashMap<String, Value>>,
    /// GET requests for hosted documents, counted to show fetching stays bounded.
    document_gets: std::sync::atomic::AtomicUsize,
    /// When not 0, every document GET (actors included) answers with this status.
    document_status: AtomicU16,
    /// Inbox requests being answered now, and the most there ever were at once, by the origin
    /// of the key that signed them: a port freed by another test's peer can be this one's, and
    /// that test's server may still be delivering to it.
    in_flight: Mutex<std::collections::HashMap<String, (usize, usize)>>,
}

pub struct Peer {
    pub base: String,
    pub port: u16,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl Peer {
    pub async fn start() -> Peer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let pair = activitypub_federation::http_signatures::generate_actor_keypair().unwrap();
        let shared = Arc::new(Shared {
            base: format!("http://127.0.0.1:{port}"),
            key: SigningKey::from_pem(&pair.private_key).unwrap(),
            public_pem: pair.public_key,
            received: Mutex::new(Vec::new()),
            documents: Mutex::new(std::collections::HashMap::new()),
            status: AtomicU16::new(202),
            delay_ms: std::sync::atomic::AtomicU64::new(0),
            shared_inbox: std::sync::atomic::AtomicBool::new(true),
            names: Mutex::new(std::collections::HashMap::new()),
            profiles: Mutex::new(std::collections::HashMap::new()),
            document_gets: std::sync::atomic::AtomicUsize::new(0),
            document_status: AtomicU16::new(0),
            in_flight: Mutex::new(std::collections::HashMap::new()),
        });
        let mut peer = Peer {
            base: shared.base.clone(),
            port,
            shared,
            stop: None,
            server: None,
        };
        peer.serve(listener);
        peer
    }

    fn serve(&mut self, listener: TcpListener) {
        let app = Router::new()
            .route("/users/{name}", get(actor))
            .route("/users/{name}/inbox", post(inbox))
            .route("/inbox", post(inbox_shared))
            .fallback(get(document))
            .with_state(self.shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        self.stop = Some(stop);
        self.server = Some(tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    stopped.await.ok();
                })
                .await
                .ok();
        }));
    }

    /// Closes the port: connections are refused until [`Peer::come_back`].
    pub async fn go_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
        if let Some(server) = self.server.take() {
            server.await.ok();
        }
    }

    pub async fn come_back(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.serve(listener);
    }

    pub fn actor(&self, name: &str) -> String {
        format!("{}/users/{name}", self.base)
    }

    /// Serves `document` at `path` from now on (a path of this peer, starting with `/`).
    pub fn host(&self, path: &str, document: Value) {
        self.shared
            .documents
            .lock()
            .unwrap()
            .insert(path.to_string(), document);
    }

    /// A public Note by `from`, answering `in_reply_to`, served at `/notes/{name}` with its own
    /// (empty) replies collection at `/notes/{name}/replies`.
    pub fn note(&self, from: &str, name: &str, in_reply_to: &str, content: &str) -> Value {
        let id = format!("{}/notes/{name}", self.base);
        let note = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": id, "type": "Note", "attributedTo": self.actor(from),
            "inReplyTo": in_reply_to, "content": content,
            "published": chrono::Utc::now().to_rfc3339(),
            "url": id,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [format!("{}/followers", self.actor(from))],
            "replies": format!("{id}/replies"),
        });
        self.host(&format!("/notes/{name}"), note.clone());
        self.set_replies(name, &[]);
        note
    }

    /// Lists `ids` in the replies collection of note `name`.
    pub fn set_replies(&self, name: &str, ids: &[&str]) {
        let id = format!("{}/notes/{name}/replies", self.base);
        self.host(
            &format!("/notes/{name}/replies"),
            json!({
                "id": id, "type": "Collection",
                "first": { "id": format!("{id}?page=1"), "type": "CollectionPage", "partOf": id, "items": ids },
            }),
        );
    }

    /// `Create` of `note` by its author.
    pub fn create(&self, note: &Value) -> Value {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activity", note["id"].as_str().unwrap()), "type": "Create",
            "actor": note["attributedTo"], "to": note["to"], "cc": note["cc"], "object": note,
        })
    }

    /// Actors stop advertising a shared inbox, so each follower is delivered to separately.
    pub fn without_shared_inbox(&self) {
        self.shared.shared_inbox.store(false, Ordering::SeqCst);
    }

    /// Gives actor `name` another display name.
    pub fn rename(&self, name: &str, display: &str) {
        self.shared
            .names
            .lock()
            .unwrap()
            .insert(name.to_string(), display.to_string());
    }

    /// Sets fields of actor `name`'s document (its `url`, `icon`, …), over the defaults.
    pub fn set_profile(&self, name: &str, fields: Value) {
        self.shared
            .profiles
            .lock()
            .unwrap()
            .insert(name.to_string(), fields);
    }

    /// Answers GET `path` with a redirect to `target` (an open redirect, as many sites have).
    pub fn redirect(&self, path: &str, target: &str) {
        self.host(path, json!({ "__redirect": target }));
    }

    /// Every document GET answers `status` from now on (0: serve normally again).
    pub fn documents_answer_with(&self, status: u16) {
        self.shared.document_status.store(status, Ordering::SeqCst);
    }

    /// The public key PEM this peer's actors advertise.
    pub fn public_pem(&self) -> String {
        self.shared.public_pem.clone()
    }

    /// POSTs `activity` signed with this peer's key, naming `key_id`, dated `date`, with
    /// `extra` appended to the Signature header after signing (parameters nobody signed).
    pub async fn send_signed_as(
        &self,
        inbox: &str,
        key_id: &str,
        date: chrono::DateTime<chrono::Utc>,
        extra: &str,
        activity: &Value,
    ) -> reqwest::Response {
        let url: url::Url = inbox.parse().unwrap();
        let host = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
        let body = activity.to_string();
        let date = cavage::http_date(date);
        let digest = digest::digest_header(body.as_bytes());
        let signature = cavage::sign(
            "POST",
            url.path(),
            &host,
            &date,
            Some(&digest),
            key_id,
            &self.shared.key,
        )
        .unwrap();
        reqwest::Client::new()
            .post(inbox)
            .header("content-type", "application/activity+json")
            .header("date", date)
            .header("digest", digest)
            .header("signature", format!("{signature}{extra}"))
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// How many documents (actors, notes, collections) were fetched.
    pub fn document_gets(&self) -> usize {
        self.shared.document_gets.load(Ordering::SeqCst)
    }

    /// POSTs `activity` signed with this peer's key but naming `key_owner`'s key: a forgery.
    pub async fn send_claiming_key(
        &self,
        key_owner: &str,
        inbox: &str,
        activity: &Value,
    ) -> reqwest::Response {
        let forged = format!("{key_owner}#main-key");
        let body = activity.to_string().into_bytes();
        self.send_signed("forger", inbox, inbox, body, |h| {
            let signature = h["signature"].to_str().unwrap().to_string();
            let own = format!("{}#main-key", self.actor("forger"));
            h.insert(
                "signature",
                signature.replace(&own, &forged).parse().unwrap(),
            );
        })
        .await
    }

    /// Every inbox waits this long before answering, from now on.
    pub fn answer_after(&self, delay: Duration) {
        self.shared
            .delay_ms
            .store(delay.as_millis() as u64, Ordering::SeqCst);
    }

    /// Every inbox answers with `status` from now on.
    pub fn answer_with(&self, status: u16) {
        self.shared.status.store(status, Ordering::SeqCst);
    }

    /// The most inbox requests signed by a key of `origin` this peer was answering at once.
    pub fn most_at_once_from(&self, origin: &str) -> usize {
        let counts = self.shared.in_flight.lock().unwrap();
        counts.get(origin).map_or(0, |&(_, most)| most)
    }

    pub fn received(&self) -> Vec<Delivery> {
        self.shared.received.lock().unwrap().clone()
    }

    /// Deliveries of a given activity type.
    pub fn received_of(&self, kind: &str) -> Vec<Delivery> {
        self.received()
            .into_iter()
            .filter(|d| d.body["type"] == kind)
            .collect()
    }

    /// Waits until an inbox received something matching `pred`.
    pub async fn wait_for(&self, timeout: Duration, pred: impl Fn(&Delivery) -> bool) -> Delivery {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(found) = self.received().into_iter().find(|d| pred(d)) {
                return found;
            }
            if tokio::time::Instant::now() > deadline {
                let seen: Vec<String> = self
                    .received()
                    .iter()
                    .map(|d| format!("{} {}", d.path, d.body["type"]))
                    .collect();
                panic!(
                    "nothing matching arrived at {} within {timeout:?}; got {seen:?}",
                    self.base
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// POSTs `activity` to `inbox`, signed as actor `from`.
    pub async fn send(&self, from: &str, inbox: &str, activity: &Value) -> reqwest::Response {
        self.send_raw(from, inbox, activity.to_string().into_bytes(), |_| {})
            .await
    }

    /// POSTs `activity` to `inbox` as a load balancer would: signed for `inbox` (the public
    /// address) but connecting to `backend`, with the public Host header.
    pub async fn send_via(
        &self,
        from: &str,
        inbox: &str,
        backend: &str,
        activity: &Value,
    ) -> reqwest::Response {
        let url: url::Url = inbox.parse().unwrap();
        let host = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
        let body = activity.to_string().into_bytes();
        self.send_signed(from, inbox, backend, body, |h| {
            h.insert("host", host.parse().unwrap());
        })
        .await
    }

    /// POSTs `body` signed as `from`; `tamper` may alter the headers after signing.
    pub async fn send_raw(
        &self,
        from: &str,
        inbox: &str,
        body: Vec<u8>,
        tamper: impl FnOnce(&mut HeaderMap),
    ) -> reqwest::Response {
        self.send_signed(from, inbox, inbox, body, tamper).await
    }

    async fn send_signed(
        &self,
        from: &str,
        inbox: &str,
        target: &str,
        body: Vec<u8>,
        tamper: impl FnOnce(&mut HeaderMap),
    ) -> reqwest::Response {
        let mut headers = self.signed_headers(from, inbox, &body);
        tamper(&mut headers);
        reqwest::Client::new()
            .post(target)
            .headers(headers)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// [`Peer::send_via`] for a server that may be gone: a connection error is returned.
    pub async fn try_send_via(
        &self,
        from: &str,
        inbox: &str,
        backend: &str,
        activity: &Value,
    ) -> reqwest::Result<reqwest::Response> {
        let url: url::Url = inbox.parse().unwrap();
        let host = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
        let body = activity.to_string().into_bytes();
        let mut headers = self.signed_headers(from, inbox, &body);
        headers.insert("host", host.parse().unwrap());
        reqwest::Client::new()
            .post(backend)
            .headers(headers)
            .body(body)
            .send()
            .await
    }

    /// As [`Peer::send`], over `client`'s pooled connections: for many requests in a row
    /// (a new client for each costs more than the request).
    pub async fn send_over(
        &self,
        client: &reqwest::Client,
        from: &str,
        inbox: &str,
        activity: &Value,
    ) -> reqwest::Response {
        let body = activity.to_string().into_bytes();
        let headers = self.signed_headers(from, inbox, &body);
        client
            .post(inbox)
            .headers(headers)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// The headers of a POST of `body` to `inbox` signed as `from` (draft-cavage).
    fn signed_headers(&self, from: &str, inbox: &str, body: &[u8]) -> HeaderMap {
        let url: url::Url = inbox.parse().unwrap();
        let host = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
        let date = cavage::http_date(chrono::Utc::now());
        let digest = digest::digest_header(body);
        let key_id = format!("{}#main-key", self.actor(from));
        let signature = cavage::sign(
            "POST",
            url.path(),
            &host,
            &date,
            Some(&digest),
            &key_id,
            &self.shared.key,
        )
        .unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("content-type", "application/activity+json".parse().unwrap());
        headers.insert("date", date.parse().unwrap());
        headers.insert("digest", digest.parse().unwrap());
        headers.insert("signature", signature.parse().unwrap());
        headers
    }

    /// POSTs `activity` signed with RFC 9421 (as Mastodon 4.5+ can), covering `components`.
    /// `body_override` replaces the body after signing, to test digest checks.
    pub async fn send_rfc9421(
        &self,
        from: &str,
        inbox: &str,
        activity: &Value,
        components: &[&str],
        body_override: Option<&str>,
    ) -> reqwest::Response {
        use base64::{Engine, engine::general_purpose::STANDARD};
        use sha2::Digest;
        let body = activity.to_string();
        let digest = format!(
            "sha-256=:{}:",
            STANDARD.encode(sha2::Sha256::digest(body.as_bytes()))
        );
        let url: url::Url = inbox.parse().unwrap();
        let created = chrono::Utc::now().timestamp();
        let key_id = format!("{}#main-key", self.actor(from));
        let list: Vec<String> = components.iter().map(|c| format!("\"{c}\"")).collect();
        let params = format!("({});created={created};keyid=\"{key_id}\"", list.join(" "));
        let mut base = String::new();
        for c in components {
            let value = match *c {
                "@method" => "POST".to_string(),
                "@target-uri" => url.to_string(),
                "content-digest" => digest.clone(),
                other => panic!("component {other} not supported by the test signer"),
            };
            base.push_str(&format!("\"{c}\": {value}\n"));
        }
        base.push_str(&format!("\"@signature-params\": {params}"));
        let signature = STANDARD.encode(self.shared.key.sign(base.as_bytes()).unwrap());
        reqwest::Client::new()
            .post(inbox)
            .header("content-type", "application/activity+json")
            .header("content-digest", digest)
            .header("signature-input", format!("sig1={params}"))
            .header("signature", format!("sig1=:{signature}:"))
            .body(body_override.map_or(body, str::to_string))
            .send()
            .await
            .unwrap()
    }

    /// A Follow of `target` from `from`, not yet sent.
    pub fn follow_activity(&self, from: &str, target: &str) -> Value {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/follows/{}", self.actor(from), uuid::Uuid::new_v4().simple()),
            "type": "Follow", "actor": self.actor(from), "object": target,
        })
    }

    /// Sends a Follow of `target` (an actor URL) from `from`; returns the Follow's id and the answer.
    pub async fn follow(
        &self,
        from: &str,
        target: &str,
        inbox: &str,
    ) -> (String, reqwest::Response) {
        let id = format!(
            "{}/follows/{}",
            self.actor(from),
            uuid::Uuid::new_v4().simple()
        );
        let follow = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": id, "type": "Follow", "actor": self.actor(from), "object": target,
        });
        let response = self.send(from, inbox, &follow).await;
        (id, response)
    }

    /// Sends `Undo{Follow}` for an earlier Follow.
    pub async fn unfollow(
        &self,
        from: &str,
        follow_id: &str,
        target: &str,
        inbox: &str,
    ) -> reqwest::Response {
        let undo = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{follow_id}/undo"), "type": "Undo", "actor": self.actor(from),
            "object": { "id": follow_id, "type": "Follow", "actor": self.actor(from), "object": target },
        });
        self.send(from, inbox, &undo).await
    }
}

async fn actor(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
) -> Result<Json<Value>, StatusCode> {
    shared.document_gets.fetch_add(1, Ordering::SeqCst);
    let status = shared.document_status.load(Ordering::SeqCst);
    if status != 0 {
        return Err(StatusCode::from_u16(status).unwrap());
    }
    let id = format!("{}/users/{name}", shared.base);
    let display = shared
        .names
        .lock()
        .unwrap()
        .get(&name)
        .cloned()
        .unwrap_or_else(|| format!("Reader {name}"));
    let mut actor = json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": id, "type": "Person", "preferredUsername": name, "name": display,
        "inbox": format!("{id}/inbox"), "outbox": format!("{id}/outbox"),
        "followers": format!("{id}/followers"),
        "endpoints": { "sharedInbox": format!("{}/inbox", shared.base) },
        "publicKey": { "id": format!("{id}#main-key"), "owner": id, "publicKeyPem": shared.public_pem },
    });
    if !shared.shared_inbox.load(Ordering::SeqCst) {
        actor.as_object_mut().unwrap().remove("endpoints");
    }
    if let Some(Value::Object(fields)) = shared.profiles.lock().unwrap().get(&name) {
        let document = actor.as_object_mut().unwrap();
        for (key, value) in fields {
            document.insert(key.clone(), value.clone());
        }
    }
    Ok(Json(actor))
}

async fn document(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
) -> Result<axum::response::Response, StatusCode> {
    use axum::response::IntoResponse;
    let key = match uri.path() {
        "/.well-known/webfinger" => "/.well-known/webfinger".to_string(),
        path => path.to_string(),
    };
    shared.document_gets.fetch_add(1, Ordering::SeqCst);
    let status = shared.document_status.load(Ordering::SeqCst);
    if status != 0 {
        return Err(StatusCode::from_u16(status).unwrap());
    }
    let found = shared
        .documents
        .lock()
        .unwrap()
        .get(&key)
        .cloned()
        .ok_or(StatusCode::NOT_FOUND)?;
    if let Some(target) = found.get("__redirect").and_then(Value::as_str) {
        return Ok(axum::response::Redirect::to(target).into_response());
    }
    Ok(Json(found).into_response())
}

async fn inbox(state: State<Arc<Shared>>, uri: Uri, headers: HeaderMap, body: Bytes) -> StatusCode {
    record(state, uri, headers, body).await
}

async fn inbox_shared(
    state: State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    record(state, uri, headers, body).await
}

/// Keeps the delivery, then answers, after the delay `answer_after` set (a slow server has
/// the request but has not said so yet).
async fn record(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let signer = signer_origin(&headers);
    shared.received.lock().unwrap().push(Delivery {
        path: uri.path().to_string(),
        headers,
        body,
    });
    {
        let mut counts = shared.in_flight.lock().unwrap();
        let (now, most) = counts.entry(signer.clone()).or_default();
        *now += 1;
        *most = (*most).max(*now);
    }
    let delay = shared.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    if let Some((now, _)) = shared.in_flight.lock().unwrap().get_mut(&signer) {
        *now -= 1;
    }
    StatusCode::from_u16(shared.status.load(Ordering::SeqCst)).unwrap()
}

/// The origin of the key that signed a request (`keyId` of its `Signature` header), or "" when
/// it is unsigned.
fn signer_origin(headers: &HeaderMap) -> String {
    let signature = headers
        .get("signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    signature
        .split(',')
        .find_map(|part| part.trim().strip_prefix("keyId=\""))
        .and_then(|rest| rest.split('"').next())
        .and_then(|key| url::Url::parse(key).ok())
        .map(|key| key.origin().ascii_serialization())
        .unwrap_or_default()
}
