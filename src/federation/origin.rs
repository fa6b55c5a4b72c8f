//! Origin-based security: a document is authoritative only from its own origin, and nothing
//! from outside speaks for our host.
//!
//! Every fetch that will be trusted goes through [`fetch`]: it never fetches our own host, and
//! it accepts a document only when its `id` is the URL it was finally served from (after
//! redirects). A document whose `id` names another URL is fetched once more by that `id`, which
//! must then answer for itself. Callers compare every other URL in the document (its author,
//! keys, inbox, collections) with [`same_origin`] against the returned id.

use serde_json::Value;
use url::Url;

use super::{
    client::{FetchError, Fetched},
    context::Federation,
};
use crate::{config::Settings, domain::ids::host_with_port};

/// An authoritative document: `id` is both its own id and the URL it was served from.
#[derive(Debug)]
pub struct Authoritative {
    pub id: Url,
    pub document: Value,
}

/// True when `url` is on our own public host. Such URLs are never fetched as remote: what is
/// ours is read from the database, and a remote claim to be ours is refused.
pub fn is_ours(settings: &Settings, url: &Url) -> bool {
    host_with_port(url).eq_ignore_ascii_case(&settings.domain())
}

/// Same host and port (the scheme is fixed to https outside development mode).
pub fn same_origin(a: &Url, b: &Url) -> bool {
    host_with_port(a).eq_ignore_ascii_case(&host_with_port(b))
}

/// Fetches `url` (signed) and returns it only if it answers for itself; see the module doc.
pub async fn fetch(fed: &Federation, url: &Url) -> Result<Authoritative, FetchError> {
    let first = get(fed, url).await?;
    let claimed = document_id(&first)?;
    if claimed == first.url {
        return Ok(Authoritative {
            id: claimed,
            document: first.document,
        });
    }
    // Served from somewhere other than its id (a redirect, a key document, an alias): only
    // its id's own origin can vouch for it, so ask there, once.
    let second = get(fed, &claimed).await?;
    let again = document_id(&second)?;
    if again != claimed || again != second.url {
        return Err(FetchError::Invalid(format!(
            "{claimed} does not answer for itself (served {again} from {})",
            second.url
        )));
    }
    Ok(Authoritative {
        id: again,
        document: second.document,
    })
}

async fn get(fed: &Federation, url: &Url) -> Result<Fetched, FetchError> {
    if is_ours(&fed.settings, url) {
        return Err(FetchError::Refused(format!(
            "{url} is on our own host and is never fetched as remote"
        )));
    }
    let fetched = fed.client.get_json(url, &fed.instance).await;
    fed.metrics.fetch(fetched.is_ok());
    let fetched = fetched?;
    if is_ours(&fed.settings, &fetched.url) {
        return Err(FetchError::Refused(format!(
            "{url} redirected to our own host"
        )));
    }
    Ok(fetched)
}

/// The document's `id`, without a fragment, as a URL.
fn document_id(fetched: &Fetched) -> Result<Url, FetchError> {
    let mut id: Url = fetched
        .document
        .get("id")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| FetchError::Invalid(format!("{} has no id", fetched.url)))?;
    id.set_fragment(None);
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::same_origin;

    #[test]
    fn origins_compare_host_and_port() {
        let url = |s: &str| s.parse::<url::Url>().expect("url");
        assert!(same_origin(
            &url("https://a.example/x"),
            &url("https://A.example/y")
        ));
        assert!(!same_origin(
            &url("https://a.example/x"),
            &url("https://a.example:8443/x")
        ));
        assert!(!same_origin(
            &url("https://a.example/x"),
            &url("https://b.a.example/x")
        ));
    }
}
