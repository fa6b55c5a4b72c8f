//! Blocks: of actors, of whole domains (with their subdomains), and keyword rules; typed in by
//! editors or imported from Mastodon's domain-block CSV (once, or by subscription).

use sea_orm::ConnectionTrait;
use url::Url;

use crate::{
    error::{AppError, FieldErrors},
    storage::{blocks, entities::block},
};

pub const ACTOR: &str = "actor";
pub const DOMAIN: &str = "domain";
pub const KEYWORD: &str = "keyword";

/// Every block, loaded once for a decision or a page.
pub struct Blocklist {
    pub entries: Vec<block::Model>,
}

impl Blocklist {
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, AppError> {
        Ok(Blocklist {
            entries: blocks::all(db).await?,
        })
    }

    /// Why `actor` (on `domain`, `host[:port]`) is blocked, if it is.
    pub fn blocks_actor(&self, actor: &str, domain: &str) -> Option<String> {
        let host = domain.split(':').next().unwrap_or(domain);
        self.entries.iter().find_map(|b| {
            let hit = match b.kind.as_str() {
                ACTOR => b.value == actor,
                DOMAIN => {
                    host == b.value || host.ends_with(&format!(".{}", b.value)) || domain == b.value
                }
                _ => false,
            };
            hit.then(|| format!("{} {} is blocked", b.kind, b.value))
        })
    }

    pub fn matches_keyword(&self, html: &str) -> bool {
        let text = crate::domain::reply::sanitize::plain_text(html).to_lowercase();
        self.entries
            .iter()
            .filter(|b| b.kind == KEYWORD)
            .any(|b| text.contains(&b.value.to_lowercase()))
    }
}

/// Adds a block typed by an editor, after normalising it.
pub async fn add(
    db: &impl ConnectionTrait,
    kind: &str,
    value: &str,
    reason: &str,
) -> Result<(), AppError> {
    let value = normalise(kind, value)?;
    blocks::add(db, kind, &value, reason.trim(), None).await?;
    Ok(())
}

pub async fn remove(db: &impl ConnectionTrait, id: i64) -> Result<bool, AppError> {
    Ok(blocks::remove(db, id).await?)
}

/// Removes block `id` and returns what it was; `None` when there is no such block.
pub async fn take(db: &impl ConnectionTrait, id: i64) -> Result<Option<block::Model>, AppError> {
    let Some(found) = blocks::find_by_id(db, id).await? else {
        return Ok(None);
    };
    blocks::remove(db, id).await?;
    Ok(Some(found))
}

fn normalise(kind: &str, value: &str) -> Result<String, AppError> {
    let value = value.trim();
    let mut errors = FieldErrors::default();
    let normal = match kind {
        ACTOR => match Url::parse(value) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => url.to_string(),
            _ => {
                errors.add("value", "an actor block needs the actor's URL");
                String::new()
            }
        },
        DOMAIN => {
            let domain = value
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_end_matches('/')
                .to_lowercase();
            if domain.is_empty()
                || !domain
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
            {
                errors.add("value", "a domain such as spam.example");
            }
            domain
        }
        KEYWORD => {
            if value.is_empty() || value.chars().count() > 100 {
                errors.add("value", "a keyword of 1 to 100 characters");
            }
            value.to_string()
        }
        _ => {
            errors.add("kind", "one of actor, domain, keyword");
            String::new()
        }
    };
    errors.into_result(normal)
}

/// The domains a Mastodon domain-block CSV (`#domain,#severity,…`, or one domain per line)
/// blocks. `noop` rows and obfuscated domains (`*`) are skipped.
pub fn parse_csv(text: &str) -> Vec<String> {
    let mut domains = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut columns = line.split(',').map(|c| c.trim().trim_matches('"'));
        let domain = columns.next().unwrap_or_default().to_lowercase();
        let severity = columns.next().unwrap_or("suspend");
        let header = domain.starts_with('#') || domain == "domain";
        if header || domain.contains('*') || severity == "noop" || !domain.contains('.') {
            continue;
        }
        if !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    domains
}

/// Imports a CSV once, as editor blocks. Returns how many domains it named.
pub async fn import_csv(db: &impl ConnectionTrait, text: &str) -> Result<usize, AppError> {
    let domains = parse_csv(text);
    for domain in &domains {
        blocks::add(db, DOMAIN, domain, "imported blocklist", None).await?;
    }
    Ok(domains.len())
}

/// Replaces a subscription's blocks with what its list names now.
pub async fn apply_subscription(
    db: &impl ConnectionTrait,
    subscription: i64,
    text: &str,
) -> Result<usize, AppError> {
    let domains = parse_csv(text);
    for domain in &domains {
        blocks::add(
            db,
            DOMAIN,
            domain,
            "subscribed blocklist",
            Some(subscription),
        )
        .await?;
    }
    blocks::prune_subscription(db, subscription, &domains).await?;
    Ok(domains.len())
}

#[cfg(test)]
mod tests {
    use super::parse_csv;

    #[test]
    fn reads_mastodons_export_and_plain_lists() {
        let csv = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\nspam.example,suspend,true,true,spam,false\nquiet.example,silence,false,false,,false\nfine.example,noop,false,false,,false\nhid*en.example,suspend,false,false,,true\n";
        assert_eq!(parse_csv(csv), ["spam.example", "quiet.example"]);
        assert_eq!(
            parse_csv("a.example\n\nB.example\na.example\n"),
            ["a.example", "b.example"]
        );
    }
}
