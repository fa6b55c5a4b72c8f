//! The delivery worker: claims due rows from the persistent queue, sends them signed, records
//! the outcomes in batches, and backs off from hosts that fail (and is careful with hosts that
//! have not answered lately).

mod attempt;
pub mod backoff;
mod outcomes;
mod worker;

pub use worker::DeliveryWorker;
