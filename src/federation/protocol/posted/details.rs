//! What some types carry besides text: an Event's time and place, a Document's name, a
//! Question's options with their votes.

use serde_json::Value;

use super::{entries, text};
use crate::{
    domain::reply::presentation::{Details, ObjectKind, PollOption},
    federation::protocol::inbound::date,
};

const MAX_OPTIONS: usize = 20;
const MAX_NAME: usize = 300;

pub fn details(object: &Value, kind: ObjectKind) -> Details {
    match kind {
        ObjectKind::Event => Details::Event {
            name: text(&object["name"], MAX_NAME),
            starts_at: date(&object["startTime"]),
            ends_at: date(&object["endTime"]),
            location: entries(&object["location"]).iter().find_map(place),
        },
        ObjectKind::Document => Details::Document {
            name: text(&object["name"], MAX_NAME),
        },
        ObjectKind::Question => question(object),
        _ => Details::None,
    }
}

/// A place's name, else its address: a string, or schema.org's `PostalAddress` in one line.
fn place(value: &Value) -> Option<String> {
    if let Some(named) = text(value, MAX_NAME).or_else(|| text(&value["name"], MAX_NAME)) {
        return Some(named);
    }
    let address = &value["address"];
    if let Some(line) = text(address, MAX_NAME) {
        return Some(line);
    }
    let parts: Vec<String> = [
        "streetAddress",
        "addressLocality",
        "addressRegion",
        "postalCode",
        "addressCountry",
    ]
    .iter()
    .filter_map(|field| text(&address[*field], MAX_NAME))
    .collect();
    (!parts.is_empty()).then(|| parts.join(", ").chars().take(MAX_NAME).collect())
}

/// `anyOf` (several answers) when it has options, else `oneOf`; each option's votes are its
/// `replies.totalItems`. A poll closes at `endTime`, or has closed at `closed`.
fn question(object: &Value) -> Details {
    let any_of = entries(&object["anyOf"]);
    let (list, multiple) = if any_of.is_empty() {
        (entries(&object["oneOf"]), false)
    } else {
        (any_of, true)
    };
    let options = list
        .iter()
        .filter_map(|option| {
            Some(PollOption {
                name: text(&option["name"], MAX_NAME)?,
                votes: option["replies"]["totalItems"].as_u64().unwrap_or(0),
            })
        })
        .take(MAX_OPTIONS)
        .collect();
    Details::Question {
        options,
        multiple,
        closes_at: date(&object["endTime"]).or_else(|| date(&object["closed"])),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::place;

    #[test]
    fn a_place_is_its_name_else_its_address() {
        assert_eq!(place(&json!("Town hall")).as_deref(), Some("Town hall"));
        let address = json!({"type": "Place", "address": {"streetAddress": "1 Quay St", "addressLocality": "Exeter"}});
        assert_eq!(place(&address).as_deref(), Some("1 Quay St, Exeter"));
        assert_eq!(place(&json!({"type": "Place"})), None);
    }
}
