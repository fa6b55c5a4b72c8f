//! Federation: the ActivityPub wire format ([`protocol`]), conversions from domain types
//! ([`objects`]), the inbox, signatures, and the persistent delivery queue ([`send`], [`delivery`]).

pub mod ancestors;
pub mod backfill;
pub mod blocklists;
pub mod client;
pub mod cluster;
pub mod context;
pub mod delivery;
pub mod feed_poll;
pub mod guard;
pub mod inbox;
pub mod interaction_link;
pub mod lookup;
pub mod media_fetch;
pub mod memo;
pub mod nodeinfo;
pub mod objects;
pub mod origin;
pub mod outbox;
pub mod protocol;
pub mod remote_actors;
pub mod signatures;
pub mod webhooks;

/// The media type of ActivityPub documents we serve.
pub const ACTIVITY_JSON: &str = "application/activity+json; charset=utf-8";
