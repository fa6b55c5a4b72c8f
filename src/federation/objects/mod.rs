//! Conversions from domain types to their wire form.

pub mod actor;
pub mod note;
pub mod quote;
pub mod story;
