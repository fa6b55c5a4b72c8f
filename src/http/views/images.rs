//! Images of our own stories on our pages. The policy lets pages load images from this site
//! only, so a story's picture or an image in its body that lives on another server is shown
//! through the media proxy, like a reply's. (The `Article` sent to other servers keeps the
//! original addresses: they fetch what they show themselves.)

use std::cell::RefCell;

use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use url::Url;

use super::reply::escape;
use crate::{http::media::proxied, state::AppState};

/// Where a page loads `image` from: itself when it is on this site, else the proxy.
pub fn image_src(state: &AppState, image: &Url) -> String {
    if image.origin() == state.urls.root().origin() {
        image.to_string()
    } else {
        proxied(state, image)
    }
}

/// A story body (cleaned when it was rendered) with its images loaded through [`image_src`].
/// Everything else is written back as it was read, every value escaped again.
pub fn proxy_images(state: &AppState, html: &str) -> String {
    if !html.contains("<img") {
        return html.to_string();
    }
    let tokenizer = Tokenizer::new(
        Rewriter {
            state,
            out: RefCell::new(String::with_capacity(html.len())),
        },
        TokenizerOpts::default(),
    );
    let input = BufferQueue::default();
    input.push_back(html.into());
    // Only a script-running sink stops the tokenizer; one feed reads it all.
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.out.into_inner()
}

struct Rewriter<'a> {
    state: &'a AppState,
    out: RefCell<String>,
}

impl TokenSink for Rewriter<'_> {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut out = self.out.borrow_mut();
        match token {
            Token::CharacterTokens(text) => escape(&mut out, &text),
            Token::TagToken(tag) => self.tag(&mut out, &tag),
            // The cleaner left no comments or doctypes; nothing else is content.
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

impl Rewriter<'_> {
    fn tag(&self, out: &mut String, tag: &Tag) {
        let name: &str = &tag.name;
        if tag.kind == TagKind::EndTag {
            out.push_str(&format!("</{name}>"));
            return;
        }
        out.push('<');
        out.push_str(name);
        for attribute in &tag.attrs {
            let key: &str = &attribute.name.local;
            let value = match (name, key) {
                ("img", "src") => match Url::parse(&attribute.value) {
                    Ok(url) if crate::domain::links::is_web(&url) => image_src(self.state, &url),
                    // A path on this site loads from here already.
                    _ => attribute.value.to_string(),
                },
                _ => attribute.value.to_string(),
            };
            out.push(' ');
            out.push_str(key);
            out.push_str("=\"");
            escape(out, &value);
            out.push('"');
        }
        out.push('>');
    }
}
