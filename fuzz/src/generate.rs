//! Structure-aware inputs built with `arbitrary` from random bytes: JSON documents shaped like
//! activities and JRDs, signature headers made of plausible parameters, HTML and Markdown made
//! of the constructs the sanitisers treat specially.

use arbitrary::{Result, Unstructured};
use serde_json::{Map, Value};

/// A string from `dict` most of the time, else arbitrary text.
pub fn word(u: &mut Unstructured<'_>, dict: &[&str]) -> Result<String> {
    if !dict.is_empty() && u.ratio(3, 4)? {
        Ok(u.choose(dict)?.to_string())
    } else {
        let s: String = u.arbitrary()?;
        Ok(s)
    }
}

/// A JSON value with keys from `keys` and strings from `strings`, at most `depth` deep.
pub fn json(
    u: &mut Unstructured<'_>,
    keys: &[&str],
    strings: &[&str],
    depth: u32,
) -> Result<Value> {
    let kind = if depth == 0 {
        u.int_in_range(0..=4)?
    } else {
        u.int_in_range(0..=7)?
    };
    Ok(match kind {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => {
            if u.arbitrary()? {
                Value::from(u.arbitrary::<i64>()?)
            } else {
                serde_json::Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number)
            }
        }
        3 | 4 => Value::String(word(u, strings)?),
        5 => {
            let n = u.int_in_range(0..=4)?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(json(u, keys, strings, depth - 1)?);
            }
            Value::Array(items)
        }
        _ => {
            let n = u.int_in_range(0..=8)?;
            let mut map = Map::new();
            for _ in 0..n {
                map.insert(word(u, keys)?, json(u, keys, strings, depth - 1)?);
            }
            Value::Object(map)
        }
    })
}

/// Header lines (`name: value`) with names from `names` and values built by `value`.
pub fn header_lines(
    u: &mut Unstructured<'_>,
    names: &[&str],
    value: &mut dyn FnMut(&mut Unstructured<'_>, &str) -> Result<String>,
) -> Result<Vec<u8>> {
    let mut out = String::new();
    for _ in 0..u.int_in_range(1..=6)? {
        let name = word(u, names)?;
        let v = value(u, &name)?;
        out.push_str(&format!("{name}: {v}\n"));
    }
    Ok(out.into_bytes())
}

/// `name=value` parameters joined by `sep`, values quoted or not.
pub fn params(
    u: &mut Unstructured<'_>,
    names: &[&str],
    values: &[&str],
    sep: &str,
) -> Result<String> {
    let mut parts = Vec::new();
    for _ in 0..u.int_in_range(0..=7)? {
        let name = word(u, names)?;
        let value = word(u, values)?;
        parts.push(match u.int_in_range(0..=3)? {
            0 => format!("{name}={value}"),
            1 => name,
            _ => format!("{name}=\"{value}\""),
        });
    }
    Ok(parts.join(sep))
}

/// Markup made of tags, attributes and text from the dictionaries, nested at random.
pub fn markup(
    u: &mut Unstructured<'_>,
    tags: &[&str],
    attrs: &[&str],
    values: &[&str],
    depth: u32,
) -> Result<String> {
    let mut out = String::new();
    for _ in 0..u.int_in_range(0..=5)? {
        match u.int_in_range(0..=4)? {
            0 | 1 if depth > 0 => {
                let tag = word(u, tags)?;
                out.push('<');
                out.push_str(&tag);
                for _ in 0..u.int_in_range(0..=3)? {
                    let attr = word(u, attrs)?;
                    let value = word(u, values)?;
                    out.push_str(&match u.int_in_range(0..=3)? {
                        0 => format!(" {attr}={value}"),
                        1 => format!(" {attr}='{value}'"),
                        2 => format!(" {attr}"),
                        _ => format!(" {attr}=\"{value}\""),
                    });
                }
                out.push('>');
                out.push_str(&markup(u, tags, attrs, values, depth - 1)?);
                if u.ratio(3, 4)? {
                    out.push_str(&format!("</{tag}>"));
                }
            }
            2 => out.push_str(&word(u, values)?),
            _ => {
                let text: String = u.arbitrary()?;
                out.push_str(&text);
            }
        }
    }
    Ok(out)
}
