//! Typed settings: `config/default.toml` (compiled in, so the binary runs from anywhere), then the
//! file named by `BROADSHEET_CONFIG`, then environment variables. The variable names are part of
//! the product's interface; they are listed once, in [`ENV_KEYS`].

use std::{net::SocketAddr, path::Path};

use anyhow::{Context, bail};
use serde::Deserialize;
use url::Url;

mod layers;
mod sections;
#[cfg(test)]
mod tests;

pub use layers::ENV_KEYS;
pub use sections::*;

use layers::{env_value, merge, set_key};

const DEFAULTS: &str = include_str!("../../config/default.toml");

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
    pub media: MediaSettings,
    pub log: LogSettings,
    pub feeds: FeedSettings,
    pub embed: EmbedSettings,
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
    media: MediaSettings,
    log: LogSettings,
    feeds: FeedSettings,
    embed: EmbedSettings,
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
        if !is_valid_handle(&raw.publication.handle) {
            bail!(
                "publication.handle `{}` may hold only a-z, 0-9 and _",
                raw.publication.handle
            );
        }
        let delivery = &raw.delivery;
        if delivery.concurrency == 0 || delivery.per_host == 0 || delivery.unproven_per_host == 0 {
            bail!(
                "delivery.concurrency, delivery.per_host and delivery.unproven_per_host must be at least 1"
            );
        }
        if raw.web.page_size == 0 || raw.web.page_size > 100 {
            bail!("web.page_size must be between 1 and 100");
        }
        if raw.web.live_streams_per_client == 0 {
            bail!("web.live_streams_per_client must be at least 1");
        }
        check_frame_ancestors(&raw.web.frame_ancestors)?;
        check_inbox_limits(&raw.moderation, &raw.inbox)?;
        check_media(&raw.media)?;
        check_feeds(&raw.feeds, &raw.embed)?;
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
            media: raw.media,
            log: raw.log,
            feeds: raw.feeds,
            embed: raw.embed,
        })
    }

    /// The part of a handle after `@`: the public host, with the port when one is given.
    pub fn domain(&self) -> String {
        let host = self.public_url.host_str().unwrap_or_default();
        self.public_url
            .port()
            .map_or_else(|| host.to_string(), |port| format!("{host}:{port}"))
    }
}

/// The publication's handle: the same rule as every local username (a-z, 0-9, _; 1 to 30).
fn is_valid_handle(name: &str) -> bool {
    (1..=30).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn read_file(path: &Path) -> anyhow::Result<toml::Table> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read BROADSHEET_CONFIG file {}", path.display()))?;
    text.parse()
        .with_context(|| format!("{} is not valid TOML", path.display()))
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

fn check_inbox_limits(
    moderation: &ModerationSettings,
    inbox: &InboxSettings,
) -> anyhow::Result<()> {
    let rates = [
        moderation.inbox_per_host_per_minute,
        moderation.inbox_per_actor_per_minute,
        inbox.per_address_per_minute,
    ];
    if rates.contains(&0) {
        bail!(
            "moderation.inbox_per_host_per_minute, moderation.inbox_per_actor_per_minute and \
             inbox.per_address_per_minute must be at least 1"
        );
    }
    if moderation.inbox_per_host_max_per_minute < moderation.inbox_per_host_per_minute {
        bail!(
            "moderation.inbox_per_host_max_per_minute must be at least \
             moderation.inbox_per_host_per_minute"
        );
    }
    Ok(())
}

fn check_media(media: &MediaSettings) -> anyhow::Result<()> {
    if media.max_file_bytes == 0 || media.max_bytes < media.max_file_bytes {
        bail!("media.max_file_bytes must be at least 1 and at most media.max_bytes");
    }
    if media.fetch_timeout_secs == 0 || media.concurrent_fetches == 0 {
        bail!("media.fetch_timeout_secs and media.concurrent_fetches must be at least 1");
    }
    Ok(())
}

fn check_feeds(feeds: &FeedSettings, embed: &EmbedSettings) -> anyhow::Result<()> {
    if feeds.poll_interval_secs == 0 || feeds.max_bytes == 0 {
        bail!("feeds.poll_interval_secs and feeds.max_bytes must be at least 1");
    }
    let origins = embed.origins.trim();
    if !origins.is_empty() && origins != "*" {
        check_frame_ancestors(origins).context("embed.origins")?;
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
