//! The fuzz targets. Each turns bytes into the inputs of one parser, runs it as the server
//! does, asserts what must hold of its output, and returns a hash of the path it took (which
//! error, which branch), so the engine keeps inputs that reach somewhere new.

use std::{
    collections::hash_map::DefaultHasher,
    hash::{Hash, Hasher},
};

use arbitrary::Unstructured;
use broadsheet::{
    domain::{
        actor::{is_valid_username, username_from_name},
        reply::sanitize,
        story::{front_matter, markdown, slug},
    },
    federation::{
        interaction_link::{self, Handle},
        protocol::{
            actor::{KeyDocument, RemoteActor},
            inbound::{self, InboundActivity, InboundObject},
        },
        signatures::{cavage, digest, rfc9421},
    },
    http::well_known,
};
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use url::Url;

use crate::{generate, html_check, seeds::Fixtures};

pub struct Target {
    pub name: &'static str,
    pub about: &'static str,
    /// Tokens the byte mutator inserts.
    pub dict: &'static [&'static str],
    /// Whether inputs are JSON, so structural mutations apply.
    pub json: bool,
    pub seeds: fn(&Fixtures) -> Vec<Vec<u8>>,
    pub generate: fn(&mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>>,
    pub run: fn(&[u8]) -> u64,
}

pub const TARGETS: &[Target] = &[
    Target {
        name: "cavage",
        about: "draft-cavage Signature header: parse, require_coverage, signed_at, signing_string",
        dict: CAVAGE_DICT,
        json: false,
        seeds: cavage_seeds,
        generate: cavage_generate,
        run: cavage_run,
    },
    Target {
        name: "rfc9421",
        about: "RFC 9421 Signature-Input and Signature: parse, require_coverage, signed_at, signature_base",
        dict: RFC9421_DICT,
        json: false,
        seeds: rfc9421_seeds,
        generate: rfc9421_generate,
        run: rfc9421_run,
    },
    Target {
        name: "digest",
        about: "Digest and Content-Digest headers against a body",
        dict: DIGEST_DICT,
        json: false,
        seeds: digest_seeds,
        generate: digest_generate,
        run: digest_run,
    },
    Target {
        name: "inbound",
        about: "inbound JSON: InboundActivity, InboundObject, RemoteActor, KeyDocument",
        dict: JSON_DICT,
        json: true,
        seeds: inbound_seeds,
        generate: inbound_generate,
        run: inbound_run,
    },
    Target {
        name: "webfinger",
        about: "WebFinger: the resource parameter, reader handles, JRD interaction templates",
        dict: WEBFINGER_DICT,
        json: false,
        seeds: webfinger_seeds,
        generate: webfinger_generate,
        run: webfinger_run,
    },
    Target {
        name: "front-matter",
        about: "story files: front matter, validation, slugs and usernames",
        dict: FRONT_MATTER_DICT,
        json: false,
        seeds: front_matter_seeds,
        generate: front_matter_generate,
        run: front_matter_run,
    },
    Target {
        name: "markdown",
        about: "Markdown rendering, teasers and truncation",
        dict: MARKDOWN_DICT,
        json: false,
        seeds: markdown_seeds,
        generate: markdown_generate,
        run: markdown_run,
    },
    Target {
        name: "sanitize",
        about: "the remote-HTML sanitiser: allow-list, no script or handlers, safe links, idempotent",
        dict: HTML_DICT,
        json: false,
        seeds: sanitize_seeds,
        generate: sanitize_generate,
        run: sanitize_run,
    },
];

fn hash_of(value: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// The variant of a `Result`'s error, or `Ok`: what a path through a parser is told apart by.
fn outcome<T, E>(result: &Result<T, E>) -> u64 {
    match result {
        Ok(_) => 0,
        Err(e) => hash_of(std::mem::discriminant(e)),
    }
}

fn texts(items: &[&str]) -> Vec<Vec<u8>> {
    items.iter().map(|s| s.as_bytes().to_vec()).collect()
}

/// `name: value` lines into headers; lines that are not valid headers are skipped.
pub fn header_map(data: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for line in data.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let name = line[..colon].trim_ascii();
        let value = line[colon + 1..].trim_ascii_start();
        if let (Ok(name), Ok(value)) =
            (HeaderName::from_bytes(name), HeaderValue::from_bytes(value))
        {
            headers.append(name, value);
        }
    }
    headers
}

/// Checks a signing string or signature base: one line per covered component, in order.
fn assert_lines(text: &str, names: &[String], format: impl Fn(&str) -> String) {
    let lines: Vec<&str> = text.split('\n').collect();
    if names.is_empty() {
        assert_eq!(text, "", "nothing covered, yet a signing string");
        return;
    }
    assert_eq!(
        lines.len(),
        names.len(),
        "one line per component in {text:?}"
    );
    for (line, name) in lines.iter().zip(names) {
        assert!(
            line.starts_with(&format(name)),
            "{line:?} is not for {name:?}"
        );
    }
}

// ---- draft-cavage ----------------------------------------------------------------------------

const CAVAGE_DICT: &[&str] = &[
    "signature: ",
    "authorization: Signature ",
    "date: ",
    "digest: ",
    "host: ",
    "keyId=",
    "algorithm=",
    "headers=",
    "signature=",
    "created=",
    "expires=",
    "\"rsa-sha256\"",
    "\"hs2019\"",
    "\"(request-target) host date digest\"",
    "(request-target)",
    "(created)",
    "(expires)",
    "\"https://a.example/users/a#main-key\"",
    "\"AAAA\"",
    "Wed, 25 Nov 2026 10:00:00 GMT",
    "Mon, 31 Dec 9999 23:59:59 +9999",
    "-9223372036854775808",
    "9223372036854775807",
    "253402300800",
    "SHA-256=RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=",
    "\n",
    ",",
    "\"",
    "=",
];

fn cavage_seeds(_: &Fixtures) -> Vec<Vec<u8>> {
    texts(&[
        "signature: keyId=\"https://mastodon.example/users/ana#main-key\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest content-type\",signature=\"c2lnbmF0dXJl\"\ndate: Wed, 25 Nov 2026 10:00:00 GMT\ndigest: SHA-256=RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=\ncontent-type: application/activity+json\n",
        "authorization: Signature keyId=\"k\",algorithm=\"hs2019\",created=1700000000,expires=1700000300,headers=\"(request-target) host (created) (expires) digest\",signature=\"AA==\"\ndigest: SHA-256=x\n",
        "signature: keyId=\"k\",headers=\"date\",signature=\"AA==\"\ndate: not a date\n",
        "signature: keyId=k, algorithm=rsa-sha256 , headers=\"(request-target) host date\", signature=\"AA==\"\ndate: Thu, 01 Jan 1970 00:00:00 +0000\ndate: second\n",
        "signature: keyId=\"k\",signature=\"%%%\"\n",
        "signature: garbage\n",
    ])
}

fn cavage_generate(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let names = &[
        "signature",
        "authorization",
        "date",
        "digest",
        "host",
        "content-type",
    ];
    generate::header_lines(u, names, &mut |u, name| match name {
        "signature" | "authorization" => {
            let prefix = if name == "authorization" {
                "Signature "
            } else {
                ""
            };
            let sep = if u.arbitrary()? { "," } else { ", " };
            let params = generate::params(
                u,
                &[
                    "keyId",
                    "algorithm",
                    "headers",
                    "signature",
                    "created",
                    "expires",
                ],
                &[
                    "k",
                    "rsa-sha256",
                    "hs2019",
                    "(request-target) host date digest",
                    "(request-target) (created) (expires) host digest",
                    "AA==",
                    "1700000000",
                    "-1",
                    "99999999999999999999",
                ],
                sep,
            )?;
            Ok(format!("{prefix}{params}"))
        }
        "date" => generate::word(
            u,
            &[
                "Wed, 25 Nov 2026 10:00:00 GMT",
                "Tue, 1 Jul 2003 10:52:37 +0200",
                "Fri, 31 Dec 9999 23:59:60 -9959",
            ],
        ),
        _ => generate::word(u, &["SHA-256=AA==", "a", ""]),
    })
}

fn cavage_run(data: &[u8]) -> u64 {
    let headers = header_map(data);
    let parsed = cavage::parse(&headers);
    let mut path = vec![outcome(&parsed)];
    if let Ok(parsed) = parsed {
        let post = parsed.require_coverage(true);
        let get = parsed.require_coverage(false);
        assert!(
            post.is_err() || get.is_ok(),
            "a POST's coverage is stricter than a GET's"
        );
        path.extend([outcome(&post), outcome(&get)]);
        let at = parsed.signed_at(&headers);
        if let Ok(at) = at {
            // As the inbox compares it with its window.
            let _ = (chrono_now() - at).num_seconds().abs();
        }
        path.push(outcome(&at));
        let text = parsed.signing_string("POST", "/inbox?page=1", "news.example", &headers);
        if let Ok(text) = &text {
            assert_lines(text, &parsed.headers, |name| format!("{name}: "));
        }
        path.push(outcome(&text));
        path.push(parsed.headers.len().min(6) as u64);
    }
    cavage_round_trip(data);
    hash_of(path)
}

/// What we write is read back as written: a key id and a signature survive `parse`.
fn cavage_round_trip(data: &[u8]) {
    let key_id: String = data
        .iter()
        .filter(|b| b.is_ascii_graphic() && **b != b'"')
        .take(64)
        .map(|b| *b as char)
        .collect();
    if key_id.is_empty() {
        return;
    }
    let value = format!(
        "keyId=\"{key_id}\",algorithm=\"hs2019\",headers=\"(request-target) Host date digest\",signature=\"AAEC/w==\""
    );
    let mut headers = HeaderMap::new();
    let Ok(value) = HeaderValue::from_str(&value) else {
        return;
    };
    headers.insert("signature", value);
    let parsed =
        cavage::parse(&headers).unwrap_or_else(|e| panic!("our own header is refused: {e}"));
    assert_eq!(parsed.key_id, key_id);
    assert_eq!(parsed.signature, [0, 1, 2, 255]);
    assert_eq!(
        parsed.headers,
        ["(request-target)", "host", "date", "digest"]
    );
}

fn chrono_now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

// ---- RFC 9421 --------------------------------------------------------------------------------

const RFC9421_DICT: &[&str] = &[
    "signature-input: ",
    "signature: ",
    "content-digest: ",
    "sig1=",
    "(\"@method\" \"@target-uri\" \"content-digest\")",
    "(\"@method\" \"@authority\" \"@path\" \"@query\" \"@scheme\" \"@request-target\" \"content-digest\")",
    "\"@signature-params\"",
    "\"@status\"",
    ";created=",
    ";expires=",
    ";keyid=",
    ";alg=",
    ";nonce=",
    "\"rsa-v1_5-sha256\"",
    "\"https://a.example/users/a#main-key\"",
    ":AAAA:",
    "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:",
    "1700000000",
    "-9223372036854775808",
    "9223372036854775807",
    "(",
    ")",
    "\"",
    ", ",
    ";",
    "=",
    ":",
];

fn rfc9421_seeds(_: &Fixtures) -> Vec<Vec<u8>> {
    texts(&[
        "signature-input: sig1=(\"@method\" \"@target-uri\" \"content-digest\");created=1700000000;keyid=\"https://a.example/u#k\"\nsignature: sig1=:AAAA:\ncontent-digest: sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:\n",
        "signature-input: sig1=(\"@method\" \"@authority\" \"@path\" \"@query\" \"content-digest\" \"content-type\");created=1;expires=2;keyid=\"k\";alg=\"rsa-v1_5-sha256\", sig2=(\"@method\");created=3;keyid=\"j\"\nsignature: sig2=:AA==:, sig1=:AAAA:\ncontent-digest: sha-512=:x:, sha-256=:AA==:\ncontent-type: application/activity+json\ncontent-type: second\n",
        "signature-input: sig1=();created=1;keyid=\"k\"\nsignature: sig1=::\n",
        "signature-input: =(\"@method\");keyid\nsignature: =:AAAA:\n",
    ])
}

fn rfc9421_generate(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let components = &[
        "\"@method\"",
        "\"@target-uri\"",
        "\"@authority\"",
        "\"@path\"",
        "\"@query\"",
        "\"@scheme\"",
        "\"@request-target\"",
        "\"@status\"",
        "\"content-digest\"",
        "\"content-type\"",
        "\"date\"",
        "@method",
        "\"\"",
    ];
    let mut list = Vec::new();
    for _ in 0..u.int_in_range(0..=6)? {
        list.push(generate::word(u, components)?);
    }
    let params = generate::params(
        u,
        &["created", "expires", "keyid", "alg", "nonce", "tag"],
        &[
            "1700000000",
            "k",
            "rsa-v1_5-sha256",
            "hmac-sha256",
            "-1",
            "",
        ],
        ";",
    )?;
    let label = generate::word(u, &["sig1", "sig2", ""])?;
    let signature = generate::word(u, &[":AAAA:", ":AA==:", "::", ":%%:", "AAAA"])?;
    let digest = generate::word(u, &["sha-256=:AA==:", "sha-512=:AA==:", ""])?;
    let other = generate::word(u, &["sig1", "sig2", ""])?;
    Ok(format!(
        "signature-input: {label}=({});{params}\nsignature: {other}={signature}, {label}={signature}\ncontent-digest: {digest}\ncontent-type: application/activity+json\n",
        list.join(" ")
    )
    .into_bytes())
}

fn rfc9421_run(data: &[u8]) -> u64 {
    let headers = header_map(data);
    let present = rfc9421::is_present(&headers);
    let parsed = rfc9421::parse(&headers);
    let mut path = vec![present as u64, outcome(&parsed)];
    if let Ok(parsed) = parsed {
        let coverage = parsed.require_coverage();
        path.push(outcome(&coverage));
        let at = parsed.signed_at();
        if let Ok(at) = at {
            let _ = (chrono_now() - at).num_seconds().abs();
        }
        path.push(outcome(&at));
        let target = rfc9421::Target {
            method: "POST",
            origin: "https://news.example",
            authority: "news.example",
            path_and_query: "/inbox?page=1",
        };
        let base = parsed.signature_base(&target, &headers);
        if let Ok(base) = &base {
            let mut names = parsed.components.clone();
            names.push("@signature-params".into());
            assert_lines(base, &names, |name| format!("\"{name}\": "));
        }
        path.push(outcome(&base));
        path.push(parsed.components.len().min(6) as u64);
    }
    hash_of(path)
}

// ---- digests ---------------------------------------------------------------------------------

const DIGEST_DICT: &[&str] = &[
    "SHA-256=",
    "sha-256=",
    "sha-256=:",
    "SHA-512=",
    "MD5=",
    "RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=",
    ":",
    ",",
    "=",
    "\n",
];

fn digest_seeds(_: &Fixtures) -> Vec<Vec<u8>> {
    texts(&[
        "SHA-256=RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=\n{}",
        "MD5=abc, SHA-256=RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=\n{}",
        "sha-256=:RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=:, sha-512=:AA==:\n{}",
        "sha-256=:::\n",
        "=\n\u{0}",
    ])
}

fn digest_generate(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let header = generate::params(
        u,
        &["SHA-256", "sha-256", "SHA-512", "MD5", " sha-256 "],
        &[
            "RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=",
            ":RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=:",
            "AA==",
            "::",
        ],
        ",",
    )?;
    let body: Vec<u8> = u.arbitrary()?;
    let mut out = header.replace('"', "").into_bytes();
    out.push(b'\n');
    out.extend(body);
    Ok(out)
}

fn digest_run(data: &[u8]) -> u64 {
    let (header, body) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let header = String::from_utf8_lossy(header);
    let cavage = digest::digest_matches(&header, body);
    let rfc = digest::content_digest_matches(&header, body);
    // Our own digest of the body always matches it, alone or after any other entries.
    let ours = digest::digest_header(body);
    assert!(
        digest::digest_matches(&ours, body),
        "{ours} does not match its body"
    );
    assert!(digest::digest_matches(&format!("{header},{ours}"), body));
    let value = ours
        .strip_prefix("SHA-256=")
        .unwrap_or_else(|| panic!("{ours}"));
    let content = format!("sha-256=:{value}:");
    assert!(digest::content_digest_matches(&content, body));
    assert!(digest::content_digest_matches(
        &format!("{header}, {content}"),
        body
    ));
    // A digest matches its own body only.
    if header != ours {
        let mut other = body.to_vec();
        other.push(b'x');
        assert!(!digest::digest_matches(&ours, &other));
    }
    hash_of((cavage, rfc))
}

// ---- inbound JSON ----------------------------------------------------------------------------

pub const JSON_KEYS: &[&str] = &[
    "@context",
    "id",
    "type",
    "actor",
    "object",
    "to",
    "cc",
    "bto",
    "audience",
    "inReplyTo",
    "content",
    "contentMap",
    "name",
    "summary",
    "sensitive",
    "published",
    "updated",
    "url",
    "replies",
    "attributedTo",
    "href",
    "first",
    "next",
    "items",
    "orderedItems",
    "tag",
    "attachment",
    "inbox",
    "endpoints",
    "sharedInbox",
    "publicKey",
    "publicKeyPem",
    "owner",
    "preferredUsername",
    "icon",
    "links",
    "rel",
    "template",
    "subject",
];

pub const JSON_STRINGS: &[&str] = &[
    "https://www.w3.org/ns/activitystreams#Public",
    "as:Public",
    "Public",
    "https://mastodon.example/users/ana",
    "https://mastodon.example/users/ana/statuses/1",
    "https://news.example/stories/council-budget",
    "https://mastodon.example/users/ana#main-key",
    "http://[::1]:8080/x",
    "https://xn--n3h.example/\u{2603}",
    "acct:ana@mastodon.example",
    "Create",
    "Update",
    "Delete",
    "Follow",
    "Undo",
    "Like",
    "Announce",
    "Flag",
    "Accept",
    "Note",
    "Article",
    "Page",
    "Question",
    "Person",
    "Tombstone",
    "Collection",
    "2026-11-25T10:00:00Z",
    "2026-11-25T10:00:00.123456789",
    "+262143-12-31T23:59:59Z",
    "9999-12-31T23:59:60+23:59",
    "0000-01-01T00:00:00-23:59",
    "<p>Hello <a href=\"javascript:alert(1)\" onclick=\"x\">there</a><script>x</script></p>",
    "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n",
    "",
    " ",
    "null",
    "{uri}",
    "javascript:alert(1)",
    "mailto:a@b",
    "//evil.example",
];

const JSON_DICT: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "null",
    "true",
    "-0",
    "1e999",
    "\\u0000",
    "\\ud800",
    "\"id\":",
    "\"type\":",
    "\"object\":",
    "\"actor\":",
    "\"to\":",
    "\"https://www.w3.org/ns/activitystreams#Public\"",
    "\"https://a.example/x\"",
];

fn inbound_seeds(f: &Fixtures) -> Vec<Vec<u8>> {
    let mut seeds = f.documents.clone();
    seeds.extend(texts(&[
        r#"{"id":"https://a.example/1","type":"Create","actor":"https://a.example/u","object":{"id":"https://a.example/n","type":"Note","attributedTo":{"id":"https://a.example/u"},"inReplyTo":["https://news.example/stories/s"],"contentMap":{"en":"<p>hi</p>"},"to":"as:Public","published":"2026-11-25T10:00:00Z","replies":{"id":"https://a.example/n/replies"}}}"#,
        r#"{"id":"https://a.example/1","type":"Like","actor":[{"href":"https://a.example/u"}],"object":"https://news.example/stories/s"}"#,
        r#"{"id":"https://a.example/u","type":"Person","inbox":"https://a.example/inbox","endpoints":"https://a.example/shared","publicKey":[{"id":"k","owner":"o","publicKeyPem":"x"}]}"#,
        "[]",
        "\"text\"",
        "{}",
    ]));
    seeds
}

fn inbound_generate(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let depth = u.int_in_range(1..=6)?;
    let value = generate::json(u, JSON_KEYS, JSON_STRINGS, depth)?;
    Ok(serde_json::to_vec(&value).unwrap_or_default())
}

fn inbound_run(data: &[u8]) -> u64 {
    // As the inbox reads a body.
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return 1;
    };
    let mut path = Vec::new();
    let activity = InboundActivity::parse(&value);
    path.push(outcome(&activity));
    if let Ok(activity) = &activity {
        assert!(!activity.object.is_null() || value.get("object").is_some_and(Value::is_null));
        path.push(object_path(&activity.object));
        let _ = inbound::ids_of(&activity.object);
    }
    path.push(object_path(&value));
    path.push(inbound::ids_of(&value["to"]).len().min(3) as u64);
    let actor = serde_json::from_value::<RemoteActor>(value.clone());
    if let Ok(actor) = &actor {
        let _ = actor.shared_inbox();
    }
    path.push(outcome(&actor));
    path.push(outcome(&serde_json::from_value::<KeyDocument>(
        value.clone(),
    )));
    hash_of(path)
}

fn object_path(value: &Value) -> u64 {
    let object = InboundObject::parse(value);
    let mut path = vec![outcome(&object)];
    if let Ok(object) = object {
        path.push(object.is_reply_type() as u64);
        path.push(object.replies_url().is_some() as u64);
        path.push(object.public as u64);
        path.push(object.published.is_some() as u64);
        // What a reply's page then shows of it.
        let html = sanitize::clean(&object.content);
        assert_safe_remote_html(&html);
        if let Some(summary) = &object.summary {
            let _ = sanitize::plain_text(summary);
        }
    }
    hash_of(path)
}

// ---- WebFinger -------------------------------------------------------------------------------

const WEBFINGER_DICT: &[&str] = &[
    "acct:",
    "@",
    "news.example",
    "https://news.example/",
    "https://news.example/@",
    ":",
    "/",
    "?",
    "#",
    "{uri}",
    "\"links\"",
    "\"rel\"",
    "\"template\"",
    "\"http://ostatus.org/schema/1.0/subscribe\"",
    "\u{0}",
    "\n",
    "%",
];

/// Input layout: a first byte choosing the part, the rest its text.
fn webfinger_seeds(f: &Fixtures) -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for handle in &f.handles {
        seeds.push([b"r", handle.as_bytes()].concat());
        seeds.push([b"h", handle.trim_start_matches("acct:").as_bytes()].concat());
    }
    for jrd in &f.jrd {
        seeds.push([b"j", jrd.as_slice()].concat());
    }
    seeds.extend(texts(&[
        "racct:news@news.example",
        "racct:ana_ruiz@news.example:8080",
        "rhttps://news.example/@news",
        "rnews",
        "h @ana@social.example ",
        "hana@127.0.0.1:3000",
        "h@@",
        r#"j{"subject":"acct:a@b","links":[{"rel":"self","href":"https://b/u/a"},{"rel":"http://ostatus.org/schema/1.0/subscribe","template":"https://b/authorize_interaction?uri={uri}"}]}"#,
        r#"j{"links":[{"rel":"http://ostatus.org/schema/1.0/subscribe","template":"{uri}"}]}"#,
    ]));
    seeds
}

fn webfinger_generate(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    Ok(match u.int_in_range(0..=2)? {
        0 => {
            let user = generate::word(u, &["news", "ana_ruiz", "", "a.b-c", "\u{e9}", "@"])?;
            let host = generate::word(
                u,
                &[
                    "news.example",
                    "news.example:8080",
                    "NEWS.example",
                    "",
                    "a@b",
                ],
            )?;
            let form = u.int_in_range(0..=2)?;
            match form {
                0 => format!("racct:{user}@{host}"),
                1 => format!("rhttps://news.example/@{user}"),
                _ => format!("h{user}@{host}"),
            }
            .into_bytes()
        }
        1 => {
            let template = generate::word(
                u,
                &[
                    "https://b.example/authorize_interaction?uri={uri}",
                    "{uri}",
                    "//x{uri}",
                    "",
                    "javascript:{uri}",
                ],
            )?;
            let rel = generate::word(u, &["http://ostatus.org/schema/1.0/subscribe", "self"])?;
            let links = vec![serde_json::json!({ "rel": rel, "template": template })];
            let mut doc = serde_json::json!({ "links": links });
            if u.arbitrary()? {
                doc["links"] =
                    generate::json(u, &["rel", "template", "href"], &[&rel, &template], 3)?;
            }
            [
                b"j".as_slice(),
                &serde_json::to_vec(&doc).unwrap_or_default(),
            ]
            .concat()
        }
        _ => {
            let text: String = u.arbitrary()?;
            [b"h", text.as_bytes()].concat()
        }
    })
}

fn webfinger_run(data: &[u8]) -> u64 {
    let Some((&kind, rest)) = data.split_first() else {
        return 0;
    };
    let text = String::from_utf8_lossy(rest);
    let uri: Url = "https://news.example/stories/council-budget?x=1&y=%20"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    match kind % 3 {
        0 => {
            let found = well_known::local_username(&text, "news.example", "https://news.example/");
            if let Ok(Some(name)) = &found {
                assert!(!name.is_empty() || text.starts_with("https://news.example/@"));
                assert!(!text.starts_with("acct:") || !name.contains('@'));
            }
            hash_of((
                0,
                outcome(&found),
                found.as_ref().map(Option::is_some).unwrap_or(false),
            ))
        }
        1 => {
            let handle = Handle::parse(&text);
            let mut path = vec![1, handle.is_some() as u64];
            if let Some(handle) = handle {
                assert!(!handle.user.is_empty() && !handle.server.is_empty());
                assert!(!handle.server.contains('@') && !handle.user.contains('@'));
                for dev in [false, true] {
                    let base = interaction_link::server_base(&handle, dev);
                    path.push(base.is_some() as u64);
                    if let Some(base) = base {
                        let webfinger = interaction_link::webfinger_url(&base, &handle);
                        if let Some(url) = &webfinger {
                            // The query names the handle, whatever it holds.
                            let resource = url
                                .query_pairs()
                                .find(|(k, _)| k == "resource")
                                .map(|(_, v)| v.into_owned());
                            assert_eq!(
                                resource,
                                Some(format!("acct:{}@{}", handle.user, handle.server))
                            );
                        }
                        let fallback = interaction_link::interaction_url(&base, None, &uri);
                        path.push(fallback.is_some() as u64);
                    }
                }
            }
            hash_of(path)
        }
        _ => {
            let Ok(jrd) = serde_json::from_slice::<Value>(rest) else {
                return 2;
            };
            let template = interaction_link::subscribe_template(&jrd);
            let base: Url = "https://social.example/"
                .parse()
                .unwrap_or_else(|e| panic!("{e}"));
            let url = interaction_link::interaction_url(&base, template.as_deref(), &uri);
            if template.is_none() {
                let fallback = url
                    .as_ref()
                    .unwrap_or_else(|| panic!("the fallback is always a URL"));
                assert_eq!(fallback.path(), "/authorize_interaction");
            }
            hash_of((2, template.is_some(), url.is_some()))
        }
    }
}

// ---- front matter ----------------------------------------------------------------------------

const FRONT_MATTER_DICT: &[&str] = &[
    "---\n",
    "\n---\n",
    "---\r\n",
    "\u{feff}",
    "title: ",
    "summary: ",
    "authors: ",
    "tags: ",
    "image: ",
    "image_alt: ",
    "slug: ",
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    "&a ",
    "*a",
    "!!binary ",
    "!!str",
    "|\n",
    ">-\n",
    "\"",
    "'",
    "#",
    "~",
    "null",
    "<<: ",
    "? ",
    "\t",
    "https://x/a.jpg",
    "/static/a.png",
    "javascript:alert(1)",
];

fn front_matter_seeds(f: &Fixtures) -> Vec<Vec<u8>> {
    let mut seeds = texts(&[
        "---\ntitle: Council approves the 2027 budget\nsummary: The vote came after nine hours.\nauthors: [Ana Ruiz, Bo Li]\ntags: [CityHall, Budget]\nimage: https://example.com/council.jpg\nimage_alt: The chamber\nslug: council-budget-2027\n---\nThe story, in *Markdown*.\n",
        "---\ntitle: Storm warning\nauthors: Ana Ruiz\n---\nWinds *rise*.\n",
        "\u{feff}---\r\ntitle: x\r\n---\r\nbody",
        "------\nno fields",
        "---\ntitle: &a [x, *a]\ntags: !!binary aGVsbG8=\n---\n",
        "---\nauthors:\n  - María José Núñez\n  - 速報\n---\n# Heading\n\nText",
        "---\ntitle: x\n---",
    ]);
    for prose in f.prose.iter().take(50) {
        seeds.push(
            format!(
                "---\ntitle: {}\n---\n{prose}",
                prose.lines().next().unwrap_or("")
            )
            .into_bytes(),
        );
    }
    seeds
}

fn front_matter_generate(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let mut out = String::from("---\n");
    for _ in 0..u.int_in_range(0..=8)? {
        let key = generate::word(
            u,
            &[
                "title",
                "summary",
                "authors",
                "tags",
                "image",
                "image_alt",
                "slug",
                "extra",
            ],
        )?;
        let value = match u.int_in_range(0..=3)? {
            0 => format!(
                "[{}, {}]",
                generate::word(u, &["Ana Ruiz", "Bo", ""])?,
                generate::word(u, &["x", "ü"])?
            ),
            1 => format!(
                "\n  - {}\n  - {}",
                generate::word(u, &["a", "b"])?,
                generate::word(u, &["c"])?
            ),
            _ => generate::word(
                u,
                &[
                    "Council budget",
                    "https://x.example/a.jpg",
                    "/static/a.png",
                    "a--b",
                    "-",
                    "null",
                    "~",
                    "123",
                ],
            )?,
        };
        out.push_str(&format!("{key}: {value}\n"));
    }
    out.push_str("---\n");
    let body: String = u.arbitrary()?;
    out.push_str(&body);
    Ok(out.into_bytes())
}

fn front_matter_run(data: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(data);
    let site: Url = "https://news.example/"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    let input = front_matter::parse(&text);
    let mut path = vec![input.is_ok() as u64];
    if let Ok(input) = input {
        if let Some(title) = &input.title
            && let Some(slug) = slug::from_title(title)
        {
            assert!(slug::is_valid(&slug), "{slug:?} from {title:?}");
        }
        for author in &input.authors {
            let username = username_from_name(author);
            assert!(is_valid_username(&username), "{username:?} from {author:?}");
        }
        path.push(input.authors.len().min(3) as u64);
        let draft = input.validate(&site);
        path.push(draft.is_ok() as u64);
        if let Ok(draft) = draft {
            assert_safe_story_html(&draft.content_html);
            assert!(draft.summary.chars().count() <= 500, "{:?}", draft.summary);
            if let Some(slug) = &draft.slug {
                assert!(slug::is_valid(slug));
            }
        }
    }
    hash_of(path)
}

// ---- Markdown --------------------------------------------------------------------------------

const MARKDOWN_DICT: &[&str] = &[
    "# ",
    "\n\n",
    "*",
    "**",
    "_",
    "`",
    "```\n",
    "~~",
    "[a](",
    ")",
    "![i](",
    "<",
    ">",
    "|",
    "|---|\n",
    "[^1]",
    "[^1]: ",
    "> ",
    "- ",
    "1. ",
    "    ",
    "\\",
    "&",
    "&#x0;",
    "<script>",
    "</script>",
    "<a href=\"javascript:alert(1)\">",
    "javascript:alert(1)",
    " onclick=\"x\"",
    "<img src=x onerror=y>",
    "<iframe>",
    "<!--",
    "-->",
    "<![CDATA[",
    "\"",
    "'",
    "--",
    "...",
];

fn markdown_seeds(f: &Fixtures) -> Vec<Vec<u8>> {
    let mut seeds = texts(&[
        "# Title\n\nSome *text* <script>alert(1)</script> <a href=\"javascript:x\" onclick=\"y\">l</a>\n\n<iframe src=\"//x\"></iframe>",
        "| a | b |\n|---|---|\n| [x](javascript:alert(1)) | ![i](data:text/html,x) |\n\nA note[^1].\n\n[^1]: The note.",
        "> quote\n> > nested\n\n1. one\n2. two\n   - three\n\n```html\n<script>x</script>\n```\n",
        "[link](<java\tscript:x>) [l2](  JAVASCRIPT:x ) <https://ok.example> <javascript:x>",
        "\"Smart\" -- quotes... 'here'",
    ]);
    seeds.extend(f.prose.iter().take(100).map(|s| s.as_bytes().to_vec()));
    seeds.extend(f.html.iter().take(100).map(|s| s.as_bytes().to_vec()));
    seeds
}

fn markdown_generate(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let mut out = String::new();
    for _ in 0..u.int_in_range(1..=12)? {
        out.push_str(&generate::word(u, MARKDOWN_DICT)?);
        if u.ratio(1, 3)? {
            out.push_str(&generate::markup(
                u,
                &HTML_TAGS,
                HTML_ATTRS,
                HTML_VALUES,
                3,
            )?);
        }
    }
    Ok(out.into_bytes())
}

fn markdown_run(data: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(data);
    let html = markdown::render(&text);
    assert_safe_story_html(&html);
    let teaser = markdown::first_paragraph_text(&text);
    let max = 1 + data.first().copied().unwrap_or(0) as usize;
    let cut = markdown::truncate_words(&teaser, max);
    assert!(cut.chars().count() <= max, "{cut:?} is longer than {max}");
    hash_of((
        html.is_empty(),
        teaser.is_empty(),
        cut.len() == teaser.len(),
    ))
}

/// What a story page may carry: no scripts, no handlers, no script URLs.
fn assert_safe_story_html(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "a script survived: {html}");
    for tag in html_check::start_tags(html) {
        assert!(
            !matches!(
                tag.name.as_str(),
                "script" | "style" | "iframe" | "object" | "embed" | "form" | "svg" | "math"
            ),
            "<{}> survived: {html}",
            tag.name
        );
        for (name, value) in &tag.attrs {
            assert!(!name.starts_with("on"), "handler {name} survived: {html}");
            assert!(name != "style", "style survived: {html}");
            if html_check::is_url_attribute(name)
                && let Some(scheme) = html_check::scheme(value)
            {
                assert!(
                    !matches!(scheme.as_str(), "javascript" | "vbscript" | "data" | "file"),
                    "{name}={value:?} survived: {html}"
                );
            }
        }
    }
}

// ---- the sanitiser ---------------------------------------------------------------------------

/// Elements the generator writes besides the allowed ones: the hostile and the odd.
const OTHER_TAGS: &[&str] = &[
    "script",
    "style",
    "img",
    "iframe",
    "svg",
    "math",
    "table",
    "td",
    "tr",
    "form",
    "input",
    "template",
    "noscript",
    "textarea",
    "title",
    "xmp",
    "plaintext",
    "select",
    "option",
    "object",
    "base",
    "meta",
    "html",
    "body",
    "head",
    "frameset",
    "h1",
    "div",
    "A",
    "SCRIPT",
    "a/",
    "!--",
    "![CDATA[",
    "?xml",
];

/// Every element the generator may write: the cleaner's own first.
static HTML_TAGS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    broadsheet::domain::reply::sanitize::ELEMENTS
        .into_iter()
        .chain(OTHER_TAGS.iter().copied())
        .collect()
});
const HTML_ATTRS: &[&str] = &[
    "href",
    "class",
    "rel",
    "start",
    "reversed",
    "value",
    "src",
    "onclick",
    "onerror",
    "ONLOAD",
    "style",
    "xlink:href",
    "formaction",
    "action",
    "srcdoc",
    "target",
    "id",
    "data-x",
    "/",
];
const HTML_VALUES: &[&str] = &[
    "https://m.example/@a",
    "http://x",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:x",
    "&#106;avascript:x",
    "&#x6A;avascript:x",
    "data:text/html,<script>x</script>",
    "vbscript:x",
    "//evil.example",
    "/relative",
    "mention",
    "u-url mention",
    "h-card",
    "invisible",
    "evil",
    "1",
    "-5",
    "99999999999999999999",
    "\"",
    "'",
    ">",
    "<",
    "&",
    "&amp;",
    "&nbsp;",
    "\u{0}",
    "\u{feff}",
    "alert(1)",
    "</script>",
];
const HTML_DICT: &[&str] = &[
    "<",
    ">",
    "</",
    "/>",
    "\"",
    "'",
    "=",
    "&",
    "&amp;",
    "&#",
    "&#x",
    ";",
    "<!--",
    "-->",
    "<script>",
    "</script>",
    "<a href=\"",
    "\">",
    "</a>",
    "javascript:",
    " onclick=",
    "<p>",
    "</p>",
    "<li>",
    "<ol start=\"",
    "<span class=\"",
    "<table><td>",
    "<svg><style>",
    "<math><mi>",
    "<template>",
    "<noscript>",
    "<textarea>",
    "<plaintext>",
    "<![CDATA[",
    "]]>",
    "\u{0}",
    "\r\n",
];

fn sanitize_seeds(f: &Fixtures) -> Vec<Vec<u8>> {
    let mut seeds = texts(&[
        r#"<p onclick="x()">Hi <a href="https://m.example/@a" class="u-url mention evil">@a</a> <img src="https://t.example/p.gif"><script>alert(1)</script><style>p{}</style><iframe src="https://x"></iframe><a href="javascript:alert(1)">js</a> <b style="color:red">bold</b></p>"#,
        "<a href=\"https://x/\"><table><td><a href=\"https://y/\">nested</a></td></table></a>",
        "<p>one<table><td><p>two</p></td></table></p>",
        "<ol start=\"3\" reversed><li value=\"7\">x<li>y</ol>",
        "<svg><style><img src=x onerror=alert(1)></style></svg><math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<a href=\" &#x6A;avascript:alert(1)\">x</a><a href=\"java&#9;script:x\">y</a>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
        "<span class=\"h-card\"><a class=\"u-url mention\" href=\"https://a\">@<span>a</span></a></span>",
    ]);
    seeds.extend(f.html.iter().map(|s| s.as_bytes().to_vec()));
    seeds
}

fn sanitize_generate(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    Ok(generate::markup(u, &HTML_TAGS, HTML_ATTRS, HTML_VALUES, 5)?.into_bytes())
}

fn sanitize_run(data: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(data);
    let html = sanitize::clean(&text);
    assert_safe_remote_html(&html);
    let again = sanitize::clean(&html);
    assert_eq!(again, html, "cleaning twice changes the output of {text:?}");
    let plain = sanitize::plain_text(&text);
    hash_of((
        html.is_empty(),
        html.len() == text.len(),
        plain.is_empty(),
        html.matches('<').count().min(8),
    ))
}

/// Tags and attributes in the sanitiser's allow-list only, links with http(s) or no scheme.
fn assert_safe_remote_html(html: &str) {
    assert_safe_story_html(html);
    for tag in html_check::start_tags(html) {
        let allowed: &[&str] = match tag.name.as_str() {
            "a" => &["href", "class", "rel"],
            "ol" => &["start", "reversed"],
            "li" => &["value"],
            "span" => &["class"],
            "p" | "br" | "del" | "s" | "pre" | "code" | "em" | "strong" | "b" | "i" | "u"
            | "ul" | "blockquote" => &[],
            other => panic!("<{other}> is not in the allow-list: {html}"),
        };
        for (name, value) in &tag.attrs {
            assert!(
                allowed.contains(&name.as_str()),
                "<{} {name}> survived: {html}",
                tag.name
            );
            match name.as_str() {
                "href" => {
                    if let Some(scheme) = html_check::scheme(value) {
                        assert!(
                            matches!(scheme.as_str(), "http" | "https"),
                            "href={value:?} survived: {html}"
                        );
                    }
                }
                "rel" => assert_eq!(value, "nofollow noopener ugc"),
                "class" => {
                    let classes: &[&str] = if tag.name == "a" {
                        &["mention", "hashtag", "u-url", "status-link"]
                    } else {
                        &["h-card", "invisible", "ellipsis"]
                    };
                    for class in value.split_ascii_whitespace() {
                        assert!(classes.contains(&class), "class {class:?} survived: {html}");
                    }
                }
                _ => {}
            }
        }
    }
}
