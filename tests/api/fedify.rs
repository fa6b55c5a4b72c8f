//! A second fediverse server for the tests: the Fedify peer in `tests/peers/fedify`, run as a
//! child process on a loopback port.
//!
//! Its one actor, `reader`, signs and verifies draft-cavage HTTP signatures with Fedify's own
//! code, so a test that makes it follow, unfollow or reply to Broadsheet checks Broadsheet
//! against an implementation that is not its own. It needs `node` (20 or later) on `PATH` and
//! its packages installed once with `npm ci --prefix tests/peers/fedify`. With `TEST_LOG` set,
//! its log goes to the test's stderr (`FEDIFY_LOG_LEVEL=debug` adds Fedify's own).

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, ChildStdout, Command, Stdio},
    time::Duration,
};

use serde_json::{Value, json};

/// A running peer; the process is killed when this is dropped.
pub struct FedifyPeer {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub url: String,
    client: reqwest::Client,
    child: Child,
    // Kept open so the peer never writes into a closed pipe.
    _stdout: BufReader<ChildStdout>,
}

impl FedifyPeer {
    /// Starts the peer when it is installed. Without it, `cargo test` on a machine with only the
    /// Rust toolchain skips the Fedify tests (saying so) instead of failing them; CI sets
    /// `BROADSHEET_REQUIRE_FEDIFY=1`, which turns a missing peer into a failure.
    pub async fn start_if_installed() -> Option<FedifyPeer> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/fedify");
        let installed = dir
            .join("node_modules/@fedify/fedify/package.json")
            .exists();
        if !installed && std::env::var_os("BROADSHEET_REQUIRE_FEDIFY").is_none() {
            eprintln!(
                "skipped: the Fedify peer is not installed (npm ci --prefix tests/peers/fedify)"
            );
            return None;
        }
        Some(Self::start().await)
    }

    /// Starts the peer (node must be on PATH; node_modules installed by
    /// `npm ci --prefix tests/peers/fedify`); panics with a clear message if it is not installed.
    pub async fn start() -> FedifyPeer {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/fedify");
        assert!(
            dir.join("node_modules/@fedify/fedify/package.json")
                .exists(),
            "the Fedify peer is not installed: run `npm ci --prefix tests/peers/fedify` \
             (Node.js 20 or later and npm are needed)"
        );
        let stderr = if std::env::var_os("TEST_LOG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        };
        let mut child = Command::new("node")
            .arg(dir.join("peer.mjs"))
            .args(["--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start `node` for the Fedify peer (is it on PATH?): {e}")
            });
        let stdout = child.stdout.take().expect("piped stdout");

        // The first line is {"url": ...}; read it on a thread of its own, with a deadline.
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let read = reader.read_line(&mut line).map(|_| line);
            tx.send((read, reader)).ok();
        });
        let (line, stdout) = match tokio::time::timeout(Duration::from_secs(30), rx).await {
            Ok(Ok((Ok(line), reader))) if !line.trim().is_empty() => (line, reader),
            outcome => {
                child.kill().ok();
                let status = child.wait().ok();
                let why = match outcome {
                    Err(_) => "it printed nothing within 30 s".to_string(),
                    Ok(Ok((Err(e), _))) => format!("reading its stdout failed: {e}"),
                    _ => format!("it exited ({status:?}) without printing its URL"),
                };
                panic!("the Fedify peer did not start: {why}; set TEST_LOG=1 to see its log");
            }
        };
        let url = serde_json::from_str::<Value>(&line)
            .ok()
            .and_then(|v| v["url"].as_str().map(str::to_string))
            .unwrap_or_else(|| panic!("the Fedify peer printed {line:?}, not {{\"url\": ...}}"));

        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client");
        FedifyPeer {
            url,
            client,
            child,
            _stdout: stdout,
        }
    }

    /// The peer's actor: `http://127.0.0.1:PORT/users/reader`.
    pub fn actor_url(&self) -> String {
        format!("{}/users/reader", self.url)
    }

    /// Makes reader follow `actor` (an actor URL); answers `{"id": <the Follow's id>}`.
    pub async fn follow(&self, actor: &str) -> Value {
        self.control("follow", json!({ "actor": actor })).await
    }

    /// Sends `Undo{Follow}` for reader's earlier Follow of `actor`; answers `{"id": <the Undo's id>}`.
    pub async fn unfollow(&self, actor: &str) -> Value {
        self.control("unfollow", json!({ "actor": actor })).await
    }

    /// Delivers `Create{Note}` replying to `in_reply_to` to the inbox of actor `to`;
    /// answers `{"id": <the Note's id>, "activity": <the Create's id>}`.
    pub async fn reply(&self, in_reply_to: &str, content: &str, to: &str) -> Value {
        let body = json!({ "inReplyTo": in_reply_to, "content": content, "to": to });
        self.control("reply", body).await
    }

    /// Stores a public Note without delivering it; answers `{"id": <the Note's id>}`.
    #[allow(dead_code, reason = "for reply tests; part of the peer's control API")]
    pub async fn note(&self, content: &str) -> Value {
        self.control("note", json!({ "content": content })).await
    }

    /// The activities reader received, in arrival order: each
    /// `{type, id, actor, object, activity, inbox, receivedAt}`.
    pub async fn inbox(&self) -> Vec<Value> {
        let response = self
            .client
            .get(format!("{}/control/inbox", self.url))
            .send()
            .await
            .expect("GET /control/inbox");
        let mut body: Value = response.json().await.expect("inbox JSON");
        match body["activities"].take() {
            Value::Array(activities) => activities,
            other => panic!("/control/inbox answered {other}"),
        }
    }

    /// Polls inbox() every 100 ms until an activity matches `pred`, up to `timeout`; returns it or
    /// panics listing what arrived.
    pub async fn wait_for(&self, timeout: Duration, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let activities = self.inbox().await;
            if let Some(found) = activities.iter().find(|a| pred(a)) {
                return found.clone();
            }
            if tokio::time::Instant::now() >= deadline {
                let arrived: Vec<String> = activities
                    .iter()
                    .map(|a| format!("  {} {} from {}", a["type"], a["id"], a["actor"]))
                    .collect();
                panic!(
                    "the Fedify peer received no matching activity in {timeout:?}; it got:\n{}",
                    arrived.join("\n")
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// POSTs `body` to `/control/{what}` and hands back the status and JSON as they are: a failed
    /// look-up or delivery is a 502 with `{"error": <reason>}`. For tests that expect a failure.
    pub async fn try_control(&self, what: &str, body: Value) -> (reqwest::StatusCode, Value) {
        let response = self
            .client
            .post(format!("{}/control/{what}", self.url))
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST /control/{what}: {e}"));
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// As `try_control`, but panics with the peer's reason unless it answered 200.
    async fn control(&self, what: &str, body: Value) -> Value {
        let (status, answer) = self.try_control(what, body).await;
        assert!(
            status.is_success(),
            "the Fedify peer's {what} failed ({status}): {answer}"
        );
        answer
    }
}

impl Drop for FedifyPeer {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}
