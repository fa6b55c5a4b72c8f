//! Building and running the application: database, actors, federation, router, listener, and
//! the workers beside the server (delivery, inbox, backfill, blocklists, webhooks, feeds, live
//! updates, and the two tasks that keep replicas in step).

use std::{future::Future, sync::Arc};

use activitypub_federation::config::{FederationConfig, FederationMiddleware};
use anyhow::Context;
use sea_orm::DatabaseConnection;
use tokio::{net::TcpListener, sync::watch};

use crate::{
    config::Settings,
    domain::{actor, ids::Urls, story::sample},
    federation::{
        backfill::Crawler, blocklists::Refresher, cluster, context::Federation,
        delivery::DeliveryWorker, feed_poll::FeedPoller, inbox::jobs::InboxWorker,
        outbox::fanout::Fanout, webhooks::WebhookWorker,
    },
    http,
    state::AppState,
    storage,
};

/// A server bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    db: DatabaseConnection,
    federation: Arc<Federation>,
    /// Kept for the live-update hub, which runs beside the server.
    state: AppState,
}

/// Opens the database, applies migrations and creates the site's actors (and, on a first start,
/// the sample story). Shared by `serve` and the CLI commands that write.
pub async fn prepare_database(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    let db = storage::connect(
        settings.database.url.expose(),
        settings.database.max_connections,
    )
    .await?;
    storage::migrate(&db).await?;
    let urls = Urls::new(&settings.public_url);
    // A new site makes its own two keys and the sample byline's at once: they are most of the
    // time a first start takes.
    let new_site = settings.publication.sample_story && actor::is_new_site(&db).await?;
    let sample_keys = async {
        match new_site {
            true => sample::byline_keys(&db, &urls).await.map(Some),
            false => Ok(None),
        }
    };
    let (first_start, sample_keys) =
        tokio::join!(actor::ensure_site_actors(&db, settings), sample_keys);
    let first_start = first_start.context("cannot create the site's actors")?;
    let sample_keys = sample_keys.context("cannot make the sample story's keys")?;
    if first_start && settings.publication.sample_story {
        let fanout = Fanout::new(Arc::new(settings.clone()));
        sample::publish_sample(&db, &urls, sample_keys.unwrap_or_default(), &fanout)
            .await
            .context("cannot publish the sample story")?;
    }
    Ok(db)
}

impl Application {
    /// Binds `settings.bind` and builds everything behind it.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(settings.bind)
            .await
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        Self::build_with_listener(settings, listener).await
    }

    /// Builds on a listener the caller bound (tests bind port 0 first, to know the public URL).
    pub async fn build_with_listener(
        settings: Settings,
        listener: TcpListener,
    ) -> anyhow::Result<Self> {
        if settings.dev {
            tracing::warn!(
                "development mode: http ids and loopback/private peers are allowed; never use it on a public server"
            );
        }
        // reqwest needs a process-wide rustls provider before any client is built; ring is the
        // one already compiled in for sqlx.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let db = prepare_database(&settings).await?;
        let settings = Arc::new(settings);
        let federation = Federation::new(db.clone(), settings.clone()).await?;
        let state = AppState::new(db.clone(), settings.clone(), federation.clone());
        let router = router(state.clone(), &settings).await?;
        Ok(Application {
            listener,
            router,
            db,
            federation,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves, and delivers from the queue, until `shutdown` completes. Then in-flight requests
    /// finish, in-flight deliveries finish or go back to the queue, and the pool closes.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let address = self.listener.local_addr()?;
        let (stop_worker, stopped) = watch::channel(false);
        let worker =
            tokio::spawn(DeliveryWorker::new(self.federation.clone()).run(stopped.clone()));
        let inbox_worker =
            tokio::spawn(InboxWorker::new(self.federation.clone()).run(stopped.clone()));
        let crawler = tokio::spawn(Crawler::new(self.federation.clone()).run(stopped.clone()));
        let blocklists = tokio::spawn(Refresher::new(self.federation.clone()).run(stopped.clone()));
        let webhooks =
            tokio::spawn(WebhookWorker::new(self.federation.clone())?.run(stopped.clone()));
        let feeds = tokio::spawn(FeedPoller::new(self.federation.clone()).run(stopped.clone()));
        let live = tokio::spawn(http::live::render_changes(
            self.state.clone(),
            stopped.clone(),
        ));
        let listener =
            tokio::spawn(cluster::listener::Listener::new(self.federation.clone()).run(stopped));
        // The sender stops last, so what the other workers announce as they finish still
        // reaches the other replicas.
        let (stop_sender, sender_stopped) = watch::channel(false);
        let sender =
            tokio::spawn(cluster::sender::Sender::new(self.federation.clone()).run(sender_stopped));
        tracing::info!(%address, "listening");
        let app = self
            .router
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        let hub = self.state.live.clone();
        let served = axum::serve(self.listener, app)
            .with_graceful_shutdown(async move {
                shutdown.await;
                hub.close();
            })
            .await
            .context("server error");
        stop_worker.send(true).ok();
        worker.await.context("delivery worker panicked")?;
        inbox_worker.await.context("inbox worker panicked")?;
        crawler.await.context("backfill crawler panicked")?;
        blocklists.await.context("blocklist refresher panicked")?;
        webhooks.await.context("webhook worker panicked")?;
        feeds.await.context("feed poller panicked")?;
        live.await.context("live updates panicked")?;
        listener.await.context("the replica listener panicked")?;
        stop_sender.send(true).ok();
        sender.await.context("the replica sender panicked")?;
        self.db.close().await.context("closing the database")?;
        served?;
        tracing::info!("stopped");
        Ok(())
    }
}

async fn router(state: AppState, settings: &Settings) -> anyhow::Result<axum::Router> {
    let config = FederationConfig::builder()
        .domain(state.settings.domain())
        .debug(state.settings.dev)
        .app_data(state)
        .build()
        .await
        .context("invalid federation configuration")?;
    Ok(http::router(settings).layer(FederationMiddleware::new(config)))
}

/// A future that completes on SIGINT (Ctrl-C) or SIGTERM (docker stop, systemd). The handlers
/// are installed when this is called, not when the future is first polled, so a signal that
/// arrives during start-up (migrations, key generation) still stops the server gracefully.
pub fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot listen for SIGTERM")?;
    #[cfg(unix)]
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .context("cannot listen for SIGINT")?;
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = terminate.recv() => {},
            _ = interrupt.recv() => {},
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutdown requested; finishing in-flight requests");
    })
}
