//! Story files: a YAML front matter block between `---` lines, then the Markdown body, the layout
//! Jekyll and Hugo use, so a newsroom's existing files publish as they are.

use serde::Deserialize;

use super::draft::StoryInput;
use crate::error::{AppError, FieldErrors};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: Option<String>,
    summary: Option<String>,
    #[serde(default)]
    authors: OneOrMany,
    #[serde(default)]
    tags: OneOrMany,
    image: Option<String>,
    image_alt: Option<String>,
    slug: Option<String>,
    canonical_url: Option<String>,
}

/// `authors: Jane Doe` and `authors: [Jane Doe, Bo Li]` both read naturally.
#[derive(Deserialize, Default)]
#[serde(untagged)]
enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl From<OneOrMany> for Vec<String> {
    fn from(value: OneOrMany) -> Self {
        match value {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }
    }
}

/// Splits a story file into its fields. Validation happens afterwards, in [`StoryInput::validate`].
pub fn parse(file: &str) -> Result<StoryInput, AppError> {
    let file = file.strip_prefix('\u{feff}').unwrap_or(file);
    let Some((yaml, body)) = split(file) else {
        return Err(invalid(
            "the file must start with a front matter block: a line `---`, fields such as `title: …`, and another `---`",
        ));
    };
    let front: FrontMatter =
        serde_norway::from_str(yaml).map_err(|e| invalid(&format!("is not valid: {e}")))?;
    Ok(StoryInput {
        title: front.title,
        summary: front.summary,
        body: Some(body.to_string()),
        authors: front.authors.into(),
        tags: front.tags.into(),
        image: front.image,
        image_alt: front.image_alt,
        slug: front.slug,
        canonical_url: front.canonical_url,
    })
}

fn split(file: &str) -> Option<(&str, &str)> {
    let rest = file
        .strip_prefix("---\n")
        .or_else(|| file.strip_prefix("---\r\n"))?;
    if let Some(body) = rest.strip_prefix("---") {
        return Some(("{}", body.trim_start_matches(['\r', '\n'])));
    }
    let end = rest.find("\n---")?;
    let after = &rest[end + 4..];
    let body = after.split_once('\n').map_or("", |(_, b)| b);
    Some((&rest[..end], body))
}

fn invalid(message: &str) -> AppError {
    let mut errors = FieldErrors::default();
    errors.add("front_matter", message);
    AppError::Validation(errors)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::parse;

    #[test]
    fn reads_fields_and_body() {
        let input = parse("---\ntitle: Storm warning\nauthors: Ana Ruiz\ntags: [Weather, Coast]\n---\nWinds *rise*.\n").unwrap();
        assert_eq!(input.title.as_deref(), Some("Storm warning"));
        assert_eq!(input.authors, ["Ana Ruiz"]);
        assert_eq!(input.tags, ["Weather", "Coast"]);
        assert_eq!(input.body.as_deref(), Some("Winds *rise*.\n"));
    }

    #[test]
    fn refuses_files_without_or_with_broken_front_matter() {
        for bad in [
            "Just text",
            "---\ntitle: x\n",
            "---\ntitle: [unclosed\n---\nbody",
            "---\ntitel: typo\n---\nbody",
        ] {
            let err = parse(bad).unwrap_err();
            assert!(
                matches!(err, crate::error::AppError::Validation(_)),
                "{bad}"
            );
        }
    }
}
