//! `spawn_app()` and the request helpers every test uses.

use std::{
    io::Write,
    process::{Output, Stdio},
    sync::Once,
    time::Duration,
};

use broadsheet::{
    config::{LogSettings, Settings},
    startup::Application,
};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

use crate::peer::Peer;

pub const AP: &str = "application/activity+json";
/// The sample story every test server starts with.
pub const STORY: &str = "/stories/welcome";
/// How long a test waits for work the server does in the background.
pub const WAIT: Duration = Duration::from_secs(15);

static TRACING: Once = Once::new();

/// A running server with its own database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub address: String,
    /// `127.0.0.1:PORT`: the domain part of handles.
    pub domain: String,
    pub database_url: String,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
    _dir: tempfile::TempDir,
}

/// A database URL for one test: a SQLite file in `dir`, or a new PostgreSQL database.
pub async fn fresh_database(dir: &tempfile::TempDir) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            let name = format!("bs_test_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(&base)
                .await
                .expect("connect to TEST_DATABASE_URL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create test database");
            admin.close().await.ok();
            let mut url = url::Url::parse(&base).expect("TEST_DATABASE_URL is a URL");
            url.set_path(&name);
            url.to_string()
        }
        _ => format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("broadsheet.db").display()
        ),
    }
}

/// Settings for a test server listening on `port`.
pub fn test_settings(port: u16, database_url: &str) -> Settings {
    let mut settings = Settings::load_from(&[]).expect("default settings");
    let address = format!("http://127.0.0.1:{port}");
    settings.public_url = address.parse().expect("url");
    settings.bind = format!("127.0.0.1:{port}").parse().expect("addr");
    settings.database.url = database_url.into();
    settings.database.max_connections = 5;
    // Quick retries and polls, so tests that take a host down do not wait for minutes.
    settings.delivery.retry_base_ms = 250;
    settings.delivery.poll_ms = 100;
    settings
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts a server after letting the test adjust its settings.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let database_url = fresh_database(&dir).await;
    spawn_on(dir, database_url, adjust).await
}

/// Starts a server on an existing database (to test restarts).
pub async fn spawn_on(
    dir: tempfile::TempDir,
    database_url: String,
    adjust: impl FnOnce(&mut Settings),
) -> TestApp {
    TRACING.call_once(|| {
        if std::env::var("TEST_LOG").is_ok() {
            broadsheet::telemetry::init(&LogSettings {
                format: broadsheet::config::LogFormat::Text,
                filter: "debug,sqlx=warn,hyper=info".into(),
            });
        }
    });
    let _ = rustls::crypto::ring::default_provider().install_default();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let mut settings = test_settings(port, &database_url);
    // The media cache lives beside the database, so a restart on `dir` finds it again.
    settings.media.dir = dir.path().join("media");
    adjust(&mut settings);
    let domain = settings.domain();
    let address = settings
        .public_url
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let app = Application::build_with_listener(settings, listener)
        .await
        .expect("application builds");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        stopped.await.ok();
    }));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp {
        address,
        domain,
        database_url,
        client,
        stop: Some(stop),
        server: Some(server),
        _dir: dir,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Stops the server and hands back its folder and database, for a restart.
    pub async fn stop(mut self) -> (tempfile::TempDir, String) {
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("server task")
                .expect("server ran cleanly");
        }
        let dir = std::mem::replace(&mut self._dir, tempfile::tempdir().expect("tempdir"));
        (dir, self.database_url.clone())
    }

    pub async fn get_html(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
            .send()
            .await
            .expect("request")
    }

    pub async fn get_ap(&self, path_or_url: &str) -> reqwest::Response {
        let url = if path_or_url.starts_with("http") {
            path_or_url.to_string()
        } else {
            self.url(path_or_url)
        };
        self.client
            .get(url)
            .header("Accept", AP)
            .send()
            .await
            .expect("request")
    }

    pub async fn get_ap_json(&self, path_or_url: &str) -> serde_json::Value {
        let response = self.get_ap(path_or_url).await;
        assert_eq!(response.status(), 200, "GET {path_or_url}");
        response.json().await.expect("json")
    }

    /// The `broadsheet` binary, set to this app's database and public URL.
    fn command(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_broadsheet"));
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &self.database_url)
            .env("BROADSHEET_PUBLIC_URL", &self.address);
        command
    }

    /// Runs the `broadsheet` binary against this app's database and public URL.
    pub fn cli(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run broadsheet")
    }

    /// Runs the CLI without blocking this test's runtime, for commands that talk to the server.
    pub async fn cli_async(&self, args: &[&str]) -> Output {
        let mut command = self.command(args);
        tokio::task::spawn_blocking(move || command.output().expect("run broadsheet"))
            .await
            .expect("cli task")
    }

    /// Runs the CLI with `stdin` as its input, without blocking this test's runtime.
    pub async fn cli_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut command = self.command(args);
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let input = stdin.to_string();
        tokio::task::spawn_blocking(move || {
            let mut child = command.spawn().expect("run broadsheet");
            let mut pipe = child.stdin.take().expect("piped stdin");
            pipe.write_all(input.as_bytes())
                .expect("write to broadsheet's stdin");
            drop(pipe);
            child.wait_with_output().expect("wait for broadsheet")
        })
        .await
        .expect("cli task")
    }

    /// An editor account made with the CLI as an operator would, the password typed on stdin.
    pub async fn create_editor(&self, name: &str, password: &str) {
        let out = self
            .cli_with_stdin(&["user", "create", name], &format!("{password}\n"))
            .await;
        assert!(
            out.status.success(),
            "broadsheet user create failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A fresh API token, made with the CLI as an operator would.
    pub fn token(&self) -> String {
        let out = self.cli(&["token", "create", "tests"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("utf8")
            .trim()
            .to_string()
    }

    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(&format!("/api/v1{path}")))
            .bearer_auth(token)
    }

    /// Publishes a story through the API and returns its JSON.
    pub async fn publish(&self, token: &str, story: serde_json::Value) -> serde_json::Value {
        let response = self
            .api(reqwest::Method::POST, "/stories", token)
            .await
            .json(&story)
            .send()
            .await
            .expect("request");
        assert_eq!(
            response.status(),
            201,
            "{}",
            response.text().await.unwrap_or_default()
        );
        response.json().await.expect("json")
    }

    /// How many published stories the front page's listing counts, read through NodeInfo.
    pub async fn story_count(&self) -> u64 {
        let info: serde_json::Value = self
            .client
            .get(self.url("/nodeinfo/2.1"))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        info["usage"]["localPosts"].as_u64().expect("localPosts")
    }
}

/// Waiting on the server's background work, and looking at what it stored.
impl TestApp {
    /// The sample story's page as a reader sees it now.
    pub async fn story_page(&self) -> String {
        self.get_html(STORY).await.text().await.expect("page")
    }

    /// The sample story's page once `pred` holds for it; the test fails after [`WAIT`].
    pub async fn page_until(&self, pred: impl Fn(&str) -> bool) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let page = self.story_page().await;
            if pred(&page) {
                return page;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the story page never matched:\n{page}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `who` on `peer` answers the sample story with `<p>{text}</p>` (the note's id ends in
    /// `name`), delivered to our shared inbox.
    pub async fn reply_from(
        &self,
        peer: &Peer,
        who: &str,
        name: &str,
        text: &str,
    ) -> reqwest::Response {
        let note = peer.note(who, name, &self.url(STORY), &format!("<p>{text}</p>"));
        peer.send(who, &self.url("/inbox"), &peer.create(&note))
            .await
    }

    /// How many replies the sample story's `replies` collection counts.
    pub async fn stored_replies(&self) -> u64 {
        self.get_ap_json("/stories/welcome/replies").await["totalItems"]
            .as_u64()
            .expect("totalItems")
    }

    /// A connection of the test's own to the server's database, for what no route shows.
    pub async fn db(&self) -> DatabaseConnection {
        broadsheet::storage::connect(&self.database_url, 2)
            .await
            .expect("connect to the test database")
    }

    /// Waits until the inbox worker has no job left (done or given up), so that what a job
    /// would have stored can be asserted absent.
    pub async fn inbox_jobs_drained(&self) {
        self.inbox_jobs_reach("SELECT COUNT(*) FROM inbox_jobs")
            .await;
    }

    /// Waits until every inbox job has run at least once (a job that asked to be retried stays
    /// queued for its next attempt), for tests where one waits on a server that never answers.
    pub async fn inbox_jobs_tried(&self) {
        self.inbox_jobs_reach("SELECT COUNT(*) FROM inbox_jobs WHERE attempts = 0")
            .await;
    }

    async fn inbox_jobs_reach(&self, pending: &str) {
        let db = self.db().await;
        count_reaches(&db, pending, 0).await;
        db.close().await.ok();
    }
}

/// Waits until `sql` counts `expected`; the test fails after [`WAIT`].
pub async fn count_reaches(db: &DatabaseConnection, sql: &str, expected: i64) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let now = count(db, sql).await;
        if now == expected {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{sql} is still {now}, not {expected}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The first column of the first row `sql` answers, as a number (a `COUNT(*)`).
pub async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("query")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a number")
}

/// A story file written into a temporary folder.
pub fn story_file(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write story");
    path.display().to_string()
}

/// Parses an HTML page for selector queries.
pub fn html(text: &str) -> scraper::Html {
    scraper::Html::parse_document(text)
}

/// The `content` attribute of `<meta {attr}="{key}">`.
pub fn meta(doc: &scraper::Html, attr: &str, key: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(&format!("meta[{attr}=\"{key}\"]")).expect("selector");
    doc.select(&selector)
        .filter_map(|e| e.value().attr("content").map(String::from))
        .collect()
}
