//! Turning people's words into URL-safe pieces (usernames, slugs).

/// The lowercase ASCII words of `text`: accented Latin letters folded to their base letter,
/// everything else a separator. "Élections : résultats" → `["elections", "resultats"]`.
pub fn ascii_words(text: &str) -> Vec<String> {
    let mut words = vec![String::new()];
    for ch in text.chars().flat_map(char::to_lowercase) {
        match fold_ascii(ch) {
            Some(c) if c.is_ascii_alphanumeric() => {
                if let Some(last) = words.last_mut() {
                    last.push(c);
                }
            }
            _ if words.last().is_some_and(|w| !w.is_empty()) => words.push(String::new()),
            _ => {}
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

fn fold_ascii(ch: char) -> Option<char> {
    if ch.is_ascii() {
        return Some(ch);
    }
    let base = match ch {
        'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è'..='ë' | 'ē' | 'ę' | 'ě' => 'e',
        'ì'..='ï' | 'ī' | 'ı' => 'i',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò'..='ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ù'..='ü' | 'ū' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ś' | 'š' | 'ß' => 's',
        'ź' | 'ż' | 'ž' => 'z',
        'ł' => 'l',
        'ř' => 'r',
        'ť' => 't',
        'ď' => 'd',
        _ => return None,
    };
    Some(base)
}

#[cfg(test)]
mod tests {
    use super::ascii_words;

    #[test]
    fn folds_accents_and_splits_on_everything_else() {
        assert_eq!(
            ascii_words("Élections : résultats"),
            ["elections", "resultats"]
        );
        assert_eq!(ascii_words("O'Brien, Pat"), ["o", "brien", "pat"]);
        assert!(ascii_words("速報").is_empty());
    }
}
