//! Bulk decisions: everything held from one account or from one server, at once.

use sea_orm::ConnectionTrait;

use crate::{
    error::{AppError, FieldErrors},
    storage::{actors, entities::reply, replies},
};

/// Whose held replies a bulk action takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeldFrom {
    /// An account, by its actor id.
    Account(String),
    /// A server, by `host[:port]`.
    Instance(String),
}

impl HeldFrom {
    /// From an `account` or an `instance` (exactly one of them).
    pub fn parse(account: Option<&str>, instance: Option<&str>) -> Result<Self, AppError> {
        match (given(account), given(instance)) {
            (Some(account), None) => Ok(HeldFrom::Account(account.to_string())),
            (None, Some(instance)) => Ok(HeldFrom::Instance(super::policy::normalise(instance)?)),
            _ => {
                let mut errors = FieldErrors::default();
                errors.add("account", "give an account or an instance, not both");
                Err(AppError::Validation(errors))
            }
        }
    }
}

fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Every held reply from `from`, oldest first. An unknown account has none.
pub async fn held(
    db: &impl ConnectionTrait,
    from: &HeldFrom,
) -> Result<Vec<reply::Model>, AppError> {
    Ok(match from {
        HeldFrom::Account(ap_id) => match actors::find_by_ap_id(db, ap_id).await? {
            Some(author) => replies::held_from(db, Some(author.id), None).await?,
            None => Vec::new(),
        },
        HeldFrom::Instance(domain) => replies::held_from(db, None, Some(domain)).await?,
    })
}
