//! The settings' sections, as the configuration file spells them (see `config/default.toml`
//! for each key's meaning).

use ipnet::IpNet;
use serde::{Deserialize, Deserializer};
use url::Url;

use crate::secret::Secret;

/// Moderation defaults and abuse limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModerationSettings {
    pub mode: ModerationMode,
    pub blocklist_refresh_secs: u64,
    /// Inbox requests per minute from one verified remote host with no actor active yet (each
    /// sender's bucket holds a minute's worth: that many at once, then that rate).
    pub inbox_per_host_per_minute: u32,
    /// Added to its host's allowance by each distinct verified actor of that host active lately.
    pub inbox_per_active_actor_per_minute: u32,
    /// The most a host's allowance grows to, however many actors it has.
    pub inbox_per_host_max_per_minute: u32,
    /// Inbox requests per minute from one verified remote actor.
    pub inbox_per_actor_per_minute: u32,
    /// Reports one remote account may file in a day; past it, 429.
    pub max_reports_per_actor_per_day: u64,
    /// Login attempts one client address may make in 15 minutes, whatever names it tries.
    pub login_attempts: u32,
    /// Failed logins for one account before each further attempt must wait.
    pub login_free_failures: u32,
    /// The first wait; it doubles with every further failure, up to `login_delay_max_secs`.
    pub login_delay_base_ms: u64,
    pub login_delay_max_secs: u64,
}

impl ModerationSettings {
    pub fn default_mode(&self) -> ModerationMode {
        self.mode
    }
}

/// How new replies are treated. Blocks and keyword rules apply in every mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModerationMode {
    /// Replies appear at once; editors hide after the fact.
    Open,
    /// Replies from actors never approved before wait for an editor.
    FirstTime,
    /// Every reply waits for an editor.
    HoldAll,
}

impl ModerationMode {
    pub const ALL: [ModerationMode; 3] = [
        ModerationMode::Open,
        ModerationMode::FirstTime,
        ModerationMode::HoldAll,
    ];

    pub fn parse(text: &str) -> Option<ModerationMode> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ModerationMode::Open => "open",
            ModerationMode::FirstTime => "first-time",
            ModerationMode::HoldAll => "hold-all",
        }
    }
}

/// Who may quote a story (FEP-044f), site-wide or per story. Blocks apply whatever it says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuotePolicy {
    /// Every request is approved at once.
    #[default]
    Anyone,
    /// Only the publication's followers are approved; others are refused.
    Followers,
    /// Every request is refused.
    Nobody,
    /// Every request waits for an editor in the moderation queue.
    Editor,
}

impl QuotePolicy {
    pub const ALL: [QuotePolicy; 4] = [
        QuotePolicy::Anyone,
        QuotePolicy::Followers,
        QuotePolicy::Nobody,
        QuotePolicy::Editor,
    ];

    pub fn parse(text: &str) -> Option<QuotePolicy> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            QuotePolicy::Anyone => "anyone",
            QuotePolicy::Followers => "followers",
            QuotePolicy::Nobody => "nobody",
            QuotePolicy::Editor => "editor",
        }
    }
}

/// Fetching unknown parents and crawling for missed replies.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplySettings {
    pub close_after_days: u32,
    pub fetch_depth: usize,
    pub fetch_budget: usize,
    pub crawl_interval_secs: u64,
    pub crawl_batch: u64,
    pub crawl_pages: usize,
}

/// The outgoing queue's limits and timings (see `config/default.toml` for each one's meaning).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliverySettings {
    pub concurrency: usize,
    pub per_host: usize,
    pub timeout_secs: u64,
    pub connect_timeout_secs: u64,
    /// An attempt waiting longer than this moves out of `concurrency` into `slow_slots`.
    pub slow_after_ms: u64,
    pub slow_slots: usize,
    /// A host is proven when it answered a delivery within this long and has not failed since;
    /// others (new hosts, failing ones) get `unproven_per_host` deliveries at once and
    /// `unproven_connect_timeout_ms` to connect.
    pub proven_within_secs: u64,
    pub unproven_per_host: usize,
    pub unproven_connect_timeout_ms: u64,
    pub retry_base_ms: u64,
    pub retry_cap_secs: u64,
    pub dead_after_secs: u64,
    pub expire_after_secs: u64,
    pub poll_ms: u64,
    pub lease_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboxSettings {
    pub max_body_bytes: usize,
    pub signature_window_secs: i64,
    /// A signer's key is fetched again at most this often (keys rotate, floods must not).
    pub key_refresh_cooldown_secs: u64,
    /// Inbox requests one client address may send per minute, before any verification (a
    /// minute's worth at once, then that rate).
    pub per_address_per_minute: u32,
    /// Inbox jobs (replies waiting for their parent) one remote actor may have pending.
    pub max_pending_jobs_per_actor: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://…` or `postgres://…`; may hold a password, so it is never logged (its `Debug`
    /// is redacted).
    pub url: Secret<String>,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicationSettings {
    pub handle: String,
    pub name: String,
    pub summary: String,
    pub icon_url: Option<Url>,
    pub language: String,
    pub sample_story: bool,
    /// The quote policy of stories that set none of their own.
    #[serde(default)]
    pub quote_policy: QuotePolicy,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSettings {
    pub page_size: u64,
    /// Proxies whose `X-Forwarded-For` is believed (see `http::client_addr`, which reads them).
    #[serde(default, deserialize_with = "networks")]
    pub trusted_proxies: Vec<IpNet>,
    /// Live-update streams one client address may hold open at once.
    pub live_streams_per_client: usize,
    /// Who may show the site's pages in a frame: the `frame-ancestors` sources of the
    /// Content-Security-Policy (`'none'`, `'self'`, or origins separated by spaces).
    pub frame_ancestors: String,
    /// "Where's my reply?" look-ups one client address may make per minute (each may fetch).
    pub where_lookups_per_minute: u32,
    /// Keep story pages' conversations in memory between readers (see `http::page_cache`).
    pub page_cache: bool,
    /// At most this many conversations (a story's page in one order, or one thread) are kept.
    pub page_cache_entries: usize,
    /// At most this many bytes of rendered HTML are kept.
    pub page_cache_bytes: usize,
    /// A kept conversation is rendered again after this long at the latest, whatever changed.
    pub page_cache_ttl_secs: u64,
}

/// CIDR blocks (`10.0.0.0/8`, `::1/128`) or single addresses (`127.0.0.1`).
fn networks<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<IpNet>, D::Error> {
    Vec::<String>::deserialize(deserializer)?
        .iter()
        .map(|text| parse_network(text).map_err(serde::de::Error::custom))
        .collect()
}

fn parse_network(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(IpNet::from))
        .map(|net| net.trunc())
        .map_err(|_| format!("`{text}` is not an address or CIDR block (like 10.0.0.0/8)"))
}

/// The media proxy's disk cache and fetch limits (see `http::media`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaSettings {
    /// Where cached files live; replicas may share it (files appear whole, by rename).
    pub dir: std::path::PathBuf,
    /// The cache's size cap: past it, the least recently used files go.
    pub max_bytes: u64,
    /// A larger remote file is refused (and never cached).
    pub max_file_bytes: u64,
    /// A remote fetch, redirects and body included, is cut off after this long.
    pub fetch_timeout_secs: u64,
    /// Remote media fetches in flight at once; more requests wait for a slot.
    pub concurrent_fetches: usize,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    pub filter: String,
}

/// Importing stories from the newsroom's own feeds (RSS, Atom, JSON Feed).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedSettings {
    /// Each feed is polled this often.
    pub poll_interval_secs: u64,
    /// A feed document larger than this is refused.
    pub max_bytes: usize,
    /// The longest wait between tries of a failing feed (the wait doubles from the interval).
    pub max_backoff_secs: u64,
    /// An embed of an article we do not have yet polls its site's feed early, at most this often.
    pub early_poll_secs: u64,
}

/// The conversation embedded in other sites' pages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbedSettings {
    /// The sites allowed to frame `/embed/…` (`frame-ancestors` origins, spaces between; `*`:
    /// any); empty: the origins of this site's stories' canonical URLs.
    pub origins: String,
}
