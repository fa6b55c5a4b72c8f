//! What the moderation verdict reads besides the blocklist: the mode in force and the
//! editors' per-server policies, loaded together so that a decision reads nothing else (the
//! inbox keeps one in memory; see `federation::memo`).

use std::collections::HashMap;

use sea_orm::ConnectionTrait;

use super::{Mode, mode, policy::InstancePolicy};
use crate::{error::AppError, storage::instance_policies};

#[derive(Debug, Clone)]
pub struct Standing {
    /// The mode an editor chose, else the configured one.
    pub mode: Mode,
    /// Policies by lower-case `host[:port]`.
    policies: HashMap<String, InstancePolicy>,
}

impl Standing {
    pub async fn load(db: &impl ConnectionTrait, configured: Mode) -> Result<Self, AppError> {
        let policies = instance_policies::all(db)
            .await?
            .into_iter()
            .filter_map(|p| Some((p.domain, InstancePolicy::parse(&p.policy)?)))
            .collect();
        Ok(Standing {
            mode: mode(db, configured).await?,
            policies,
        })
    }

    /// The policy an editor set for the server `domain` (`host[:port]`), if any.
    pub fn policy_of(&self, domain: &str) -> Option<InstancePolicy> {
        self.policies.get(&domain.to_ascii_lowercase()).copied()
    }
}
