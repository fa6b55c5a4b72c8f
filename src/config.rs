//! Typed settings: `config/default.toml` (compiled in, so the binary runs from anywhere), then the
//! file named by `BROADSHEET_CONFIG`, then environment variables. The variable names are part of
//! the product's interface; they are listed once, in [`ENV_KEYS`].

use std::{net::SocketAddr, path::Path};

use anyhow::{Context, bail};
use ipnet::IpNet;
use serde::{Deserialize, Deserializer};
use url::Url;

use crate::secret::Secret;

const DEFAULTS: &str = include_str!("../config/default.toml");

/// Environment variable → dotted key in the configuration file.
pub const ENV_KEYS: &[(&str, &str)] = &[
    ("BROADSHEET_PUBLIC_URL", "public_url"),
    ("BROADSHEET_BIND", "bind"),
    ("BROADSHEET_DEV", "dev"),
    ("DATABASE_URL", "database.url"),
    ("BROADSHEET_DB_MAX_CONNECTIONS", "database.max_connections"),
    ("BROADSHEET_HANDLE", "publication.handle"),
    ("BROADSHEET_NAME", "publication.name"),
    ("BROADSHEET_SUMMARY", "publication.summary"),
    ("BROADSHEET_ICON_URL", "publication.icon_url"),
    ("BROADSHEET_LANGUAGE", "publication.language"),
    ("BROADSHEET_SAMPLE_STORY", "publication.sample_story"),
    ("BROADSHEET_PAGE_SIZE", "web.page_size"),
    ("BROADSHEET_FRAME_ANCESTORS", "web.frame_ancestors"),
    ("BROADSHEET_TRUSTED_PROXIES", "web.trusted_proxies"),
    ("BROADSHEET_MODERATION", "moderation.mode"),
    (
        "BROADSHEET_CLOSE_REPLIES_AFTER_DAYS",
        "replies.close_after_days",
    ),
    ("BROADSHEET_LOG_FORMAT", "log.format"),
    ("RUST_LOG", "log.filter"),
    ("BROADSHEET_LOG", "log.filter"),
];

/// Everything the process needs to know, resolved and validated once at start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Base of every id, handle and link; never ends in `/`.
    pub public_url: Url,
    /// Where the HTTP server listens.
    pub bind: SocketAddr,
    /// Allows http ids and loopback/private peers; never on for a public host unless asked.
    pub dev: bool,
    pub database: DatabaseSettings,
    pub publication: PublicationSettings,
    pub web: WebSettings,
    pub delivery: DeliverySettings,
    pub inbox: InboxSettings,
    pub replies: ReplySettings,
    pub moderation: ModerationSettings,
    pub log: LogSettings,
}

/// Moderation defaults and abuse limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModerationSettings {
    pub mode: String,
    pub blocklist_refresh_secs: u64,
    pub inbox_per_host_per_minute: u32,
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
    pub fn default_mode(&self) -> crate::domain::moderation::Mode {
        crate::domain::moderation::Mode::parse(&self.mode)
            .unwrap_or(crate::domain::moderation::Mode::Open)
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
    /// Inbox requests one client address may send per minute, before any verification.
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
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSettings {
    pub page_size: u64,
    /// Proxies whose `X-Forwarded-For` is believed (see [`crate::http::client_addr`]).
    #[serde(default, deserialize_with = "networks")]
    pub trusted_proxies: Vec<IpNet>,
    /// Live-update streams one client address may hold open at once.
    pub live_streams_per_client: usize,
    /// Who may show the site's pages in a frame: the `frame-ancestors` sources of the
    /// Content-Security-Policy (`'none'`, `'self'`, or origins separated by spaces).
    pub frame_ancestors: String,
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

/// The file's shape before derived values (bind, dev) are filled in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    public_url: Url,
    bind: Option<SocketAddr>,
    dev: Option<bool>,
    database: DatabaseSettings,
    publication: PublicationSettings,
    web: WebSettings,
    delivery: DeliverySettings,
    inbox: InboxSettings,
    replies: ReplySettings,
    moderation: ModerationSettings,
    log: LogSettings,
}

impl Settings {
    /// Reads the layers from this process's environment.
    pub fn load() -> anyhow::Result<Self> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        Self::load_from(&vars)
    }

    /// Reads the layers with the given environment (tests pass their own).
    pub fn load_from(env: &[(String, String)]) -> anyhow::Result<Self> {
        let mut table: toml::Table = DEFAULTS.parse().context("config/default.toml is invalid")?;
        if let Some((_, path)) = env.iter().find(|(k, _)| k == "BROADSHEET_CONFIG") {
            merge(&mut table, read_file(Path::new(path))?);
        }
        for (var, key) in ENV_KEYS {
            if let Some((_, value)) = env.iter().find(|(k, _)| k == var) {
                set_key(&mut table, key, env_value(key, value)?);
            }
        }
        let raw: RawSettings = table.try_into().context("invalid configuration")?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: RawSettings) -> anyhow::Result<Self> {
        let public_url = normalise_public_url(raw.public_url)?;
        let bind = match raw.bind {
            Some(bind) => bind,
            None => bind_from_url(&public_url)?,
        };
        if !crate::domain::actor::is_valid_username(&raw.publication.handle) {
            bail!(
                "publication.handle `{}` may hold only a-z, 0-9 and _",
                raw.publication.handle
            );
        }
        if raw.delivery.concurrency == 0 || raw.delivery.per_host == 0 {
            bail!("delivery.concurrency and delivery.per_host must be at least 1");
        }
        if crate::domain::moderation::Mode::parse(&raw.moderation.mode).is_none() {
            bail!(
                "moderation.mode must be open, first-time or hold-all, not `{}`",
                raw.moderation.mode
            );
        }
        if raw.web.page_size == 0 || raw.web.page_size > 100 {
            bail!("web.page_size must be between 1 and 100");
        }
        if raw.web.live_streams_per_client == 0 {
            bail!("web.live_streams_per_client must be at least 1");
        }
        check_frame_ancestors(&raw.web.frame_ancestors)?;
        Ok(Settings {
            dev: raw.dev.unwrap_or_else(|| is_loopback_host(&public_url)),
            public_url,
            bind,
            database: raw.database,
            publication: raw.publication,
            web: raw.web,
            delivery: raw.delivery,
            inbox: raw.inbox,
            replies: raw.replies,
            moderation: raw.moderation,
            log: raw.log,
        })
    }

    /// The part of a handle after `@`: the public host, with the port when one is given.
    pub fn domain(&self) -> String {
        host_with_port(&self.public_url)
    }
}

/// `host` or `host:port` of a URL, as handles and WebFinger spell it.
pub fn host_with_port(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

fn read_file(path: &Path) -> anyhow::Result<toml::Table> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read BROADSHEET_CONFIG file {}", path.display()))?;
    text.parse()
        .with_context(|| format!("{} is not valid TOML", path.display()))
}

/// Overlays `over` on `base`, descending into tables so a file may set a single key.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

fn set_key(table: &mut toml::Table, dotted: &str, value: toml::Value) {
    match dotted.split_once('.') {
        Some((head, rest)) => {
            let entry = table
                .entry(head)
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let toml::Value::Table(inner) = entry {
                set_key(inner, rest, value);
            }
        }
        None => {
            table.insert(dotted.to_string(), value);
        }
    }
}

/// Environment values are strings; booleans and numbers are converted for the keys that need them.
fn env_value(key: &str, value: &str) -> anyhow::Result<toml::Value> {
    Ok(match key {
        "dev" | "publication.sample_story" => toml::Value::Boolean(parse_bool(value)?),
        "database.max_connections" | "web.page_size" | "replies.close_after_days" => {
            toml::Value::Integer(
                value
                    .parse()
                    .with_context(|| format!("{key} must be a number, got `{value}`"))?,
            )
        }
        "web.trusted_proxies" => toml::Value::Array(
            value
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| toml::Value::String(item.to_string()))
                .collect(),
        ),
        _ => toml::Value::String(value.to_string()),
    })
}

fn parse_bool(value: &str) -> anyhow::Result<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        other => bail!("expected 1/0 or true/false, got `{other}`"),
    }
}

fn normalise_public_url(mut url: Url) -> anyhow::Result<Url> {
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        bail!("public_url must be an http(s) URL with a host, got `{url}`");
    }
    if url.path() != "/" || url.query().is_some() {
        bail!("public_url must be the site root (no path or query), got `{url}`");
    }
    url.set_fragment(None);
    Ok(url)
}

/// `frame-ancestors` sources: `'none'` alone, or `'self'`, schemes and origins; nothing that could
/// end the directive or the header.
fn check_frame_ancestors(sources: &str) -> anyhow::Result<()> {
    let words: Vec<&str> = sources.split_ascii_whitespace().collect();
    let valid = |w: &str| {
        matches!(w, "'self'" | "'none'")
            || w.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~:/*[]%".contains(c))
    };
    if words.is_empty()
        || !words.iter().all(|w| valid(w))
        || (words.contains(&"'none'") && words.len() > 1)
    {
        bail!(
            "web.frame_ancestors must be 'none', 'self' or origins separated by spaces, not `{sources}`"
        );
    }
    Ok(())
}

fn bind_from_url(url: &Url) -> anyhow::Result<SocketAddr> {
    let host = url.host_str().unwrap_or("127.0.0.1");
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = url.port_or_known_default().unwrap_or(8080);
    let ip = match host {
        "localhost" => std::net::IpAddr::from([127, 0, 0, 1]),
        _ => host.parse().with_context(|| {
            format!("public_url's host `{host}` is not an IP address: set BROADSHEET_BIND")
        })?,
    };
    Ok(SocketAddr::new(ip, port))
}

fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost" || name.ends_with(".localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_serve_sqlite_on_loopback_in_dev_mode() {
        let s = Settings::load_from(&[]).unwrap();
        assert_eq!(s.public_url.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.domain(), "127.0.0.1:8080");
        assert!(s.dev);
        assert!(s.database.url.expose().starts_with("sqlite://"));
        assert!(s.web.trusted_proxies.is_empty());
        assert_eq!(s.publication.handle, "news");
    }

    #[test]
    fn public_host_is_not_dev_unless_asked() {
        let s = Settings::load_from(&env(&[
            ("BROADSHEET_PUBLIC_URL", "https://news.example.com"),
            ("BROADSHEET_BIND", "0.0.0.0:8080"),
        ]))
        .unwrap();
        assert!(!s.dev);
        assert_eq!(s.domain(), "news.example.com");
        let s = Settings::load_from(&env(&[
            ("BROADSHEET_PUBLIC_URL", "https://news.example.com"),
            ("BROADSHEET_BIND", "0.0.0.0:8080"),
            ("BROADSHEET_DEV", "1"),
        ]))
        .unwrap();
        assert!(s.dev);
    }

    #[test]
    fn file_layer_sits_between_defaults_and_environment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site.toml");
        std::fs::write(
            &path,
            "[publication]\nname = \"From file\"\nhandle = \"daily\"\n",
        )
        .unwrap();
        let s = Settings::load_from(&env(&[
            ("BROADSHEET_CONFIG", path.to_str().unwrap()),
            ("BROADSHEET_HANDLE", "gazette"),
        ]))
        .unwrap();
        assert_eq!(s.publication.name, "From file");
        assert_eq!(s.publication.handle, "gazette");
        assert_eq!(s.publication.language, "en");
    }

    #[test]
    fn trusted_proxies_are_a_comma_separated_list() {
        let s = Settings::load_from(&env(&[(
            "BROADSHEET_TRUSTED_PROXIES",
            " 127.0.0.1/32, 10.1.2.3/8,::1 ,",
        )]))
        .unwrap();
        let listed: Vec<String> = s
            .web
            .trusted_proxies
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(listed, ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]);
        let err = Settings::load_from(&env(&[("BROADSHEET_TRUSTED_PROXIES", "10.0.0.0/33")]))
            .unwrap_err();
        assert!(format!("{err:#}").contains("10.0.0.0/33"), "{err:#}");
    }

    #[test]
    fn debug_output_hides_the_database_password() {
        let s = Settings::load_from(&env(&[(
            "DATABASE_URL",
            "postgres://broadsheet:s3cr3t-pa55@db.internal/news",
        )]))
        .unwrap();
        let printed = format!("{s:?}");
        assert!(!printed.contains("s3cr3t-pa55"), "{printed}");
        assert!(printed.contains("redacted"));
        let printed = format!("{s:#?}");
        assert!(!printed.contains("s3cr3t-pa55"));
    }

    #[test]
    fn bad_values_are_refused_with_their_name() {
        let err = Settings::load_from(&env(&[("BROADSHEET_DEV", "maybe")])).unwrap_err();
        assert!(format!("{err:#}").contains("maybe"));
        let err = Settings::load_from(&env(&[("BROADSHEET_HANDLE", "News Desk")])).unwrap_err();
        assert!(format!("{err:#}").contains("handle"));
        let err = Settings::load_from(&env(&[("BROADSHEET_PUBLIC_URL", "http://x.test/sub")]))
            .unwrap_err();
        assert!(format!("{err:#}").contains("site root"));
        assert!(Settings::load_from(&env(&[("BROADSHEET_CONFIG", "/nonexistent.toml")])).is_err());
        for bad in [
            "",
            "'none' https://a.example",
            "https://a.example; script-src *",
            "'unsafe-inline'",
            "https://a.example,https://b.example",
        ] {
            let err =
                Settings::load_from(&env(&[("BROADSHEET_FRAME_ANCESTORS", bad)])).unwrap_err();
            assert!(format!("{err:#}").contains("frame_ancestors"), "{bad}");
        }
        let s = Settings::load_from(&env(&[(
            "BROADSHEET_FRAME_ANCESTORS",
            "'self' https://partner.example",
        )]))
        .unwrap();
        assert_eq!(s.web.frame_ancestors, "'self' https://partner.example");
        assert_eq!(
            Settings::load_from(&[]).unwrap().web.frame_ancestors,
            "'none'"
        );
    }
}
