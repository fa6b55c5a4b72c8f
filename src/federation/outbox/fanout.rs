//! Story fan-out. Mastodon files a status under the actor that signs its `Create` and drops a
//! `Create` from an actor nobody there follows, so the publication creates every story for its
//! own followers, and each author boosts it to theirs. Edits and deletions reach both audiences.

use std::sync::Arc;

use sea_orm::DatabaseTransaction;
use url::Url;

use super::{activities, enqueue};
use crate::{
    config::Settings,
    domain::{
        actor, follow,
        ids::Urls,
        story::{Story, StoryEvents},
    },
    error::AppError,
    federation::objects::story::Site,
};

pub struct Fanout {
    pub urls: Urls,
    pub settings: Arc<Settings>,
}

impl Fanout {
    pub fn new(settings: Arc<Settings>) -> Self {
        Fanout {
            urls: Urls::new(&settings.public_url),
            settings,
        }
    }

    fn site(&self) -> Site<'_> {
        Site {
            urls: &self.urls,
            settings: &self.settings,
        }
    }

    /// The followers collections of everyone whose followers hear about this story.
    fn audience(&self, story: &Story) -> Vec<Url> {
        std::iter::once(self.urls.followers(&self.settings.publication.handle))
            .chain(
                story
                    .authors
                    .iter()
                    .map(|a| self.urls.followers(&a.username)),
            )
            .collect()
    }

    /// Edits and deletions go to the followers of the publication and of every author, once per inbox.
    async fn everyone(
        &self,
        txn: &DatabaseTransaction,
        story: &Story,
    ) -> Result<(i64, Vec<follow::Target>), AppError> {
        let publication = actor::publication(txn).await?;
        let mut ids = vec![publication.id];
        ids.extend(story.authors.iter().map(|a| a.id));
        Ok((publication.id, follow::targets(txn, &ids).await?))
    }
}

#[async_trait::async_trait]
impl StoryEvents for Fanout {
    async fn published(&self, txn: &DatabaseTransaction, story: &Story) -> Result<(), AppError> {
        let site = self.site();
        let publication = actor::publication(txn).await?;
        let targets = follow::targets(txn, &[publication.id]).await?;
        enqueue(
            txn,
            publication.id,
            &activities::create(story, &site),
            &targets,
        )
        .await?;
        for author in &story.authors {
            let targets = follow::targets(txn, &[author.id]).await?;
            enqueue(
                txn,
                author.id,
                &activities::announce(story, &author.username, &site),
                &targets,
            )
            .await?;
        }
        Ok(())
    }

    async fn updated(&self, txn: &DatabaseTransaction, story: &Story) -> Result<(), AppError> {
        let (signer, targets) = self.everyone(txn, story).await?;
        let activity = activities::update(story, &self.site(), self.audience(story));
        enqueue(txn, signer, &activity, &targets).await
    }

    async fn deleted(&self, txn: &DatabaseTransaction, story: &Story) -> Result<(), AppError> {
        let (signer, targets) = self.everyone(txn, story).await?;
        let activity = activities::delete(story, &self.site(), self.audience(story));
        enqueue(txn, signer, &activity, &targets).await
    }
}
