//! Per-instance policy: an editor trusts a server (its replies skip the first-time queue) or
//! holds it (its replies always wait for an editor, whatever the mode). Blocking a server is a
//! block (`blocks`), which refuses it outright.

use sea_orm::ConnectionTrait;

use crate::{
    error::{AppError, FieldErrors},
    storage::instance_policies,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstancePolicy {
    Trusted,
    Held,
}

impl InstancePolicy {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "trusted" => Some(InstancePolicy::Trusted),
            "held" => Some(InstancePolicy::Held),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            InstancePolicy::Trusted => "trusted",
            InstancePolicy::Held => "held",
        }
    }
}

/// The policy for the server `domain` (`host[:port]`), if an editor set one.
pub async fn of(
    db: &impl ConnectionTrait,
    domain: &str,
) -> Result<Option<InstancePolicy>, AppError> {
    let key = domain.to_ascii_lowercase();
    Ok(instance_policies::get(db, &key)
        .await?
        .as_deref()
        .and_then(InstancePolicy::parse))
}

/// Sets the policy for `domain`: `trusted`, `held`, or `none` (or empty) to clear it.
/// Returns the normalised domain and the policy now in force.
pub async fn set(
    db: &impl ConnectionTrait,
    domain: &str,
    text: &str,
) -> Result<(String, Option<InstancePolicy>), AppError> {
    let domain = normalise(domain)?;
    let text = text.trim();
    if text.is_empty() || text == "none" {
        instance_policies::clear(db, &domain).await?;
        return Ok((domain, None));
    }
    let Some(policy) = InstancePolicy::parse(text) else {
        let mut errors = FieldErrors::default();
        errors.add("policy", "one of trusted, held, none");
        return Err(AppError::Validation(errors));
    };
    instance_policies::set(db, &domain, policy.as_str()).await?;
    Ok((domain, Some(policy)))
}

/// Every server with a policy, by domain.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<(String, String)>, AppError> {
    Ok(instance_policies::all(db)
        .await?
        .into_iter()
        .map(|p| (p.domain, p.policy))
        .collect())
}

/// `host[:port]` in lower case, from what an editor typed (a URL is cut down to its host).
pub fn normalise(domain: &str) -> Result<String, AppError> {
    let domain = domain
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_ascii_lowercase();
    let valid = !domain.is_empty()
        && domain.len() <= 253
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    if !valid {
        let mut errors = FieldErrors::default();
        errors.add("domain", "a server's domain such as social.example");
        return Err(AppError::Validation(errors));
    }
    Ok(domain)
}

#[cfg(test)]
mod tests {
    use super::{InstancePolicy, normalise};

    #[test]
    fn domains_are_cut_to_host_and_port() {
        assert_eq!(
            normalise(" https://Social.Example/ ").expect("valid"),
            "social.example"
        );
        assert_eq!(
            normalise("127.0.0.1:8080").expect("valid"),
            "127.0.0.1:8080"
        );
        assert!(normalise("a b").is_err());
        assert!(normalise("").is_err());
        assert_eq!(InstancePolicy::parse("held"), Some(InstancePolicy::Held));
        assert_eq!(InstancePolicy::parse("blocked"), None);
    }
}
