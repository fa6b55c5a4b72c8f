//! Triage signals: what an editor wants to know before deciding on a held or reported reply.
//! The account (how old it says it is, since when we know it, how its replies fared here), its
//! server (its record here, reports naming it, what its NodeInfo says, the editor's policy), and
//! the reply itself (its links, mentions and language).

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

use super::{HELD, HIDDEN, VISIBLE, policy};
use crate::{
    domain::reply::presentation::{Presentation, TagKind},
    error::AppError,
    storage::{
        entities::{actor, reply},
        instance_nodeinfo, replies, reports,
    },
};

/// How replies fared here: shown, waiting, hidden.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Record {
    pub published: i64,
    pub held: i64,
    pub hidden: i64,
}

impl Record {
    fn from_counts(counts: Vec<(String, i64)>) -> Self {
        let mut record = Record::default();
        for (state, n) in counts {
            match state.as_str() {
                VISIBLE => record.published += n,
                HELD => record.held += n,
                HIDDEN => record.hidden += n,
                _ => {}
            }
        }
        record
    }
    pub fn total(&self) -> i64 {
        self.published + self.held + self.hidden
    }
}

/// What a server's NodeInfo said, when it was last read.
#[derive(Debug, Clone, Serialize)]
pub struct ServerInfo {
    pub software: Option<String>,
    pub version: Option<String>,
    pub users: Option<i64>,
    /// Why it could not be read, when it could not.
    pub error: Option<String>,
    pub checked_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Signals {
    pub account: String,
    /// When the account says it was created on its server.
    pub account_created_at: Option<DateTime<Utc>>,
    pub account_age_days: Option<i64>,
    /// When we first stored the account.
    pub first_seen_at: DateTime<Utc>,
    /// Other replies of the account are stored here.
    pub seen_before: bool,
    /// An editor approved one of its replies before.
    pub approved_before: bool,
    pub account_replies: Record,
    pub account_reports: u64,
    pub instance: String,
    pub instance_replies: Record,
    pub instance_reports: u64,
    /// The editor's policy for the server: `trusted`, `held`, or none.
    pub instance_policy: Option<String>,
    /// `None` until the server's NodeInfo has been read.
    pub server: Option<ServerInfo>,
    /// The web links in the reply (not its mentions or hashtags).
    pub links: Vec<String>,
    pub mentions: Vec<String>,
    pub language: Option<String>,
}

/// The signals for `reply` by `author`.
pub async fn signals(
    db: &impl ConnectionTrait,
    reply: &reply::Model,
    author: &actor::Model,
) -> Result<Signals, AppError> {
    let account_replies =
        Record::from_counts(replies::count_by_state(db, Some(author.id), None).await?);
    let instance_replies =
        Record::from_counts(replies::count_by_state(db, None, Some(&author.domain)).await?);
    let scheme = author.ap_id.split("://").next().unwrap_or("https");
    let instance_prefix = format!("{scheme}://{}/", author.domain);
    let presentation = Presentation::from_columns(
        &reply.object_type,
        reply.language.as_deref(),
        None,
        reply.tags.as_deref(),
        None,
    );
    let tag_hrefs: Vec<String> = presentation
        .tags
        .iter()
        .filter_map(|t| t.href.as_ref().map(|h| h.to_string()))
        .collect();
    Ok(Signals {
        account: author.ap_id.clone(),
        account_created_at: author.account_published_at,
        account_age_days: author
            .account_published_at
            .map(|at| (Utc::now() - at).num_days()),
        first_seen_at: author.published_at,
        seen_before: account_replies.total() > 1,
        approved_before: author.approved_at.is_some(),
        account_reports: account_reports(db, author).await?,
        account_replies,
        instance_reports: reports::count_naming(db, &instance_prefix).await?,
        instance_policy: policy::of(db, &author.domain)
            .await?
            .map(|p| p.as_str().to_string()),
        server: instance_nodeinfo::get(db, &author.domain)
            .await?
            .map(|n| ServerInfo {
                software: n.software,
                version: n.version,
                users: n.users,
                error: n.error,
                checked_at: n.fetched_at,
            }),
        instance: author.domain.clone(),
        instance_replies,
        links: links_in(&reply.content_html, &tag_hrefs),
        mentions: presentation
            .tags
            .iter()
            .filter(|t| t.kind == TagKind::Mention)
            .map(|t| t.name.clone())
            .collect(),
        language: reply.language.clone(),
    })
}

/// Reports naming the account or one of its recent replies.
async fn account_reports(
    db: &impl ConnectionTrait,
    author: &actor::Model,
) -> Result<u64, AppError> {
    let mut ids = replies::recent_ids_by(db, author.id, 100).await?;
    ids.push(author.ap_id.clone());
    Ok(reports::count_naming_any(db, &ids).await?)
}

/// The http(s) links in cleaned reply HTML, less those that are the reply's own tags and
/// those marked as mentions or hashtags.
pub fn links_in(html: &str, tag_hrefs: &[String]) -> Vec<String> {
    let mut links = Vec::new();
    for anchor in html.split("<a ").skip(1) {
        let tag = anchor.split('>').next().unwrap_or_default();
        if tag.contains("mention") || tag.contains("hashtag") {
            continue;
        }
        let Some(href) = tag
            .split("href=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
        else {
            continue;
        };
        let href = href.replace("&amp;", "&");
        let web = href.starts_with("https://") || href.starts_with("http://");
        if web && !tag_hrefs.contains(&href) && !links.contains(&href) {
            links.push(href);
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::links_in;

    #[test]
    fn links_leave_out_mentions_and_hashtags() {
        let html = r#"<p><a href="https://a.example/@x" class="u-url mention">@x</a> see <a href="https://spam.example/buy?a=1&amp;b=2" rel="nofollow">this</a> <a href="https://a.example/tags/t" class="mention hashtag">#t</a> <a href="https://spam.example/buy?a=1&amp;b=2">again</a></p>"#;
        assert_eq!(links_in(html, &[]), ["https://spam.example/buy?a=1&b=2"]);
        assert!(links_in("<p>no links</p>", &[]).is_empty());
    }
}
