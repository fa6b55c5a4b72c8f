//! The live-update channel: conversation changes, rendered once by `http::live`, go to every
//! open story-page stream. Kept apart from `http` so the shared state can hold it without
//! depending on the web layer. Also counts open streams per client, to cap them.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex},
};

use tokio::sync::{broadcast, watch};

/// A change, rendered.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub story_id: i64,
    pub event: &'static str,
    pub data: Arc<str>,
}

/// Sends rendered changes to every open stream.
pub struct Hub {
    sender: broadcast::Sender<Rendered>,
    /// The admin desk's stream: every story's changes, rendered for editors.
    desk: broadcast::Sender<Rendered>,
    /// Flipped at shutdown: open streams end, so the server's graceful stop need not wait for
    /// readers who keep a page open for hours.
    closing: watch::Sender<bool>,
    /// Open streams per client (see `http::client_addr::limit_key`); a client leaves when it has none.
    streams: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            sender: broadcast::channel(256).0,
            desk: broadcast::channel(256).0,
            closing: watch::channel(false).0,
            streams: Arc::default(),
        }
    }
}

/// One client's open stream; dropped with the stream, it frees the slot.
pub struct StreamSlot {
    client: IpAddr,
    streams: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut streams = self
            .streams
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(open) = streams.get_mut(&self.client) {
            *open = open.saturating_sub(1);
            if *open == 0 {
                streams.remove(&self.client);
            }
        }
    }
}

impl Hub {
    /// Ends every open stream (the browsers reconnect to another replica or after restart).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Rendered> {
        self.sender.subscribe()
    }

    /// A slot for one more stream of `client`, unless it already holds `cap`.
    pub fn open_stream(&self, client: IpAddr, cap: usize) -> Option<StreamSlot> {
        let mut streams = self
            .streams
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let open = streams.entry(client).or_insert(0);
        if *open >= cap {
            if *open == 0 {
                streams.remove(&client);
            }
            return None;
        }
        *open += 1;
        Some(StreamSlot {
            client,
            streams: self.streams.clone(),
        })
    }

    /// Streams open now, across clients.
    pub fn open_streams(&self) -> usize {
        self.streams
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .values()
            .sum()
    }

    /// Sends a rendered change to every open stream; false when nobody listens.
    pub fn publish(&self, change: Rendered) -> bool {
        self.sender.send(change).is_ok()
    }

    /// Flips to true at shutdown, when every stream should end.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Sends a change rendered for the desk to every editor's open desk.
    pub fn publish_desk(&self, change: Rendered) -> bool {
        self.desk.send(change).is_ok()
    }

    pub fn subscribe_desk(&self) -> broadcast::Receiver<Rendered> {
        self.desk.subscribe()
    }

    /// Whether an editor has the desk open.
    pub fn desk_listening(&self) -> bool {
        self.desk.receiver_count() > 0
    }

    /// Whether any stream is open to receive changes.
    pub fn has_listeners(&self) -> bool {
        self.sender.receiver_count() > 0
    }
}
