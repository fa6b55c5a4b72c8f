//! The Broadsheet server a benchmark measures, started as the API tests start it: default
//! settings, a loopback port and a fresh database (SQLite, or PostgreSQL with
//! `BENCH_DATABASE_URL`).

use broadsheet::{config::Settings, startup::Application};
use sea_orm::{ConnectionTrait, Database, DbErr};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

use super::env_or;

/// The Broadsheet server under test.
pub struct Server {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub address: String,
    pub database_url: String,
    /// The database, for the report: its backend and where it is.
    pub backend: String,
    stop: oneshot::Sender<()>,
    task: JoinHandle<anyhow::Result<()>>,
    _dir: tempfile::TempDir,
    /// A PostgreSQL database to drop at the end: (admin URL, name).
    postgres: Option<(String, String)>,
}

/// A new database: (URL, the PostgreSQL database to drop at the end, description).
async fn fresh_database(dir: &tempfile::TempDir) -> (String, Option<(String, String)>, String) {
    if let Ok(base) = std::env::var("BENCH_DATABASE_URL")
        && !base.is_empty()
    {
        let name = format!("bench_{}", uuid::Uuid::new_v4().simple());
        on_server(&base, &format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap();
        let mut url = url::Url::parse(&base).unwrap();
        url.set_path(&name);
        let backend = format!("PostgreSQL (database {name})");
        return (url.to_string(), Some((base, name)), backend);
    }
    let file = dir.path().join("broadsheet.db");
    let url = format!("sqlite://{}?mode=rwc", file.display());
    let wal = std::env::var("BENCH_SQLITE_WAL").is_ok_and(|v| v == "1");
    if wal {
        on_server(&url, "PRAGMA journal_mode=WAL").await.unwrap();
    }
    let journal = if wal { "WAL" } else { "default journal" };
    (url, None, format!("SQLite ({}, {journal})", file.display()))
}

/// Runs one statement on its own connection to `url`.
async fn on_server(url: &str, sql: &str) -> Result<(), DbErr> {
    let db = Database::connect(url).await?;
    let done = db.execute_unprepared(sql).await.map(drop);
    db.close().await.ok();
    done
}

impl Server {
    /// Starts a server; `configure` adjusts its settings for the benchmark and describes what
    /// it changed, for the line that reports the set-up.
    pub async fn start(configure: impl FnOnce(&mut Settings) -> String) -> Self {
        let mut builder = tempfile::Builder::new();
        builder.prefix("broadsheet-bench");
        let dir = match std::env::var("BENCH_SQLITE_DIR") {
            Ok(base) if !base.is_empty() => builder.tempdir_in(base).unwrap(),
            _ => builder.tempdir().unwrap(),
        };
        let (database_url, postgres, backend) = fresh_database(&dir).await;
        Self::start_with(dir, database_url, postgres, backend, configure).await
    }

    /// Another server on `first`'s database (as a second replica would be), for figures that
    /// need other settings on the same data. The database stays `first`'s to drop.
    #[allow(dead_code, reason = "only the inbox benchmark compares two servers")]
    pub async fn beside(first: &Server, configure: impl FnOnce(&mut Settings) -> String) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("broadsheet-bench")
            .tempdir()
            .unwrap();
        let (url, backend) = (first.database_url.clone(), first.backend.clone());
        Self::start_with(dir, url, None, backend, configure).await
    }

    async fn start_with(
        dir: tempfile::TempDir,
        database_url: String,
        postgres: Option<(String, String)>,
        backend: String,
        configure: impl FnOnce(&mut Settings) -> String,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut settings = Settings::load_from(&[]).unwrap();
        settings.public_url = format!("http://127.0.0.1:{port}").parse().unwrap();
        settings.bind = format!("127.0.0.1:{port}").parse().unwrap();
        settings.database.url = database_url.clone().into();
        settings.database.max_connections =
            env_or("BENCH_DB_CONNECTIONS", settings.database.max_connections);
        let changed = configure(&mut settings);
        eprintln!(
            "server: {} on {backend}, pool {}, {changed}",
            settings.public_url, settings.database.max_connections
        );
        let address = settings
            .public_url
            .as_str()
            .trim_end_matches('/')
            .to_string();
        let app = Application::build_with_listener(settings, listener)
            .await
            .unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(app.run_until(async {
            stopped.await.ok();
        }));
        Server {
            address,
            database_url,
            backend,
            stop,
            task,
            _dir: dir,
            postgres,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Stops the server and drops its PostgreSQL database, if it had one.
    pub async fn shutdown(self) {
        self.stop.send(()).ok();
        self.task.await.unwrap().unwrap();
        if let Some((base, name)) = self.postgres {
            let drop = format!("DROP DATABASE IF EXISTS \"{name}\"");
            on_server(&base, &drop).await.ok();
        }
    }
}
