//! Stories as `Article`s, `Tombstone`s and the activities that carry them.

use serde_json::{Value, json};

use crate::{
    config::Settings,
    domain::{ids::Urls, story::Story},
    federation::protocol::{
        Image, PUBLIC,
        article::{Article, Tag, Tombstone},
        collection::OrderedCollection,
        context,
    },
};

/// Everything that shapes a story's wire form besides the story itself.
pub struct Site<'a> {
    pub urls: &'a Urls,
    pub settings: &'a Settings,
}

impl Site<'_> {
    fn publication(&self) -> url::Url {
        self.urls.actor(&self.settings.publication.handle)
    }
    fn followers(&self) -> url::Url {
        self.urls.followers(&self.settings.publication.handle)
    }
}

/// The `Article`, attributed to the publication (Mastodon files a status under the actor that
/// sends its `Create`), with the byline in its content and as mentions.
pub fn to_article(story: &Story, site: &Site<'_>, with_context: bool) -> Article {
    let content = format!("{}{}", byline_html(story), story.content_html);
    let image = story
        .image
        .as_ref()
        .map(|i| Image::new(i.url.clone(), Some(i.alt.clone())));
    Article {
        context: with_context.then(context::object),
        id: story.ap_id.clone(),
        kind: "Article".to_string(),
        attributed_to: site.publication(),
        name: story.title.clone(),
        summary: story.summary.clone(),
        content_map: Some(json!({ site.settings.publication.language.clone(): content.clone() })),
        content,
        media_type: "text/html".to_string(),
        // Mastodon links the post to its `url`: the article's home when it has one elsewhere.
        url: story
            .canonical_url
            .clone()
            .unwrap_or_else(|| story.ap_id.clone()),
        published: story.published_at,
        updated: story.is_edited().then_some(story.updated_at),
        to: vec![PUBLIC.to_string()],
        cc: vec![site.followers().to_string()],
        tag: tags(story, site),
        attachment: image.iter().cloned().collect(),
        image,
        replies: OrderedCollection::paged(
            site.urls.story_replies(&story.slug),
            u64::try_from(story.reply_count).unwrap_or(0),
            None,
        ),
        conversation: site.urls.story_context(&story.slug),
        sensitive: false,
        interaction_policy: interaction_policy(story, site),
    }
}

/// What a deleted story's URL answers, with 410 Gone.
pub fn to_tombstone(story: &Story) -> Tombstone {
    Tombstone {
        context: Some(context::object()),
        id: story.ap_id.clone(),
        kind: "Tombstone".to_string(),
        former_type: "Article".to_string(),
        deleted: story.deleted_at.unwrap_or(story.updated_at),
    }
}

/// The publication's `Create` of a story, as its outbox lists it.
pub fn to_create(story: &Story, site: &Site<'_>) -> Value {
    let mut id = story.ap_id.clone();
    id.set_fragment(Some("create"));
    json!({
        "id": id,
        "type": "Create",
        "actor": site.publication(),
        "published": story.published_at,
        "to": [PUBLIC],
        "cc": [site.followers()],
        "object": to_article(story, site, false),
    })
}

/// An author's boost of a story they wrote, as the author's outbox lists it.
pub fn to_announce(story: &Story, author_username: &str, site: &Site<'_>) -> Value {
    let mut id = story.ap_id.clone();
    id.set_fragment(Some(&format!("announce-{author_username}")));
    json!({
        "id": id,
        "type": "Announce",
        "actor": site.urls.actor(author_username),
        "published": story.published_at,
        "to": [PUBLIC],
        "cc": [site.urls.followers(author_username), site.publication()],
        "object": story.ap_id,
    })
}

fn tags(story: &Story, site: &Site<'_>) -> Vec<Tag> {
    let domain = site.settings.domain();
    let mentions = story.authors.iter().map(|a| Tag {
        kind: "Mention".to_string(),
        href: a.ap_id.clone(),
        name: format!("@{}@{domain}", a.username),
    });
    let hashtags = story.tags.iter().map(|t| Tag {
        kind: "Hashtag".to_string(),
        href: site.urls.tag(t),
        name: format!("#{t}"),
    });
    mentions.chain(hashtags).collect()
}

/// `<p>By <a>Ana Ruiz</a> and <a>Bo Li</a></p>`, linking each author's fediverse profile.
pub fn byline_html(story: &Story) -> String {
    if story.authors.is_empty() {
        return String::new();
    }
    let last = story.authors.len() - 1;
    maud::html! {
        p {
            "By "
            @for (i, author) in story.authors.iter().enumerate() {
                @if i > 0 { @if i == last { " and " } @else { ", " } }
                a href=(author.ap_id) class="u-url mention" { (author.name) }
            }
        }
    }
    .into_string()
}

/// Quotes as the quote policy says; replies while the story is open (once closed, only the
/// publication itself may reply, which is how GoToSocial and Mastodon read a closed thread);
/// likes and boosts always. Every object of ours (the story's `Article` and the newsroom's
/// `Note`s under it) carries this whole policy, so servers never fall back on defaults.
pub fn interaction_policy(story: &Story, site: &Site<'_>) -> Value {
    let repliers = if story.accepts_replies(site.settings.replies.close_after_days) {
        json!([PUBLIC])
    } else {
        json!([site.publication()])
    };
    json!({
        "canQuote": can_quote(story, site),
        "canReply": { "automaticApproval": repliers },
        "canLike": { "automaticApproval": [PUBLIC] },
        "canAnnounce": { "automaticApproval": [PUBLIC] }
    })
}

/// What the quote policy (the story's, else the site's) tells quoting servers to expect.
fn can_quote(story: &Story, site: &Site<'_>) -> Value {
    use crate::domain::quote::{Policy, policy_of};
    match policy_of(story, site.settings.publication.quote_policy) {
        Policy::Anyone => json!({ "automaticApproval": [PUBLIC] }),
        Policy::Followers => json!({ "automaticApproval": [site.followers()] }),
        Policy::Nobody => json!({ "automaticApproval": [site.publication()] }),
        Policy::Editor => json!({ "manualApproval": [PUBLIC] }),
    }
}
