//! Login limits behind a TLS proxy: guessing one account slows to the account's growing delay
//! without locking out its editor elsewhere, one address trying many names is stopped, and the
//! proxy's `X-Forwarded-For` counts only when the proxy is trusted.

use std::time::{Duration, Instant};

use broadsheet::config::Settings;
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app_with};

const PASSWORD: &str = "correct horse battery";
const ATTACKER: &str = "203.0.113.7";
const EDITOR: &str = "198.51.100.2";

/// The test server's connections come from 127.0.0.1: as if through a proxy on the same host.
fn behind_proxy(s: &mut Settings) {
    s.web.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
}

/// Fetches the form (for its CSRF cookie and token) and posts the credentials, the proxy naming
/// `client` in `X-Forwarded-For`.
async fn attempt(app: &TestApp, client: &str, name: &str, password: &str) -> reqwest::Response {
    attempt_at(&app.client, &app.address, client, name, password).await
}

async fn attempt_at(
    http: &reqwest::Client,
    address: &str,
    client: &str,
    name: &str,
    password: &str,
) -> reqwest::Response {
    let form = http
        .get(format!("{address}/admin/login"))
        .send()
        .await
        .unwrap();
    let cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("broadsheet_login_csrf="))
        .map(|v| v.split(';').next().unwrap().to_string())
        .unwrap();
    let token = csrf_token(&form.text().await.unwrap());
    http.post(format!("{address}/admin/login"))
        .header("cookie", cookie)
        .header("x-forwarded-for", client)
        .form(&[("name", name), ("password", password), ("csrf", &token)])
        .send()
        .await
        .unwrap()
}

fn csrf_token(page: &str) -> String {
    let page = crate::helpers::html(page);
    let selector = scraper::Selector::parse("input[name=csrf]").unwrap();
    page.select(&selector)
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_string()
}

fn retry_after(response: &reqwest::Response) -> Duration {
    let seconds: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    Duration::from_secs(seconds)
}

#[tokio::test]
async fn guessing_an_account_slows_down_but_never_locks_its_editor_out() {
    let app = spawn_app_with(|s| {
        behind_proxy(s);
        s.moderation.login_attempts = 1000;
        s.moderation.login_free_failures = 3;
        // Longer than a password check takes even on a busy machine, so the guesses after the
        // free ones always fall inside the account's delay.
        s.moderation.login_delay_base_ms = 2000;
        s.moderation.login_delay_max_secs = 3;
    })
    .await;
    app.create_editor("editor", PASSWORD).await;

    // The attacker hammers the editor's account: three guesses are answered, then the account
    // makes each further attempt wait, and a refused attempt costs no password check.
    let mut checked = 0;
    let mut slowed = 0;
    for _ in 0..20 {
        let response = attempt(&app, ATTACKER, "editor", "wrong password!").await;
        match response.status() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                slowed += 1;
                assert!(retry_after(&response) <= Duration::from_secs(3));
                let page = response.text().await.unwrap();
                assert!(page.contains("Try again in"), "{page}");
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(checked >= 3, "the first failures are free");
    assert!(
        slowed >= 10,
        "then guessing slows: {checked} checked, {slowed} slowed"
    );
    // Changing address does not help: the delay belongs to the account.
    assert_eq!(
        attempt(&app, "192.0.2.99", "editor", "wrong password!")
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS
    );

    // The editor, elsewhere, gets in after at most the capped delay.
    let started = Instant::now();
    let mut response = attempt(&app, EDITOR, "editor", PASSWORD).await;
    if response.status() == StatusCode::TOO_MANY_REQUESTS {
        let wait = retry_after(&response);
        assert!(wait <= Duration::from_secs(3), "{wait:?}");
        tokio::time::sleep(wait).await;
        response = attempt(&app, EDITOR, "editor", PASSWORD).await;
    }
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(started.elapsed() < Duration::from_secs(15));

    // A success clears the account's failures: the next mistake is answered at once.
    assert_eq!(
        attempt(&app, EDITOR, "editor", "a typo in it")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn one_address_trying_many_names_is_stopped() {
    let app = spawn_app_with(|s| {
        behind_proxy(s);
        s.moderation.login_attempts = 5;
    })
    .await;
    app.create_editor("editor", PASSWORD).await;
    for i in 0..5 {
        let name = format!("guess-{i}");
        assert_eq!(
            attempt(&app, ATTACKER, &name, "wrong password!")
                .await
                .status(),
            StatusCode::UNAUTHORIZED,
            "{name}"
        );
    }
    for name in ["guess-5", "editor", "someone"] {
        let refused = attempt(&app, ATTACKER, name, PASSWORD).await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS, "{name}");
        assert!(refused.headers().contains_key("retry-after"));
    }
    // Other addresses behind the same proxy are unaffected.
    assert_eq!(
        attempt(&app, EDITOR, "guess-6", "wrong password!")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        attempt(&app, EDITOR, "editor", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    // Only the rightmost untrusted hop counts: a forged entry left of it changes nothing.
    assert_eq!(
        attempt(&app, &format!("10.9.8.7, {ATTACKER}"), "guess-7", "x")
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn without_trusted_proxies_the_forwarded_header_is_ignored() {
    let app = spawn_app_with(|s| s.moderation.login_attempts = 3).await;
    app.create_editor("editor", PASSWORD).await;
    for i in 0..3 {
        assert_eq!(
            attempt(
                &app,
                &format!("203.0.113.{i}"),
                &format!("guess-{i}"),
                "wrong password!"
            )
            .await
            .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Every "client" was really 127.0.0.1, the peer, and it has used its attempts.
    assert_eq!(
        attempt(&app, EDITOR, "editor", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );

    // A trusted list that does not hold the peer changes nothing either.
    let app = spawn_app_with(|s| {
        s.web.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()];
        s.moderation.login_attempts = 1;
    })
    .await;
    assert_eq!(
        attempt(&app, ATTACKER, "someone", "wrong password!")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        attempt(&app, EDITOR, "someone-else", "wrong password!")
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn a_burst_of_logins_is_answered() {
    // Many attempts at once queue for the password checks instead of piling onto threads;
    // each still gets its answer.
    let app = spawn_app_with(|s| {
        behind_proxy(s);
        s.moderation.login_attempts = 1000;
    })
    .await;
    app.create_editor("editor", PASSWORD).await;
    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..24 {
        let (http, address) = (app.client.clone(), app.address.clone());
        attempts.spawn(async move {
            let client = format!("198.18.0.{i}");
            attempt_at(&http, &address, &client, &format!("n{i}"), "wrong")
                .await
                .status()
        });
    }
    let statuses = attempts.join_all().await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    assert_eq!(
        attempt(&app, EDITOR, "editor", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}
