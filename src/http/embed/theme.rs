//! The newsroom's colours and font for the frame, as a stylesheet built from checked query
//! parameters (`accent`, `background`, `text`, `font`): anything else is dropped.

use axum::{
    extract::Query,
    http::header,
    response::{IntoResponse, Response},
};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub(super) struct ThemeQuery {
    accent: Option<String>,
    background: Option<String>,
    text: Option<String>,
    font: Option<String>,
}

impl ThemeQuery {
    /// True when at least one value survives the checks.
    pub(super) fn is_set(&self) -> bool {
        !css(self).is_empty()
    }

    /// The query string that reproduces the checked values.
    pub(super) fn query(&self) -> String {
        let mut pairs = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("accent", &self.accent),
            ("background", &self.background),
            ("text", &self.text),
        ] {
            if let Some(v) = value.as_deref().filter(|v| is_colour(v)) {
                pairs.append_pair(key, v);
            }
        }
        if let Some(f) = self.font.as_deref().filter(|f| is_font(f)) {
            pairs.append_pair("font", f);
        }
        pairs.finish()
    }
}

pub(super) async fn stylesheet(Query(q): Query<ThemeQuery>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        css(&q),
    )
        .into_response()
}

fn css(q: &ThemeQuery) -> String {
    let mut rules = Vec::new();
    for (var, value) in [
        ("--accent", &q.accent),
        ("--paper", &q.background),
        ("--ink", &q.text),
    ] {
        if let Some(v) = value.as_deref().filter(|v| is_colour(v)) {
            rules.push(format!("{var}: {v};"));
        }
    }
    if let Some(f) = q.font.as_deref().filter(|f| is_font(f)) {
        rules.push(format!("--embed-font: {f};"));
    }
    if rules.is_empty() {
        return String::new();
    }
    format!(":root, :root[data-theme] {{ {} }}\n", rules.join(" "))
}

/// `#rgb`, `#rrggbb`, `#rrggbbaa`, or a colour keyword.
fn is_colour(v: &str) -> bool {
    match v.strip_prefix('#') {
        Some(hex) => {
            matches!(hex.len(), 3 | 4 | 6 | 8) && hex.chars().all(|c| c.is_ascii_hexdigit())
        }
        None => (1..=30).contains(&v.len()) && v.chars().all(|c| c.is_ascii_alphabetic()),
    }
}

/// Font family names: letters, digits, spaces, commas, hyphens and double quotes.
fn is_font(v: &str) -> bool {
    (1..=120).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || " ,-\"".contains(c))
        && v.matches('"').count().is_multiple_of(2)
}

#[cfg(test)]
mod tests {
    use super::{ThemeQuery, css};

    #[test]
    fn only_checked_values_reach_the_stylesheet() {
        let q = ThemeQuery {
            accent: Some("#c00".into()),
            background: Some("red;} body{display:none".into()),
            text: Some("navy".into()),
            font: Some("\"Source Serif\", Georgia, serif".into()),
        };
        let out = css(&q);
        assert!(out.contains("--accent: #c00;") && out.contains("--ink: navy;"));
        assert!(out.contains("--embed-font: \"Source Serif\", Georgia, serif;"));
        assert!(!out.contains("display"));
        assert!(css(&ThemeQuery::default()).is_empty());
    }
}
