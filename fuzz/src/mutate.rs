//! Mutations: byte-level (bit flips, tokens, splices, repeats) and structural for JSON (swap
//! types, drop and add keys, huge strings, deep nesting, copied subtrees).

use serde_json::{Map, Number, Value};

use crate::rng::Rng;

/// Inputs never grow past this, so one execution stays cheap.
pub const MAX_INPUT: usize = 256 * 1024;

/// Bytes that change how text parsers split and quote.
const SPECIAL: &[u8] = b"\"',;:=()<>[]{}@#?/\\ \t\r\n-_.*`~!&%+$^|\x00\x7f\x80\xff";

/// Multi-byte characters: case mappings that change length, BOMs, zero-width, astral.
const UNICODE: &[&str] = &[
    "\u{e9}",
    "\u{130}",
    "\u{feff}",
    "\u{200b}",
    "\u{202e}",
    "\u{1d54f}",
    "\u{fffd}",
    "\u{df}",
    "\u{212a}",
    "\u{301}",
    "\u{3000}",
    "\u{a0}",
    "\u{2028}",
    "\u{10ffff}",
];

/// Applies 1 to 8 byte mutations. `dict` holds the target's tokens; `other` is a second input
/// to splice from.
pub fn bytes(rng: &mut Rng, data: &mut Vec<u8>, dict: &[&str], other: &[u8]) {
    let rounds = 1 + rng.skewed(7);
    for _ in 0..rounds {
        let len = data.len();
        match rng.below(14) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = rng.next_u64() as u8;
            }
            2 if len > 0 => {
                let i = rng.below(len);
                data[i] = *rng.pick(SPECIAL);
            }
            3 => {
                let i = rng.below(len + 1);
                data.insert(i, *rng.pick(SPECIAL));
            }
            4 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.skewed(len - start)).min(len);
                data.drain(start..end);
            }
            5 => {
                let i = rng.below(len + 1);
                let n = 1 + rng.skewed(32);
                let chunk = rng.fill(n);
                data.splice(i..i, chunk);
            }
            6 | 7 if !dict.is_empty() => {
                let token = rng.pick(dict).as_bytes().to_vec();
                let i = rng.below(len + 1);
                if rng.one_in(2) || len == 0 {
                    data.splice(i..i, token);
                } else {
                    let end = (i + token.len()).min(len);
                    data.splice(i..end, token);
                }
            }
            8 if len > 0 => {
                // Copy a chunk elsewhere.
                let start = rng.below(len);
                let end = (start + 1 + rng.skewed(len - start)).min(len);
                let chunk = data[start..end].to_vec();
                let at = rng.below(len + 1);
                data.splice(at..at, chunk);
            }
            9 if len > 0 => {
                // Repeat a chunk many times: long runs find quadratic work and overflows.
                let start = rng.below(len);
                let end = (start + 1 + rng.skewed(16)).min(len);
                let chunk = data[start..end].to_vec();
                let times = 1 + rng.skewed(4096);
                let at = rng.below(len + 1);
                let repeated: Vec<u8> = chunk
                    .iter()
                    .copied()
                    .cycle()
                    .take(chunk.len() * times)
                    .collect();
                data.splice(at..at, repeated);
            }
            10 if !other.is_empty() => {
                // Splice: our head, the other input's tail.
                let cut = rng.below(len + 1);
                let from = rng.below(other.len());
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            11 if len > 0 => {
                let cut = rng.below(len);
                data.truncate(cut);
            }
            12 => {
                let i = rng.below(len + 1);
                let ch = rng.pick(UNICODE).as_bytes().to_vec();
                data.splice(i..i, ch);
            }
            13 if len > 1 => {
                let a = rng.below(len);
                let b = rng.below(len);
                data.swap(a, b);
            }
            _ => {
                let i = rng.below(len + 1);
                data.insert(i, rng.next_u64() as u8);
            }
        }
        if data.len() > MAX_INPUT {
            data.truncate(MAX_INPUT);
        }
    }
}

/// Text of `data` after byte mutations, made valid UTF-8 again.
pub fn text(rng: &mut Rng, text: &str, dict: &[&str]) -> String {
    let mut data = text.as_bytes().to_vec();
    bytes(rng, &mut data, dict, &[]);
    String::from_utf8_lossy(&data).into_owned()
}

fn count(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(count).sum(),
        Value::Object(map) => map.values().map(count).sum(),
        _ => 0,
    }
}

/// Calls `f` on the node at pre-order position `index`.
fn visit_nth(value: &mut Value, index: &mut usize, f: &mut dyn FnMut(&mut Value)) -> bool {
    if *index == 0 {
        f(value);
        return true;
    }
    *index -= 1;
    match value {
        Value::Array(items) => items.iter_mut().any(|v| visit_nth(v, index, f)),
        Value::Object(map) => map.values_mut().any(|v| visit_nth(v, index, f)),
        _ => false,
    }
}

fn nth(value: &Value, index: &mut usize) -> Option<Value> {
    if *index == 0 {
        return Some(value.clone());
    }
    *index -= 1;
    match value {
        Value::Array(items) => items.iter().find_map(|v| nth(v, index)),
        Value::Object(map) => map.values().find_map(|v| nth(v, index)),
        _ => None,
    }
}

/// A scalar or an empty container, often of another type than the node it replaces.
pub fn scalar(rng: &mut Rng, strings: &[&str]) -> Value {
    match rng.below(12) {
        0 => Value::Null,
        1 => Value::Bool(rng.one_in(2)),
        2 => Value::from(*rng.pick(&[0i64, -1, 1, i64::MIN, i64::MAX, 253402300800, -62135596800])),
        3 => Value::from(u64::MAX),
        4 => Number::from_f64(*rng.pick(&[1e308, -1e308, 0.5, -0.0, 1e-308]))
            .map_or(Value::Null, Value::Number),
        5 => Value::Array(Vec::new()),
        6 => Value::Object(Map::new()),
        7 => Value::String(String::new()),
        8 => {
            let unit = rng.pick(&[
                "a",
                "\u{e9}",
                "<b>",
                "\"",
                "\\",
                "@",
                "https://",
                "\u{1d54f}",
            ]);
            Value::String(unit.repeat(1 + rng.skewed(MAX_INPUT / 8)))
        }
        _ if !strings.is_empty() => Value::String(rng.pick(strings).to_string()),
        _ => Value::String("x".into()),
    }
}

/// Applies 1 to 4 structural mutations to a JSON value.
pub fn json(rng: &mut Rng, value: &mut Value, keys: &[&str], strings: &[&str]) {
    for _ in 0..1 + rng.skewed(3) {
        let total = count(value);
        let donor = {
            let mut i = rng.below(total);
            nth(value, &mut i)
        };
        let mut index = rng.below(total);
        visit_nth(value, &mut index, &mut |node| {
            mutate_node(rng, node, donor.clone(), keys, strings)
        });
    }
}

fn mutate_node(
    rng: &mut Rng,
    node: &mut Value,
    donor: Option<Value>,
    keys: &[&str],
    strings: &[&str],
) {
    match rng.below(10) {
        0 | 1 => *node = scalar(rng, strings),
        2 => match node {
            Value::Object(map) if !map.is_empty() => {
                let key = map.keys().nth(rng.below(map.len())).cloned();
                if let Some(key) = key {
                    map.remove(&key);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                items.remove(rng.below(items.len()));
            }
            _ => *node = Value::Null,
        },
        3 => {
            let new = if rng.one_in(2) {
                scalar(rng, strings)
            } else {
                donor.unwrap_or(Value::Null)
            };
            match node {
                Value::Object(map) if !keys.is_empty() => {
                    map.insert(rng.pick(keys).to_string(), new);
                }
                Value::Array(items) => items.insert(rng.below(items.len() + 1), new),
                _ => {
                    let mut map = Map::new();
                    if !keys.is_empty() {
                        map.insert(rng.pick(keys).to_string(), new);
                    }
                    *node = Value::Object(map);
                }
            }
        }
        4 => {
            // Nest: an array or an object around the node, up to past serde_json's limit.
            let depth = 1 + rng.skewed(140);
            let mut inner = std::mem::take(node);
            for _ in 0..depth {
                inner = if rng.one_in(2) {
                    Value::Array(vec![inner])
                } else {
                    let mut map = Map::new();
                    let key = if keys.is_empty() {
                        "id"
                    } else {
                        rng.pick(keys)
                    };
                    map.insert(key.to_string(), inner);
                    Value::Object(map)
                };
            }
            *node = inner;
        }
        5 => {
            if let Some(donor) = donor {
                *node = donor;
            }
        }
        6 => {
            if let Value::String(s) = node {
                *s = text(rng, s, strings);
            } else {
                *node = Value::String(rng.pick(strings).to_string());
            }
        }
        7 => {
            // Scalar ⇄ one-element array, as senders disagree on `to`, `tag`, `url`.
            *node = match std::mem::take(node) {
                Value::Array(mut items) if items.len() == 1 => items.remove(0),
                other => Value::Array(vec![other]),
            };
        }
        8 => {
            if let Value::Object(map) = node
                && !map.is_empty()
                && !keys.is_empty()
            {
                // Rename a key.
                let key = map.keys().nth(rng.below(map.len())).cloned();
                if let Some(key) = key
                    && let Some(v) = map.remove(&key)
                {
                    map.insert(rng.pick(keys).to_string(), v);
                }
            }
        }
        _ => {
            if let Value::Array(items) = node
                && !items.is_empty()
            {
                let copy = items[rng.below(items.len())].clone();
                let times = 1 + rng.skewed(64);
                items.extend(std::iter::repeat_n(copy, times));
            } else {
                *node = Value::String(rng.pick(strings).to_string());
            }
        }
    }
}
