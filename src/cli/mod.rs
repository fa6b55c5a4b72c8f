//! The `broadsheet` command line. Commands that answer print only their answer on stdout
//! (scripts read it); errors and logs go to stderr, and failures exit non-zero.

use std::{path::PathBuf, process::ExitCode, sync::Arc};

use anyhow::Context;
use clap::{Parser, Subcommand};

mod admin;
mod feeds;

use crate::{
    config::Settings,
    domain::{
        ids::Urls,
        page::PageRequest,
        story::{self, front_matter},
        token,
    },
    error::AppError,
    federation::outbox::fanout::Fanout,
    startup::{self, Application},
    storage::stories::Listing,
    telemetry,
};

#[derive(Parser)]
#[command(
    name = "broadsheet",
    version,
    about = "A news publisher on the fediverse"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the website, the API and the ActivityPub endpoints.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Ask the running server's /healthz (for container health checks); exits 0 when healthy.
    Health,
    /// Publish a Markdown story file (YAML front matter, then the body); prints its URL.
    Publish { path: PathBuf },
    /// List or delete stories.
    Stories {
        #[command(subcommand)]
        command: StoriesCommand,
    },
    /// List or remove followers of the publication or an author.
    Followers {
        #[command(subcommand)]
        command: FollowersCommand,
    },
    /// Import stories from the newsroom's own feeds (RSS, Atom, JSON Feed).
    Feeds {
        #[command(subcommand)]
        command: feeds::FeedsCommand,
    },
    /// The delivery queue: pending, delivered and failed deliveries, failing and dead hosts.
    Deliveries,
    /// Reports (`Flag`) received from other servers.
    Reports,
    /// Manage editor accounts for the web admin.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API bearer tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Subcommand)]
enum StoriesCommand {
    /// Published stories, newest first: slug, date and title, tab separated.
    List,
    /// Delete a story; its URL answers 410 Gone from then on.
    Delete { slug: String },
}

#[derive(Subcommand)]
enum FollowersCommand {
    /// Followers' actor ids and handles, oldest first.
    List {
        /// The followed actor's username (default: the publication).
        #[arg(long)]
        actor: Option<String>,
    },
    /// Remove a follower and send their server a Reject.
    Remove {
        /// The follower's actor id (URL).
        follower: String,
        #[arg(long)]
        actor: Option<String>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an editor. The password is read from stdin when it is not a terminal (for
    /// scripts), else asked for at a prompt.
    Create { name: String },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token for the JSON API and print it (it is shown only once).
    Create { name: String },
}

/// Runs the command and turns its outcome into an exit code.
pub async fn run(cli: Cli) -> ExitCode {
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("error: {err:#}");
            return ExitCode::from(78);
        }
    };
    let mut log = settings.log.clone();
    if !matches!(cli.command, Command::Serve) {
        // Keep one-shot commands quiet unless something goes wrong.
        log.filter = "warn".to_string();
    }
    telemetry::init(&log);
    match execute(cli.command, settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            report(&err);
            ExitCode::FAILURE
        }
    }
}

fn report(err: &anyhow::Error) {
    match err.downcast_ref::<AppError>() {
        Some(AppError::Validation(fields)) => eprint!("error: invalid input:\n{fields}"),
        _ => eprintln!("error: {err:#}"),
    }
}

async fn execute(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let shutdown = startup::shutdown_signal()?;
            let app = Application::build(settings).await?;
            app.run_until(shutdown).await
        }
        Command::Health => health(&settings).await,
        Command::Migrate => {
            startup::prepare_database(&settings).await?.close().await?;
            eprintln!("migrations applied");
            Ok(())
        }
        Command::Publish { path } => publish(&settings, &path).await,
        Command::Stories { command } => stories(&settings, command).await,
        Command::Followers { command } => admin::followers(&settings, command).await,
        Command::Feeds { command } => feeds::run(&settings, command).await,
        Command::Deliveries => admin::deliveries(&settings).await,
        Command::Reports => admin::reports(&settings).await,
        Command::User {
            command: UserCommand::Create { name },
        } => admin::create_user(&settings, &name).await,
        Command::Token {
            command: TokenCommand::Create { name },
        } => {
            let db = startup::prepare_database(&settings).await?;
            println!("{}", token::create(&db, &name).await?);
            Ok(())
        }
    }
}

async fn health(settings: &Settings) -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Ask the listener directly: the public URL may sit behind a proxy this process cannot reach.
    let mut address = settings.bind;
    if address.ip().is_unspecified() {
        address.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let url = format!("http://{address}/healthz");
    let response = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()?
        .get(&url)
        .send()
        .await
        .with_context(|| format!("{url} is not answering"))?;
    anyhow::ensure!(
        response.status().is_success(),
        "{url} answered {}",
        response.status()
    );
    println!("ok");
    Ok(())
}

async fn publish(settings: &Settings, path: &PathBuf) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    // Validate before touching the database: invalid input stores nothing.
    let urls = Urls::new(&settings.public_url);
    let draft = front_matter::parse(&text)?.validate(&urls.root())?;
    let db = startup::prepare_database(settings).await?;
    let fanout = Fanout::new(Arc::new(settings.clone()));
    let story = story::publish(&db, &urls, draft, &fanout).await?;
    tell_servers(&db, story.id).await;
    db.close().await?;
    println!("{}", story.ap_id);
    Ok(())
}

/// The running servers drop what they keep of story `id`. The change is committed whatever
/// happens here, so a failure is only reported.
async fn tell_servers(db: &sea_orm::DatabaseConnection, id: i64) {
    use crate::federation::{cluster, context::Invalidation};
    let notice = cluster::notice::Notice::Invalidate(Invalidation::Story(Some(id)));
    if let Err(err) = cluster::sender::notify_once(db, &[notice]).await {
        eprintln!("warning: the running servers were not told: {err}");
    }
}

async fn stories(settings: &Settings, command: StoriesCommand) -> anyhow::Result<()> {
    let db = startup::prepare_database(settings).await?;
    match command {
        StoriesCommand::List => {
            let mut number = 1;
            loop {
                let page =
                    story::list(&db, Listing::All, PageRequest::new(Some(number), 100)).await?;
                for s in &page.items {
                    println!(
                        "{}\t{}\t{}",
                        s.slug,
                        s.published_at.format("%Y-%m-%d %H:%M"),
                        s.title
                    );
                }
                if !page.has_next() {
                    break;
                }
                number += 1;
            }
        }
        StoriesCommand::Delete { slug } => {
            let fanout = Fanout::new(Arc::new(settings.clone()));
            let deleted = story::delete(&db, &slug, &fanout)
                .await
                .map_err(|e| match e {
                    AppError::NotFound(_) => {
                        anyhow::anyhow!("no published story with slug `{slug}`")
                    }
                    other => other.into(),
                })?;
            tell_servers(&db, deleted.id).await;
            eprintln!("deleted {slug}");
        }
    }
    Ok(())
}
