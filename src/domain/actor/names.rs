//! Local usernames: Mastodon's rule, and the one a byline suggests.

/// Usernames follow Mastodon's rule for local accounts: `a-z`, `0-9` and `_`, at most 30 long.
pub fn is_valid_username(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 30
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The username an author's display name suggests: "María José Núñez" → `maria_jose_nunez`.
pub fn username_from_name(name: &str) -> String {
    let mut username = String::new();
    for word in crate::domain::text::ascii_words(name) {
        if username.len() + word.len() + 1 > 24 {
            break;
        }
        if !username.is_empty() {
            username.push('_');
        }
        username.push_str(&word);
    }
    if username.is_empty() {
        "author".to_string()
    } else {
        username
    }
}
