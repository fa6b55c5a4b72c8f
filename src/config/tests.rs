//! Loading and validating settings.

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
    let err =
        Settings::load_from(&env(&[("BROADSHEET_TRUSTED_PROXIES", "10.0.0.0/33")])).unwrap_err();
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
    let err =
        Settings::load_from(&env(&[("BROADSHEET_PUBLIC_URL", "http://x.test/sub")])).unwrap_err();
    assert!(format!("{err:#}").contains("site root"));
    assert!(Settings::load_from(&env(&[("BROADSHEET_CONFIG", "/nonexistent.toml")])).is_err());
    for bad in [
        "",
        "'none' https://a.example",
        "https://a.example; script-src *",
        "'unsafe-inline'",
        "https://a.example,https://b.example",
    ] {
        let err = Settings::load_from(&env(&[("BROADSHEET_FRAME_ANCESTORS", bad)])).unwrap_err();
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

#[test]
fn inbox_and_delivery_limits_must_let_something_through() {
    let dir = tempfile::tempdir().unwrap();
    for (text, named) in [
        (
            "[moderation]\ninbox_per_actor_per_minute = 0\n",
            "inbox_per_actor_per_minute",
        ),
        (
            "[moderation]\ninbox_per_host_per_minute = 100\ninbox_per_host_max_per_minute = 50\n",
            "inbox_per_host_max_per_minute",
        ),
        (
            "[inbox]\nper_address_per_minute = 0\n",
            "per_address_per_minute",
        ),
        ("[delivery]\nunproven_per_host = 0\n", "unproven_per_host"),
    ] {
        let file = dir.path().join("limits.toml");
        std::fs::write(&file, text).unwrap();
        let err = Settings::load_from(&env(&[("BROADSHEET_CONFIG", file.to_str().unwrap())]))
            .unwrap_err();
        assert!(format!("{err:#}").contains(named), "{text}: {err:#}");
    }
    // The setting of old keeps its name and meaning: a host's allowance with no account active.
    let defaults = Settings::load_from(&[]).unwrap();
    assert_eq!(defaults.moderation.inbox_per_host_per_minute, 600);
}
