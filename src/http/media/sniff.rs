//! What a file is, by its first bytes. A remote server's `Content-Type` is a claim; the bytes
//! decide, so an HTML page (or a script) served as `image/png` never reaches a reader from our
//! origin. Only formats browsers show in `<img>`, `<video>` and `<audio>` pass; SVG does not
//! (it is a document that can run script).

/// The media type of `head` (a file's first bytes), when it is an image, video or audio file
/// we serve.
pub fn media_type(head: &[u8]) -> Option<&'static str> {
    image(head)
        .or_else(|| iso_media(head))
        .or_else(|| riff(head))
        .or_else(|| matroska(head))
        .or_else(|| ogg(head))
        .or_else(|| audio(head))
}

/// Every type [`media_type`] answers, so a stored type can be matched back to it.
const KNOWN: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
    "video/mp4",
    "video/quicktime",
    "video/webm",
    "video/x-matroska",
    "video/ogg",
    "audio/mp4",
    "audio/wav",
    "audio/ogg",
    "audio/mpeg",
    "audio/aac",
    "audio/flac",
];

/// `text` as one of the types we serve, or `None`.
pub fn known(text: &str) -> Option<&'static str> {
    KNOWN.iter().copied().find(|known| *known == text)
}

fn image(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if head.starts_with(b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some("image/gif")
    } else {
        None
    }
}

/// ISO base media files (MP4, MOV, AVIF, M4A) open with an `ftyp` box naming their brand.
fn iso_media(head: &[u8]) -> Option<&'static str> {
    if head.len() < 12 || &head[4..8] != b"ftyp" {
        return None;
    }
    Some(match &head[8..12] {
        b"avif" | b"avis" => "image/avif",
        b"qt  " => "video/quicktime",
        b"M4A " | b"M4B " => "audio/mp4",
        _ => "video/mp4",
    })
}

fn riff(head: &[u8]) -> Option<&'static str> {
    if head.len() < 12 || !head.starts_with(b"RIFF") {
        return None;
    }
    match &head[8..12] {
        b"WEBP" => Some("image/webp"),
        b"WAVE" => Some("audio/wav"),
        _ => None,
    }
}

/// Matroska's EBML header; WebM is Matroska with the `webm` doctype near the start.
fn matroska(head: &[u8]) -> Option<&'static str> {
    if !head.starts_with(b"\x1a\x45\xdf\xa3") {
        return None;
    }
    let start = &head[..head.len().min(64)];
    if start.windows(4).any(|w| w == b"webm") {
        Some("video/webm")
    } else {
        Some("video/x-matroska")
    }
}

fn ogg(head: &[u8]) -> Option<&'static str> {
    if !head.starts_with(b"OggS") {
        return None;
    }
    let start = &head[..head.len().min(64)];
    if start.windows(7).any(|w| w == b"\x80theora") {
        Some("video/ogg")
    } else {
        Some("audio/ogg")
    }
}

fn audio(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"fLaC") {
        return Some("audio/flac");
    }
    if head.starts_with(b"ID3") {
        return Some("audio/mpeg");
    }
    match head {
        // An MPEG audio frame: 11 sync bits, then a layer that is not "reserved" (00);
        // layer 00 with the sync is AAC's ADTS header.
        [0xff, b, ..] if b & 0xe0 == 0xe0 && b & 0x06 != 0 => Some("audio/mpeg"),
        [0xff, b, ..] if b & 0xf6 == 0xf0 => Some("audio/aac"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::media_type;

    #[test]
    fn formats_are_known_by_their_bytes() {
        let cases: &[(&[u8], &str)] = &[
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "image/png"),
            (b"\xff\xd8\xff\xe0\0\x10JFIF", "image/jpeg"),
            (b"GIF89a\x01\0\x01\0", "image/gif"),
            (b"RIFF\x24\0\0\0WEBPVP8 ", "image/webp"),
            (b"\0\0\0\x1cftypavif\0\0\0\0", "image/avif"),
            (b"\0\0\0\x18ftypisom\0\0\x02\0", "video/mp4"),
            (b"\0\0\0\x14ftypqt  \0\0\0\0", "video/quicktime"),
            (b"\0\0\0\x20ftypM4A \0\0\0\0", "audio/mp4"),
            (
                b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm",
                "video/webm",
            ),
            (
                b"\x1a\x45\xdf\xa3\x9f\x42\x82\x88matroska",
                "video/x-matroska",
            ),
            (b"OggS\0\x02\0\0\0\0\0\0\0\0\x01\x1e\x01vorbis", "audio/ogg"),
            (b"ID3\x04\0\0\0\0\0\0", "audio/mpeg"),
            (b"\xff\xfb\x90\x64\0", "audio/mpeg"),
            (b"\xff\xf1\x50\x80", "audio/aac"),
            (b"RIFF\x24\0\0\0WAVEfmt ", "audio/wav"),
            (b"fLaC\0\0\0\x22", "audio/flac"),
        ];
        for (bytes, expected) in cases {
            assert_eq!(media_type(bytes), Some(*expected), "{expected}");
            assert_eq!(super::known(expected), Some(*expected));
        }
    }

    #[test]
    fn documents_and_scripts_are_not_media() {
        for bytes in [
            &b"<!doctype html><html><script>alert(1)</script>"[..],
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            b"<?xml version=\"1.0\"?><svg/>",
            b"%PDF-1.7",
            b"{\"id\": \"x\"}",
            b"RIFF\x24\0\0\0AVI LIST",
            b"\x89PN",
            b"",
        ] {
            assert_eq!(
                media_type(bytes),
                None,
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}
