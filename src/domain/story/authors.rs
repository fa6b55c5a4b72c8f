//! Bylines: each name in a story's front matter is an author actor of its own, created (with its
//! key pair) the first time the name appears.

use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::{
    domain::{
        actor::{self, KeyPair, LocalActor, NewActor, Role},
        ids::Urls,
    },
    error::AppError,
    storage::actors,
};

/// Key pairs for the names that have no actor yet. Generated before the story's transaction
/// opens, so the CPU work does not hold the database's write lock, and all at once (each is a
/// few hundred milliseconds of one core).
pub async fn prepare_keys(
    db: &DatabaseConnection,
    names: &[String],
) -> Result<Vec<(String, KeyPair)>, AppError> {
    let mut new_names = Vec::new();
    for name in names {
        if actors::find_local_by_name(db, Role::Author.as_str(), name)
            .await?
            .is_none()
        {
            new_names.push(name.clone());
        }
    }
    let keys = futures_util::future::try_join_all(new_names.iter().map(|_| actor::generate_keys()))
        .await?;
    Ok(new_names.into_iter().zip(keys).collect())
}

/// The author actors for `names`, in order, creating the missing ones with the prepared keys.
pub async fn resolve(
    db: &impl ConnectionTrait,
    urls: &Urls,
    names: &[String],
    mut keys: Vec<(String, KeyPair)>,
) -> Result<Vec<LocalActor>, AppError> {
    let mut authors = Vec::with_capacity(names.len());
    for name in names {
        if let Some(found) = actors::find_local_by_name(db, Role::Author.as_str(), name).await? {
            authors.push(LocalActor::from_model(found)?);
            continue;
        }
        let position = keys.iter().position(|(n, _)| n == name);
        let pair = match position {
            Some(i) => keys.swap_remove(i).1,
            None => actor::generate_keys().await?,
        };
        let username = free_username(db, &actor::username_from_name(name)).await?;
        let spec = NewActor {
            role: Role::Author,
            ap_id: urls.actor(&username),
            username,
            name: name.clone(),
            summary: String::new(),
            icon_url: None,
        };
        authors.push(actor::create(db, urls, spec, pair).await?);
    }
    Ok(authors)
}

/// `base`, or `base_2`, `base_3`… when another actor (the publication included) has it.
async fn free_username(db: &impl ConnectionTrait, base: &str) -> Result<String, AppError> {
    let mut candidate = base.to_string();
    let mut n = 2;
    while actors::find_local_by_username(db, &candidate)
        .await?
        .is_some()
    {
        candidate = format!("{base}_{n}");
        n += 1;
    }
    Ok(candidate)
}
