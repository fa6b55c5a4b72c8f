//! The story a new site starts with, so its front page is not empty and an editor sees every
//! part of a story (byline, tags, teaser, body) before writing their own.

use sea_orm::DatabaseConnection;

use super::{StoryEvents, authors, front_matter, write::publish_with_keys};
use crate::{
    domain::{actor::KeyPair, ids::Urls},
    error::AppError,
};

pub const SAMPLE: &str = r#"---
title: Welcome to your newsroom on the fediverse
summary: This site publishes its stories to the fediverse. Follow it from Mastodon or any other server, and reply there to join the conversation.
authors: [Broadsheet Desk]
tags: [Broadsheet, Fediverse]
slug: welcome
---
Every story published here is also an ActivityPub **Article**. Anyone with an account on
Mastodon, Misskey, Pleroma, Lemmy or any other fediverse server can follow this publication by
its handle, shown at the top of the page, and see new stories in their timeline.

## Replies are the comment section

There are no accounts to create and no comment forms to fill in. Readers answer a story from
their own server, the way they answer anyone else, and those replies appear under the story.

## Publishing

Editors write in Markdown, with a short front matter block on top:

```markdown
---
title: Council approves the 2027 budget
summary: A one-line teaser, shown on the fediverse beside the title.
authors: [Ana Ruiz]
tags: [CityHall, Budget]
---
The text of the story.
```

Then `broadsheet publish story.md` prints the story's address, or a newsroom's CMS sends the same
fields to the JSON API. Each author named in a byline gets a fediverse account of their own, so
readers can follow a reporter as well as the whole publication.

You can delete this story once your first real one is out.
"#;

/// The key pairs of the sample story's bylines, made ahead (on a first start, while the site's
/// own keys are being made: each takes a few hundred milliseconds of a core).
pub async fn byline_keys(
    db: &DatabaseConnection,
    urls: &Urls,
) -> Result<Vec<(String, KeyPair)>, AppError> {
    let draft = front_matter::parse(SAMPLE)?.validate(&urls.root())?;
    authors::prepare_keys(db, &draft.authors).await
}

/// Publishes the sample story, with its bylines' keys from [`byline_keys`].
pub async fn publish_sample(
    db: &DatabaseConnection,
    urls: &Urls,
    keys: Vec<(String, KeyPair)>,
    events: &dyn StoryEvents,
) -> Result<(), AppError> {
    let draft = front_matter::parse(SAMPLE)?.validate(&urls.root())?;
    publish_with_keys(db, urls, draft, keys, events).await?;
    Ok(())
}
