//! `broadsheet feeds …`: the newsroom's feeds imported as stories. A running server picks a
//! new subscription up at its next poll tick (within half a minute).

use clap::Subcommand;

use crate::{config::Settings, domain::feed, startup};

#[derive(Subcommand)]
pub enum FeedsCommand {
    /// Subscribe to an RSS, Atom or JSON Feed; prints its id. Articles published before now
    /// are imported without being sent to followers.
    Add {
        url: String,
        /// Bylines for articles that name no author, comma separated.
        #[arg(long)]
        authors: Option<String>,
    },
    /// Subscribed feeds: id, URL, last success and last error, tab separated.
    List,
    /// Stop importing a feed (by id or URL); the stories it brought stay.
    Remove { feed: String },
}

pub async fn run(settings: &Settings, command: FeedsCommand) -> anyhow::Result<()> {
    let db = startup::prepare_database(settings).await?;
    match command {
        FeedsCommand::Add { url, authors } => {
            let authors: Vec<String> = authors
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(String::from)
                .collect();
            let added = feed::add(&db, &url, &authors).await?;
            println!("{}", added.id);
        }
        FeedsCommand::List => {
            for f in feed::list(&db).await? {
                println!(
                    "{}\t{}\t{}\t{}",
                    f.id,
                    f.url,
                    f.last_success_at
                        .map_or_else(|| "never".to_string(), |at| at.to_rfc3339()),
                    f.last_error
                        .as_deref()
                        .map_or_else(String::new, |e| e.replace(['\n', '\t'], " "))
                );
            }
        }
        FeedsCommand::Remove { feed: which } => {
            let found = feed::list(&db)
                .await?
                .into_iter()
                .find(|f| f.id.to_string() == which || f.url == which)
                .ok_or_else(|| anyhow::anyhow!("no subscribed feed `{which}`"))?;
            feed::remove(&db, found.id).await?;
            eprintln!("removed {}", found.url);
        }
    }
    db.close().await?;
    Ok(())
}
