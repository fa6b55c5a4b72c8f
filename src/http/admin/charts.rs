//! Charts drawn on the server as inline SVG: readable without script, each with a `<title>` for
//! screen readers and a `<title>` per bar or point (its day and figure), with the axis labelled
//! in text. Only presentation attributes and classes (the CSP forbids inline style): the
//! colours are in `static/style.css`.

use maud::{Markup, html};

use crate::domain::stats::Point;

const WIDTH: f64 = 300.0;
const HEIGHT: f64 = 100.0;
/// Room under the plot for the first and last day.
const FOOT: f64 = 14.0;
/// Room left of the plot for the largest figure.
const LEFT: f64 = 24.0;

/// The coordinates of the plot: a column per day, scaled to the largest figure.
struct Scale {
    column: f64,
    max: i64,
}

impl Scale {
    fn of(series: &[Point]) -> Scale {
        Scale {
            column: (WIDTH - LEFT) / series.len().max(1) as f64,
            max: series.iter().map(|p| p.count).max().unwrap_or(0).max(1),
        }
    }

    fn y(&self, count: i64) -> f64 {
        HEIGHT - (count.max(0) as f64 / self.max as f64) * HEIGHT
    }

    fn x(&self, index: usize) -> f64 {
        LEFT + index as f64 * self.column
    }
}

/// A bar per day.
pub fn bars(id: &str, title: &str, series: &[Point]) -> Markup {
    let scale = Scale::of(series);
    let total: i64 = series.iter().map(|p| p.count).sum();
    html! {
        figure class="chart" {
            svg class="chart-svg bars" role="img" aria-labelledby=(format!("{id}-title"))
                viewBox=(view_box()) xmlns="http://www.w3.org/2000/svg" {
                title id=(format!("{id}-title")) { (title) ": " (total) " in " (series.len()) " days" }
                (axis(&scale, series))
                @for (i, p) in series.iter().enumerate() {
                    rect class="bar" x=(fmt(scale.x(i) + 1.0)) y=(fmt(scale.y(p.count)))
                        width=(fmt((scale.column - 2.0).max(1.0)))
                        height=(fmt(HEIGHT - scale.y(p.count))) {
                        title { (p.day) ": " (p.count) }
                    }
                }
            }
            figcaption { (title) " · " (total) " in " (series.len()) " days" }
        }
    }
}

/// A line through a point per day.
pub fn line(id: &str, title: &str, series: &[Point]) -> Markup {
    let scale = Scale::of(series);
    let centre = |i: usize| scale.x(i) + scale.column / 2.0;
    let points: Vec<String> = series
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{},{}", fmt(centre(i)), fmt(scale.y(p.count))))
        .collect();
    let last = series.last().map(|p| p.count).unwrap_or(0);
    html! {
        figure class="chart" {
            svg class="chart-svg line" role="img" aria-labelledby=(format!("{id}-title"))
                viewBox=(view_box()) xmlns="http://www.w3.org/2000/svg" {
                title id=(format!("{id}-title")) { (title) ": " (last) " today" }
                (axis(&scale, series))
                polyline class="trend" points=(points.join(" ")) fill="none" {}
                @for (i, p) in series.iter().enumerate() {
                    circle class="point" cx=(fmt(centre(i))) cy=(fmt(scale.y(p.count))) r="2" {
                        title { (p.day) ": " (p.count) }
                    }
                }
            }
            figcaption { (title) " · " (last) " today" }
        }
    }
}

fn view_box() -> String {
    format!("0 0 {WIDTH} {}", HEIGHT + FOOT)
}

/// The base line, the largest figure, and the first and last day, in text.
fn axis(scale: &Scale, series: &[Point]) -> Markup {
    let first = series.first().map(|p| p.day.as_str()).unwrap_or_default();
    let last = series.last().map(|p| p.day.as_str()).unwrap_or_default();
    html! {
        g class="axis" {
            line x1=(fmt(LEFT)) y1=(fmt(HEIGHT)) x2=(fmt(WIDTH)) y2=(fmt(HEIGHT)) {}
            text x="0" y="8" { (scale.max) }
            text x="0" y=(fmt(HEIGHT)) { "0" }
            text x=(fmt(LEFT)) y=(fmt(HEIGHT + FOOT - 2.0)) { (first) }
            text x=(fmt(WIDTH)) y=(fmt(HEIGHT + FOOT - 2.0)) text-anchor="end" { (last) }
        }
    }
}

/// Coordinates to one decimal: enough for a 300-wide box, and short.
fn fmt(value: f64) -> String {
    format!("{value:.1}")
}

#[cfg(test)]
mod tests {
    use super::{bars, line};
    use crate::domain::stats::Point;

    fn series() -> Vec<Point> {
        (0..30)
            .map(|i| Point {
                day: format!("2026-11-{:02}", i + 1),
                count: i % 4,
            })
            .collect()
    }

    #[test]
    fn one_bar_or_point_per_day_each_with_its_figure() {
        let drawn = bars("replies", "Replies per day", &series()).into_string();
        assert_eq!(drawn.matches("<rect class=\"bar\"").count(), 30);
        assert!(drawn.contains("<title>2026-11-04: 3</title>"));
        assert!(!drawn.contains("style="));
        let drawn = line("followers", "Followers", &series()).into_string();
        assert_eq!(drawn.matches("<circle class=\"point\"").count(), 30);
    }
}
