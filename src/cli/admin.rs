//! Operator commands about federation: followers and the delivery queue.

use anyhow::Context;
use chrono::Utc;

use super::FollowersCommand;
use crate::{
    config::Settings,
    domain::{actor, follow},
    federation::outbox::follows,
    startup,
    storage::{deliveries, hosts},
};

pub async fn followers(settings: &Settings, command: FollowersCommand) -> anyhow::Result<()> {
    let db = startup::prepare_database(settings).await?;
    let which = |name: &Option<String>| {
        name.clone()
            .unwrap_or_else(|| settings.publication.handle.clone())
    };
    match command {
        FollowersCommand::List { actor: name } => {
            let local = actor::find_by_username(&db, &which(&name))
                .await?
                .context("no such actor")?;
            let mut offset = 0;
            loop {
                let page = follow::page(&db, local.id, offset, 500).await?;
                for f in &page {
                    println!("{}\t{}", f.ap_id, f.handle());
                }
                if page.len() < 500 {
                    break;
                }
                offset += 500;
            }
        }
        FollowersCommand::Remove {
            follower,
            actor: name,
        } => {
            let local = actor::find_by_username(&db, &which(&name))
                .await?
                .context("no such actor")?;
            if !follows::remove_follower(&db, &local, &follower).await? {
                anyhow::bail!("{follower} does not follow @{}", local.username);
            }
            eprintln!("removed {follower}; a Reject is queued for their server");
        }
    }
    Ok(())
}

pub async fn deliveries(settings: &Settings) -> anyhow::Result<()> {
    let db = startup::prepare_database(settings).await?;
    println!("deliveries");
    for row in deliveries::count_by_state(&db).await? {
        println!("  {:<10} {}", row.state, row.count);
    }
    let hosts = hosts::troubled(&db).await?;
    if hosts.is_empty() {
        println!("hosts: all answering");
        return Ok(());
    }
    println!("hosts failing or dead");
    for host in hosts {
        let since = host
            .failing_since
            .map(|t| Utc::now() - t)
            .map_or(String::new(), |d| format!("{}h", d.num_hours()));
        let state = if host.dead_since.is_some() {
            "dead"
        } else {
            "failing"
        };
        let pending = deliveries::pending_for_host(&db, &host.host).await?;
        println!(
            "  {:<30} {:<8} for {:<6} pending {:<6} last error: {}",
            host.host,
            state,
            since,
            pending,
            host.last_error.unwrap_or_default()
        );
    }
    Ok(())
}

/// Reports, newest first: when, who reported (actor id), what, and their comment.
pub async fn reports(settings: &Settings) -> anyhow::Result<()> {
    let db = startup::prepare_database(settings).await?;
    let mut all = crate::storage::reports::all(&db).await?;
    all.sort_by_key(|r| std::cmp::Reverse(r.created_at));
    for report in all {
        let reporter = crate::storage::actors::find_by_id(&db, report.actor_id)
            .await?
            .map(|a| a.ap_id)
            .unwrap_or_default();
        println!(
            "{}\t{}\t{}\t{}",
            report.created_at.format("%Y-%m-%d %H:%M"),
            reporter,
            report.objects,
            report.content.replace(['\n', '\t'], " ")
        );
    }
    Ok(())
}

/// Creates an editor account, reading the password without echoing it at a terminal.
pub async fn create_user(settings: &Settings, name: &str) -> anyhow::Result<()> {
    use std::io::{BufRead, IsTerminal};
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Again: ")?;
        anyhow::ensure!(first == again, "the passwords differ");
        first
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    let db = startup::prepare_database(settings).await?;
    let user = crate::domain::user::create(&db, name, &password).await?;
    eprintln!(
        "editor {} created; log in at {}admin",
        user.name, settings.public_url
    );
    Ok(())
}
