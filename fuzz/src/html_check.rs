//! Reads the tags and attributes of serialised HTML (as html5ever writes it: text escaped,
//! attribute values double-quoted) so properties of a sanitiser's output can be asserted.

/// One start tag and its attributes, values with their entities decoded.
#[derive(Debug)]
pub struct StartTag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

/// The start tags of `html`. Panics when the markup is not what a serialiser writes (an
/// unterminated tag or attribute), since that is itself a finding.
pub fn start_tags(html: &str) -> Vec<StartTag> {
    let mut tags = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        i += offset + 1;
        if bytes.get(i) == Some(&b'/') || bytes.get(i) == Some(&b'!') {
            let end = html[i..]
                .find('>')
                .unwrap_or_else(|| panic!("unterminated end tag in {html:?}"));
            i += end + 1;
            continue;
        }
        let name_len = html[i..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .unwrap_or_else(|| panic!("unterminated tag in {html:?}"));
        let name = html[i..i + name_len].to_ascii_lowercase();
        i += name_len;
        let mut attrs = Vec::new();
        loop {
            while bytes
                .get(i)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
            {
                i += 1;
            }
            match bytes.get(i) {
                None => panic!("unterminated tag in {html:?}"),
                Some(b'>') => {
                    i += 1;
                    break;
                }
                Some(_) => {}
            }
            let attr_len = html[i..]
                .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>' || c == '/')
                .unwrap_or(html.len() - i);
            let attr = html[i..i + attr_len].to_ascii_lowercase();
            i += attr_len;
            let mut value = String::new();
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                assert_eq!(
                    bytes.get(i),
                    Some(&b'"'),
                    "unquoted attribute value in {html:?}"
                );
                i += 1;
                let end = html[i..]
                    .find('"')
                    .unwrap_or_else(|| panic!("unterminated value in {html:?}"));
                value = decode(&html[i..i + end]);
                i += end + 1;
            }
            attrs.push((attr, value));
        }
        tags.push(StartTag { name, attrs });
    }
    tags
}

/// The entities a serialiser writes in attribute values, and numeric references.
fn decode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "nbsp" => Some('\u{a0}'),
            "#39" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The scheme a browser would see in a URL attribute, lowercased; `None` for a relative URL.
/// Browsers drop leading spaces and control characters and every tab and newline first.
pub fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = cleaned.find(':')?;
    let candidate = &cleaned[..colon];
    let mut chars = candidate.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| candidate.to_ascii_lowercase())
}

/// Attributes whose value a browser loads or navigates to.
pub fn is_url_attribute(name: &str) -> bool {
    matches!(
        name,
        "href"
            | "src"
            | "action"
            | "formaction"
            | "xlink:href"
            | "poster"
            | "background"
            | "cite"
            | "data"
            | "srcset"
    )
}

#[cfg(test)]
mod tests {
    use super::{scheme, start_tags};

    #[test]
    fn reads_tags_attributes_and_schemes() {
        let tags = start_tags(
            r#"<p>a &lt;b&gt; <a href="https://x/?a=1&amp;b=&quot;" class="mention">x</a><br></p>"#,
        );
        let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["p", "a", "br"]);
        assert_eq!(
            tags[1].attrs[0],
            ("href".to_string(), "https://x/?a=1&b=\"".to_string())
        );
        assert_eq!(
            scheme(" \tJava\nScript:alert(1)").as_deref(),
            Some("javascript")
        );
        assert_eq!(scheme("/path:x"), None);
        assert_eq!(scheme("1a:b"), None);
    }
}
