//! The delivery worker: claims due rows from the persistent queue, sends them signed, records
//! the outcome, and backs off from hosts that fail.

mod attempt;
pub mod backoff;
mod worker;

pub use worker::DeliveryWorker;
