//! A reply's attachments: images and videos in a grid sized by how many there are, audio
//! players, and other files as links. Media load from our own origin through the media proxy
//! (never from the remote server), and only when shown: images lazily, video and audio on play.
//!
//! The page allows no inline style, so the focal point is a pair of classes (`fx-N`, `fy-N`,
//! quarters from left and from top) that static CSS turns into `object-position`. The blurhash
//! is not drawn; the image's width and height reserve its place while it loads.

use maud::{Markup, html};

use crate::{
    domain::reply::presentation::{Attachment, MediaKind},
    http::{media::proxied, views::safe_href},
    state::AppState,
};

/// More than this many images or videos share the four cells of a two-by-two grid.
const GRID_CELLS: usize = 4;

pub fn attachments(state: &AppState, all: &[Attachment]) -> Markup {
    let visual: Vec<&Attachment> = all
        .iter()
        .filter(|a| matches!(a.kind, MediaKind::Image | MediaKind::Video))
        .collect();
    let count = visual.len().min(GRID_CELLS);
    html! {
        @if !visual.is_empty() {
            div class={ "media media-" (count) } {
                @for attachment in &visual { (visual_item(state, attachment)) }
            }
        }
        @for attachment in all.iter().filter(|a| a.kind == MediaKind::Audio) {
            (audio(state, attachment))
        }
        @let files: Vec<&Attachment> = all.iter().filter(|a| a.kind == MediaKind::Other).collect();
        @if !files.is_empty() {
            ul class="files" {
                @for file in files { li { (file_link(file)) } }
            }
        }
    }
}

fn visual_item(state: &AppState, attachment: &Attachment) -> Markup {
    let src = proxied(state, &attachment.url);
    let description = attachment.description.as_deref().unwrap_or_default();
    html! {
        @if attachment.kind == MediaKind::Video {
            video controls preload="none" playsinline src=(src)
                width=[attachment.width] height=[attachment.height]
                aria-label=[attachment.description.as_deref()] title=[attachment.description.as_deref()] {
                a href=(src) { "Download the video" }
            }
        } @else {
            // The full image, for the reader who wants more than the grid's crop.
            a class="media-item" href=(src) {
                img src=(src) alt=(description) loading="lazy" decoding="async"
                    width=[attachment.width] height=[attachment.height]
                    class=[focus(attachment.focal_point)];
            }
        }
    }
}

fn audio(state: &AppState, attachment: &Attachment) -> Markup {
    let src = proxied(state, &attachment.url);
    html! {
        figure class="audio" {
            audio controls preload="none" src=(src) aria-label=[attachment.description.as_deref()] {
                a href=(src) { "Download the audio" }
            }
            @if let Some(description) = &attachment.description {
                figcaption { (description) }
            }
        }
    }
}

/// Another kind of file: a link to it on its server, by its description or file name. Links
/// load nothing into the page, so they need not go through the proxy (which serves media only).
fn file_link(attachment: &Attachment) -> Markup {
    let name = attachment
        .description
        .clone()
        .filter(|d| !d.trim().is_empty())
        .or_else(|| {
            let segment = attachment.url.path_segments()?.next_back()?;
            (!segment.is_empty()).then(|| segment.to_string())
        })
        .unwrap_or_else(|| "Attachment".to_string());
    html! {
        @if let Some(href) = safe_href(attachment.url.as_str()) {
            a href=(href) rel="nofollow noopener ugc" { (name) }
        } @else {
            (name)
        }
    }
}

/// The focal point as classes: each coordinate (-1 to 1, y upwards) rounded to a quarter.
fn focus(point: Option<(f32, f32)>) -> Option<String> {
    let (x, y) = point?;
    if !x.is_finite() || !y.is_finite() {
        return None;
    }
    let quarter = |share: f32| (share.clamp(0.0, 1.0) * 4.0).round() as u8;
    Some(format!(
        "fx-{} fy-{}",
        quarter((x + 1.0) / 2.0),
        quarter((1.0 - y) / 2.0)
    ))
}

#[cfg(test)]
mod tests {
    use super::focus;

    #[test]
    fn focal_points_become_quarters_from_left_and_top() {
        assert_eq!(focus(Some((0.0, 0.0))).as_deref(), Some("fx-2 fy-2"));
        assert_eq!(focus(Some((-1.0, 1.0))).as_deref(), Some("fx-0 fy-0"));
        assert_eq!(focus(Some((0.6, -0.9))).as_deref(), Some("fx-3 fy-4"));
        assert_eq!(focus(Some((9.0, f32::NAN))), None);
        assert_eq!(focus(None), None);
    }
}
