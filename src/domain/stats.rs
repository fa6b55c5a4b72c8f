//! The newsroom's numbers for the dashboard and `GET /api/v1/stats`: followers over time,
//! what came in per day, the stories with the most conversation this week, and delivery health.
//! Every figure is counted by the database (grouped by day), never by loading rows.
//!
//! Followers on a past day: the count now, minus the follows begun after that day, plus those
//! that ended after it. Follows standing carry their start (`followers.created_at`); ended ones
//! are kept with their start and end (`follower_departures`), so the history is exact from the
//! day departures were first recorded, with no daily job to miss a day.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::{
    error::AppError,
    storage::{
        days::DayCount, deliveries, follower_departures, followers, hosts, interactions, quotes,
        replies, stories,
    },
};

/// Days in each series, today included.
pub const DAYS: i64 = 30;
/// Stories listed under "most conversation".
const TOP_STORIES: u64 = 5;

/// One day's figure.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Point {
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopStory {
    pub slug: String,
    pub title: String,
    pub url: String,
    /// Replies received in the last seven days.
    pub replies: i64,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct DeliveryHealth {
    pub pending: i64,
    pub delivered: i64,
    pub failed: i64,
    pub expired: i64,
    pub dead_hosts: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// The publication's followers at the end of each day.
    pub followers: Vec<Point>,
    pub followers_now: u64,
    /// Replies received from other servers per day.
    pub replies: Vec<Point>,
    pub likes: Vec<Point>,
    pub boosts: Vec<Point>,
    pub quotes: Vec<Point>,
    pub top_stories: Vec<TopStory>,
    pub deliveries: DeliveryHealth,
}

/// Everything the dashboard shows, for the publication (actor `publication_id`).
pub async fn gather(db: &impl ConnectionTrait, publication_id: i64) -> Result<Stats, AppError> {
    let days = window(Utc::now().date_naive());
    let since = days[0]
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or_else(Utc::now);
    Ok(Stats {
        followers: followers_over(db, publication_id, &days, since).await?,
        followers_now: followers::count(db, publication_id).await?,
        replies: fill(&days, replies::received_per_day(db, since).await?),
        likes: fill(&days, interactions::per_day(db, "like", since).await?),
        boosts: fill(&days, interactions::per_day(db, "announce", since).await?),
        quotes: fill(&days, quotes::per_day(db, since).await?),
        top_stories: top_stories(db).await?,
        deliveries: delivery_health(db).await?,
    })
}

/// The last [`DAYS`] days up to `today`, oldest first.
fn window(today: NaiveDate) -> Vec<NaiveDate> {
    (0..DAYS)
        .rev()
        .map(|back| today - Duration::days(back))
        .collect()
}

/// One point per day of `days`, zero where the database counted nothing.
fn fill(days: &[NaiveDate], counted: Vec<DayCount>) -> Vec<Point> {
    let by_day: HashMap<String, i64> = counted.into_iter().map(|c| (c.day, c.count)).collect();
    days.iter()
        .map(|d| {
            let day = d.format("%Y-%m-%d").to_string();
            let count = by_day.get(&day).copied().unwrap_or(0);
            Point { day, count }
        })
        .collect()
}

async fn followers_over(
    db: &impl ConnectionTrait,
    actor_id: i64,
    days: &[NaiveDate],
    since: chrono::DateTime<Utc>,
) -> Result<Vec<Point>, AppError> {
    let now = i64::try_from(followers::count(db, actor_id).await?).unwrap_or(i64::MAX);
    let standing = fill(days, followers::started_per_day(db, actor_id, since).await?);
    let ended = fill(
        days,
        follower_departures::followed_per_day(db, actor_id, since).await?,
    );
    let left = fill(
        days,
        follower_departures::left_per_day(db, actor_id, since).await?,
    );
    Ok(walk_back(now, &standing, &ended, &left))
}

/// The count at the end of each day, walking back from `now`: a day's end is the next day's
/// end minus the follows begun and plus those ended on that next day.
fn walk_back(now: i64, standing: &[Point], ended: &[Point], left: &[Point]) -> Vec<Point> {
    let mut count = now;
    let mut points = vec![
        Point {
            day: String::new(),
            count: 0
        };
        standing.len()
    ];
    for i in (0..standing.len()).rev() {
        points[i] = Point {
            day: standing[i].day.clone(),
            count: count.max(0),
        };
        count = count - standing[i].count - ended[i].count + left[i].count;
    }
    points
}

async fn top_stories(db: &impl ConnectionTrait) -> Result<Vec<TopStory>, AppError> {
    let week = Utc::now() - Duration::days(7);
    let mut top = Vec::new();
    for counted in replies::most_replied_since(db, week, TOP_STORIES).await? {
        if let Some(story) = stories::find_by_id(db, counted.story_id).await? {
            top.push(TopStory {
                slug: story.slug,
                title: story.title,
                url: story.ap_id,
                replies: counted.replies,
            });
        }
    }
    Ok(top)
}

async fn delivery_health(db: &impl ConnectionTrait) -> Result<DeliveryHealth, AppError> {
    let mut health = DeliveryHealth {
        dead_hosts: hosts::count_dead(db).await?,
        ..Default::default()
    };
    for state in deliveries::count_by_state(db).await? {
        match state.state.as_str() {
            deliveries::PENDING => health.pending = state.count,
            deliveries::DELIVERED => health.delivered = state.count,
            deliveries::FAILED => health.failed = state.count,
            deliveries::EXPIRED => health.expired = state.count,
            _ => {}
        }
    }
    Ok(health)
}

#[cfg(test)]
mod tests {
    use super::{Point, walk_back};

    fn series(counts: &[i64]) -> Vec<Point> {
        counts
            .iter()
            .enumerate()
            .map(|(i, &count)| Point {
                day: format!("d{i}"),
                count,
            })
            .collect()
    }

    #[test]
    fn past_follower_counts_undo_later_follows_and_departures() {
        // Day 0: 3 followers. Day 1: +2 (one of whom leaves on day 2). Day 2: one leaves.
        let standing = series(&[0, 1, 0]);
        let ended = series(&[0, 1, 0]);
        let left = series(&[0, 0, 1]);
        let counts: Vec<i64> = walk_back(4, &standing, &ended, &left)
            .iter()
            .map(|p| p.count)
            .collect();
        assert_eq!(counts, vec![3, 5, 4]);
    }
}
