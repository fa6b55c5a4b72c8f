//! The story a new site starts with, so its front page is not empty and an editor sees every
//! part of a story (byline, tags, teaser, body) before writing their own.

use sea_orm::DatabaseConnection;

use super::{StoryEvents, front_matter, publish};
use crate::{domain::ids::Urls, error::AppError};

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

/// Publishes the sample story.
pub async fn publish_sample(
    db: &DatabaseConnection,
    urls: &Urls,
    events: &dyn StoryEvents,
) -> Result<(), AppError> {
    let draft = front_matter::parse(SAMPLE)?.validate(&urls.root())?;
    publish(db, urls, draft, events).await?;
    Ok(())
}
