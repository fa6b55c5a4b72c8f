//! Ordered collections and their pages (outbox, followers, featured, replies).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollection {
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub total_items: u64,
    /// The first page, by id; absent when the items are inline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first: Option<Url>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordered_items: Option<Vec<Value>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollectionPage {
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub part_of: Url,
    pub total_items: u64,
    pub ordered_items: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Url>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev: Option<Url>,
}

impl OrderedCollection {
    /// A collection that points at its first page.
    pub fn paged(id: Url, total_items: u64, context: Option<Value>) -> Self {
        let mut first = id.clone();
        first.query_pairs_mut().append_pair("page", "1");
        OrderedCollection {
            context,
            id,
            kind: "OrderedCollection".to_string(),
            total_items,
            first: Some(first),
            ordered_items: None,
        }
    }

    /// A small collection with its items inline (featured).
    pub fn inline(id: Url, items: Vec<Value>, context: Option<Value>) -> Self {
        OrderedCollection {
            context,
            id,
            kind: "OrderedCollection".to_string(),
            total_items: items.len() as u64,
            first: None,
            ordered_items: Some(items),
        }
    }
}

impl OrderedCollectionPage {
    /// Page `number` of the collection `part_of`, linking to its neighbours with `?page=`.
    pub fn new(
        part_of: Url,
        number: u64,
        total_pages: u64,
        total_items: u64,
        items: Vec<Value>,
    ) -> Self {
        let page_url = |n: u64| {
            let mut url = part_of.clone();
            url.query_pairs_mut().append_pair("page", &n.to_string());
            url
        };
        OrderedCollectionPage {
            context: Some(super::context::plain()),
            id: page_url(number),
            kind: "OrderedCollectionPage".to_string(),
            part_of: part_of.clone(),
            total_items,
            ordered_items: items,
            next: (number < total_pages).then(|| page_url(number + 1)),
            prev: (number > 1).then(|| page_url(number - 1)),
        }
    }
}
