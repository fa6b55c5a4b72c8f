//! Slugs: the last part of a story's URL and id, `a-z`, `0-9` and `-`. Fixed once published,
//! because the URL is the story's ActivityPub id on every server that has seen it.

const MAX_LEN: usize = 80;

pub fn is_valid(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= MAX_LEN
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A slug from a title, or `None` when the title has no letters a URL can carry.
pub fn from_title(title: &str) -> Option<String> {
    let mut slug = String::new();
    for word in crate::domain::text::ascii_words(title) {
        if slug.len() + word.len() + 1 > MAX_LEN - 4 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word);
    }
    is_valid(&slug).then_some(slug)
}

#[cfg(test)]
mod tests {
    use super::{from_title, is_valid};

    #[test]
    fn titles_become_readable_slugs() {
        assert_eq!(
            from_title("Council approves the 2027 budget!").as_deref(),
            Some("council-approves-the-2027-budget")
        );
        assert_eq!(
            from_title("Élections : résultats").as_deref(),
            Some("elections-resultats")
        );
        assert_eq!(from_title("速報"), None);
        assert!(is_valid("a-1"));
        for bad in ["", "-a", "a-", "a--b", "A", "a b", "a/b", "ü"] {
            assert!(!is_valid(bad), "{bad}");
        }
    }
}
