//! What happens around a story change, inside its transaction. The domain says when; the
//! federation layer (which knows the wire format) says what to send. Writing the deliveries in
//! the same transaction is what makes a story impossible to publish without them.

use sea_orm::DatabaseTransaction;

use super::Story;
use crate::error::AppError;

#[async_trait::async_trait]
pub trait StoryEvents: Send + Sync {
    async fn published(&self, txn: &DatabaseTransaction, story: &Story) -> Result<(), AppError>;
    async fn updated(&self, txn: &DatabaseTransaction, story: &Story) -> Result<(), AppError>;
    async fn deleted(&self, txn: &DatabaseTransaction, story: &Story) -> Result<(), AppError>;
}
