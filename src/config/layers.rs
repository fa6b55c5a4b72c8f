//! The configuration's layers: the defaults, a file, then environment variables, merged key by
//! key. The variable names are part of the product's interface; they are listed once, here.

use anyhow::{Context, bail};

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
    ("BROADSHEET_QUOTE_POLICY", "publication.quote_policy"),
    ("BROADSHEET_PAGE_SIZE", "web.page_size"),
    ("BROADSHEET_FRAME_ANCESTORS", "web.frame_ancestors"),
    ("BROADSHEET_TRUSTED_PROXIES", "web.trusted_proxies"),
    ("BROADSHEET_PAGE_CACHE", "web.page_cache"),
    ("BROADSHEET_MODERATION", "moderation.mode"),
    (
        "BROADSHEET_CLOSE_REPLIES_AFTER_DAYS",
        "replies.close_after_days",
    ),
    ("BROADSHEET_MEDIA_DIR", "media.dir"),
    ("BROADSHEET_MEDIA_MAX_BYTES", "media.max_bytes"),
    ("BROADSHEET_FEED_POLL_SECS", "feeds.poll_interval_secs"),
    ("BROADSHEET_FEED_MAX_BYTES", "feeds.max_bytes"),
    ("BROADSHEET_EMBED_ORIGINS", "embed.origins"),
    ("BROADSHEET_LOG_FORMAT", "log.format"),
    ("RUST_LOG", "log.filter"),
    ("BROADSHEET_LOG", "log.filter"),
];

/// Overlays `over` on `base`, descending into tables so a file may set a single key.
pub(super) fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

pub(super) fn set_key(table: &mut toml::Table, dotted: &str, value: toml::Value) {
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
pub(super) fn env_value(key: &str, value: &str) -> anyhow::Result<toml::Value> {
    Ok(match key {
        "dev" | "publication.sample_story" | "web.page_cache" => {
            toml::Value::Boolean(parse_bool(value)?)
        }
        "database.max_connections"
        | "web.page_size"
        | "replies.close_after_days"
        | "media.max_bytes"
        | "feeds.poll_interval_secs"
        | "feeds.max_bytes" => toml::Value::Integer(
            value
                .parse()
                .with_context(|| format!("{key} must be a number, got `{value}`"))?,
        ),
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
