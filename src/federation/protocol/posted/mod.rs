//! How an object was posted, read from the wire into the domain's [`Presentation`]: its kind,
//! media, tags, language and what its type carries. As lenient as the rest of `inbound`: a
//! field of the wrong shape is left out, never a reason to refuse the reply. Every URL kept is
//! http(s), and every list and text is capped here, where it is read.

mod details;
mod language;
mod media;
mod tags;

use serde_json::Value;

pub use language::{content_map, pick_content};
pub use media::page_url;

use crate::domain::reply::presentation::{ObjectKind, Presentation};

/// Everything but the language chosen from `contentMap` (see [`pick_content`]): the object's
/// own language field stands in until then.
pub fn read(object: &Value, kind: ObjectKind) -> Presentation {
    Presentation {
        kind,
        language: language::own(object),
        attachments: media::attachments(object, kind),
        tags: tags::tags(object),
        details: details::details(object, kind),
    }
}

/// The object's type: the first one we show when `type` is a list, else the first given (so a
/// refusal can name it). `None` when there is no type at all.
pub fn type_of(object: &Value) -> Option<&str> {
    let mut names = types(object).peekable();
    let first = *names.peek()?;
    Some(
        names
            .find(|name| ObjectKind::parse(name).is_some())
            .unwrap_or(first),
    )
}

/// The types of `value` however they are written: one or a list, `Note`, `as:Note` or the
/// full IRI.
pub(super) fn types(value: &Value) -> impl Iterator<Item = &str> {
    entries(&value["type"])
        .iter()
        .filter_map(Value::as_str)
        .map(|name| name.rsplit(['#', ':', '/']).next().unwrap_or(name))
        .filter(|name| !name.is_empty())
}

/// The entries of a field given as one value or a list.
fn entries(value: &Value) -> &[Value] {
    match value {
        Value::Array(items) => items,
        Value::Null => &[],
        other => std::slice::from_ref(other),
    }
}

/// A short plain text, trimmed and cut to `max` characters; `None` when empty or not a string.
fn text(value: &Value, max: usize) -> Option<String> {
    let text: String = value
        .as_str()?
        .trim()
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .take(max)
        .collect();
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::type_of;

    #[test]
    fn a_list_of_types_is_read_by_its_first_known_type() {
        assert_eq!(type_of(&json!({"type": "Note"})), Some("Note"));
        assert_eq!(
            type_of(&json!({"type": ["Widget", "as:Image", "Note"]})),
            Some("Image")
        );
        let iri = json!({"type": "https://www.w3.org/ns/activitystreams#Event"});
        assert_eq!(type_of(&iri), Some("Event"));
        assert_eq!(
            type_of(&json!({"type": ["Widget", "Gadget"]})),
            Some("Widget")
        );
        assert_eq!(type_of(&json!({"type": []})), None);
        assert_eq!(type_of(&json!({"type": 7})), None);
    }
}
