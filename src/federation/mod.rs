//! Federation: the ActivityPub wire format ([`protocol`]) and the conversions from domain types
//! to it ([`objects`]).

pub mod objects;
pub mod protocol;

/// The media type of ActivityPub documents we serve.
pub const ACTIVITY_JSON: &str = "application/activity+json; charset=utf-8";
