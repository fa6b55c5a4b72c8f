//! A newsroom's own website on another loopback port, as Broadsheet meets one: an RSS feed and
//! an Atom feed whose entries the test adds and edits, a broken feed, a page that is no feed,
//! and article pages with a strict Content-Security-Policy of their own that carry the embed
//! snippet. The feeds answer conditional GETs (ETag) with 304, and count them.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicUsize, Ordering},
};

use axum::{
    Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use chrono::{DateTime, Utc};

/// One article of the newsroom, in both feeds' terms.
#[derive(Clone, Debug)]
pub struct Article {
    pub guid: String,
    pub slug: String,
    pub title: String,
    pub author: String,
    pub published: DateTime<Utc>,
    /// The description (RSS) or content (Atom), HTML.
    pub html: String,
    pub category: String,
    /// A `media:content` image (RSS) and its description.
    pub image: Option<(String, String)>,
}

#[derive(Default)]
struct Shared {
    base: String,
    /// The Broadsheet the article pages embed.
    broadsheet: Mutex<String>,
    /// Article pages embed this site's articles instead of their own (a copy elsewhere).
    embeds_articles_of: Mutex<Option<String>>,
    rss: Mutex<Vec<Article>>,
    atom: Mutex<Vec<Article>>,
    not_modified: AtomicUsize,
    feed_gets: AtomicUsize,
}

pub struct Newsroom {
    pub base: String,
    shared: Arc<Shared>,
}

impl Newsroom {
    pub async fn start() -> Newsroom {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Shared {
            base: base.clone(),
            ..Default::default()
        });
        let app = Router::new()
            .route("/rss.xml", get(rss))
            .route("/atom.xml", get(atom))
            .route(
                "/broken.xml",
                get(|| async {
                    (
                        [(header::CONTENT_TYPE, "application/rss+xml")],
                        "<rss version=\"2.0\"><channel><title>Half a feed<item><title>",
                    )
                }),
            )
            .route(
                "/about",
                get(|| async { Html("<html><body><h1>About us</h1></body></html>") }),
            )
            .route("/articles/{slug}", get(article_page))
            .route("/list/{slug}", get(list_page))
            .with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        Newsroom { base, shared }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The article's address on the newsroom's site: its canonical URL.
    pub fn link(&self, slug: &str) -> String {
        self.url(&format!("/articles/{slug}"))
    }

    pub fn embed_from(&self, broadsheet: &str) {
        *self.shared.broadsheet.lock().unwrap() = broadsheet.to_string();
    }

    /// Article pages here embed the conversation of `other`'s article of the same slug.
    pub fn embed_articles_of(&self, other: &str) {
        *self.shared.embeds_articles_of.lock().unwrap() = Some(other.to_string());
    }

    pub fn add_rss(&self, article: Article) {
        self.shared.rss.lock().unwrap().push(article);
    }

    pub fn add_atom(&self, article: Article) {
        self.shared.atom.lock().unwrap().push(article);
    }

    /// Changes an RSS article in place, as a newsroom correcting a story does.
    pub fn edit_rss(&self, guid: &str, edit: impl FnOnce(&mut Article)) {
        let mut items = self.shared.rss.lock().unwrap();
        edit(items.iter_mut().find(|a| a.guid == guid).unwrap());
    }

    /// Feed requests answered 304 Not Modified.
    pub fn not_modified(&self) -> usize {
        self.shared.not_modified.load(Ordering::SeqCst)
    }

    pub fn feed_gets(&self) -> usize {
        self.shared.feed_gets.load(Ordering::SeqCst)
    }
}

/// An article with the usual fields, published at `published`.
pub fn article(slug: &str, title: &str, published: DateTime<Utc>) -> Article {
    Article {
        guid: format!("urn:newsroom:{slug}"),
        slug: slug.to_string(),
        title: title.to_string(),
        author: "Ana Ruiz".to_string(),
        published,
        html: format!("<p>{title}: the <b>whole</b> story.</p><script>alert(1)</script>"),
        category: "City Hall".to_string(),
        image: None,
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn rss_document(base: &str, items: &[Article]) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>The Gazette</title><link>{base}/</link><description>News</description>"
    );
    for a in items {
        out.push_str(&format!(
            "<item><title>{}</title><link>{base}/articles/{}</link><guid isPermaLink=\"false\">{}</guid><pubDate>{}</pubDate><dc:creator>{}</dc:creator><category>{}</category><description>{}</description>",
            escape(&a.title), a.slug, a.guid, a.published.to_rfc2822(), escape(&a.author), escape(&a.category), escape(&a.html)
        ));
        if let Some((src, alt)) = &a.image {
            out.push_str(&format!(
                "<media:content url=\"{}\" medium=\"image\" type=\"image/jpeg\"><media:description>{}</media:description></media:content>",
                escape(src), escape(alt)
            ));
        }
        out.push_str("</item>");
    }
    out.push_str("</channel></rss>");
    out
}

fn atom_document(base: &str, items: &[Article]) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>The Gazette: opinion</title><id>{base}/atom.xml</id><updated>2020-01-01T00:00:00Z</updated>"
    );
    for a in items {
        out.push_str(&format!(
            "<entry><id>{}</id><title>{}</title><link rel=\"alternate\" href=\"{base}/articles/{}\"/><published>{}</published><updated>{}</updated><author><name>{}</name></author><category term=\"{}\"/><content type=\"html\">{}</content></entry>",
            a.guid, escape(&a.title), a.slug, a.published.to_rfc3339(), a.published.to_rfc3339(), escape(&a.author), escape(&a.category), escape(&a.html)
        ));
    }
    out.push_str("</feed>");
    out
}

/// The feed, or 304 when the reader's `If-None-Match` is the current ETag.
fn conditional(shared: &Shared, headers: &HeaderMap, body: String, kind: &'static str) -> Response {
    shared.feed_gets.fetch_add(1, Ordering::SeqCst);
    let etag = format!("\"{:x}\"", fxhash(&body));
    let sent = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    if sent == Some(etag.as_str()) {
        shared.not_modified.fetch_add(1, Ordering::SeqCst);
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (header::ETAG, etag),
        ],
        body,
    )
        .into_response()
}

fn fxhash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

async fn rss(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let body = rss_document(&shared.base, &shared.rss.lock().unwrap());
    conditional(&shared, &headers, body, "application/rss+xml")
}

async fn atom(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let body = atom_document(&shared.base, &shared.atom.lock().unwrap());
    conditional(&shared, &headers, body, "application/atom+xml")
}

/// A list of articles with the reply-count badge for one of them (`data-count`).
async fn list_page(State(shared): State<Arc<Shared>>, Path(slug): Path<String>) -> Response {
    let broadsheet = shared.broadsheet.lock().unwrap().clone();
    let link = format!("{}/articles/{slug}", shared.base);
    let policy = format!("default-src 'none'; script-src {broadsheet}; connect-src {broadsheet}");
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Latest</title></head><body><ul><li><a href=\"{l}\">An article</a> \
<script async src=\"{broadsheet}/embed.js\" data-story-url=\"{l}\" data-count></script></li></ul></body></html>",
        l = escape(&link),
    );
    ([(header::CONTENT_SECURITY_POLICY, policy)], Html(page)).into_response()
}

/// The newsroom's article page: its own strict policy, which allows Broadsheet's origin for the
/// script and the frame and nothing inline, and the one-line snippet.
async fn article_page(State(shared): State<Arc<Shared>>, Path(slug): Path<String>) -> Response {
    let broadsheet = shared.broadsheet.lock().unwrap().clone();
    let site = shared
        .embeds_articles_of
        .lock()
        .unwrap()
        .clone()
        .unwrap_or_else(|| shared.base.clone());
    let link = format!("{site}/articles/{slug}");
    let title = shared
        .rss
        .lock()
        .unwrap()
        .iter()
        .chain(shared.atom.lock().unwrap().iter())
        .find(|a| a.slug == slug)
        .map_or_else(|| "An article".to_string(), |a| a.title.clone());
    let policy = format!(
        "default-src 'none'; script-src {broadsheet}; frame-src {broadsheet}; connect-src {broadsheet}; style-src 'none'; img-src 'self'; base-uri 'none'; object-src 'none'"
    );
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title></head><body><article><h1>{t}</h1><p>The newsroom's own article.</p></article>\
<script async src=\"{broadsheet}/embed.js\" data-story-url=\"{l}\"></script>\
<noscript><a href=\"{broadsheet}/embed/open?url={l}\">Join the conversation</a></noscript>\
<p class=\"after\">Footer of the newsroom</p></body></html>",
        t = escape(&title),
        l = escape(&link),
    );
    ([(header::CONTENT_SECURITY_POLICY, policy)], Html(page)).into_response()
}
