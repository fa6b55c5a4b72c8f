//! What replicas tell each other, as NOTIFY payloads: ids only, since PostgreSQL refuses a
//! payload of 8000 bytes or more, and every replica reads the rest from the shared database.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    domain::reply::{ThreadChange, ThreadEvent},
    federation::context::Invalidation,
};

/// One change, as another replica needs to hear it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// A conversation changed: open pages render it from the database.
    Thread {
        story: i64,
        reply: i64,
        change: ThreadChange,
    },
    /// Something kept in memory is stale.
    Invalidate(Invalidation),
    /// The sender lost some of its own notices (its queue overflowed, or a send failed):
    /// whoever hears this drops every cache, as after missing notices of its own.
    Lost,
}

impl From<ThreadEvent> for Notice {
    fn from(event: ThreadEvent) -> Self {
        Notice::Thread {
            story: event.story_id,
            reply: event.reply_id,
            change: event.kind,
        }
    }
}

/// One NOTIFY payload: who sent it, so a replica ignores its own, and what happened, in order.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    pub replica: Uuid,
    pub notices: Vec<Notice>,
}

/// Notices per payload. The longest notice (a thread change with two 20-digit ids) is under
/// 100 bytes, so 64 of them stay well below PostgreSQL's 8000 (a test checks it).
pub const NOTICES_PER_PAYLOAD: usize = 64;

/// `notices` as payloads, in order, each under the size PostgreSQL accepts.
pub fn pack(replica: Uuid, notices: &[Notice]) -> Vec<String> {
    notices
        .chunks(NOTICES_PER_PAYLOAD)
        .filter_map(|chunk| {
            let payload = Payload {
                replica,
                notices: chunk.to_vec(),
            };
            serde_json::to_string(&payload).ok()
        })
        .collect()
}

/// A payload as received; `None` when it cannot be read (a newer replica's, during an upgrade).
pub fn unpack(text: &str) -> Option<Payload> {
    serde_json::from_str(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_payload_fits_in_a_notify() {
        let widest = Notice::Thread {
            story: i64::MIN,
            reply: i64::MIN,
            change: ThreadChange::QuoteRemoved,
        };
        let packed = pack(Uuid::new_v4(), &vec![widest; NOTICES_PER_PAYLOAD * 3 + 1]);
        assert_eq!(packed.len(), 4);
        for payload in &packed {
            assert!(payload.len() < 8000, "{} bytes", payload.len());
        }
    }

    #[test]
    fn payloads_read_back_in_order() {
        let replica = Uuid::new_v4();
        let notices = vec![
            Notice::Thread {
                story: 1,
                reply: 2,
                change: ThreadChange::Added,
            },
            Notice::Invalidate(Invalidation::RemoteActor(Some(7))),
            Notice::Invalidate(Invalidation::Story(None)),
            Notice::Invalidate(Invalidation::Moderation),
            Notice::Lost,
        ];
        let packed = pack(replica, &notices);
        assert_eq!(packed.len(), 1);
        assert_eq!(unpack(&packed[0]), Some(Payload { replica, notices }));
        assert_eq!(unpack("{\"replica\": 3}"), None);
        assert_eq!(unpack("not json"), None);
    }
}
