//! A webhook receiver on a loopback port, as a desk's chat bridge would run one: it records what
//! it was sent and answers with the statuses a test chooses.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{body::Bytes, extract::State, http::HeaderMap, http::StatusCode};
use serde_json::Value;

use crate::helpers::WAIT;

/// What a receiver was sent: the headers and the exact body bytes.
#[derive(Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn header(&self, name: &str) -> String {
        self.headers[name].to_str().unwrap().to_string()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

#[derive(Default)]
pub struct Receiver {
    /// Statuses to answer with, in order; 200 once they run out.
    answers: Mutex<VecDeque<u16>>,
    pub received: Mutex<Vec<Received>>,
}

/// A webhook receiver on a loopback port; its URL and what it was sent.
pub async fn receiver(answers: &[u16]) -> (String, Arc<Receiver>) {
    let shared = Arc::new(Receiver {
        answers: Mutex::new(answers.iter().copied().collect()),
        ..Default::default()
    });
    async fn hook(State(r): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
        r.received.lock().unwrap().push(Received { headers, body });
        let status = r.answers.lock().unwrap().pop_front().unwrap_or(200);
        StatusCode::from_u16(status).unwrap()
    }
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(hook))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    (url, shared)
}

impl Receiver {
    /// Waits until `n` requests arrived; the test fails after [`WAIT`].
    pub async fn until(&self, n: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let got = self.received.lock().unwrap().clone();
            if got.len() >= n {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "only {} of {n} webhooks arrived",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
