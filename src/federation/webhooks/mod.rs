//! Sending webhooks: the worker claims due rows of `webhook_deliveries` (leased, as activity
//! deliveries are), builds each body from its event's facts, signs it with the webhook's
//! secret, and posts it with a client of its own (short timeout, no redirects, the outbound
//! address guard). A failure is retried with the delivery queue's back-off.

mod body;
pub mod signature;
mod worker;

pub use worker::WebhookWorker;
