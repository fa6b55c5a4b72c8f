//! Prometheus metrics: counters that move as the server works, and gauges read from the
//! database when scraped (queue depth, oldest due delivery, dead hosts), so every replica
//! reports the shared queue the same way.

use prometheus_client::{
    encoding::text::encode,
    metrics::{
        counter::Counter,
        family::Family,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};

type Outcomes = Family<Vec<(&'static str, &'static str)>, Counter>;

pub struct Metrics {
    registry: Registry,
    inbox: Outcomes,
    deliveries: Outcomes,
    fetches: Outcomes,
    story_page: Histogram,
}

/// The database-backed figures, read at scrape time.
pub struct QueueSnapshot {
    pub pending: u64,
    pub oldest_due_seconds: f64,
    pub dead_hosts: u64,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("broadsheet");
        let inbox = Outcomes::default();
        let deliveries = Outcomes::default();
        let fetches = Outcomes::default();
        // 0.5 ms to ~1 s.
        let story_page = Histogram::new(exponential_buckets(0.0005, 2.0, 12));
        registry.register("inbox_requests", "Inbox requests by outcome", inbox.clone());
        registry.register(
            "deliveries",
            "Delivery attempts by outcome",
            deliveries.clone(),
        );
        registry.register(
            "remote_fetches",
            "Signed fetches of remote documents by outcome",
            fetches.clone(),
        );
        registry.register(
            "story_page_seconds",
            "Time to render a story page with its thread",
            story_page.clone(),
        );
        Metrics {
            registry,
            inbox,
            deliveries,
            fetches,
            story_page,
        }
    }

    pub fn inbox(&self, outcome: &'static str) {
        self.inbox.get_or_create(&vec![("outcome", outcome)]).inc();
    }

    pub fn delivery(&self, outcome: &'static str) {
        self.deliveries
            .get_or_create(&vec![("outcome", outcome)])
            .inc();
    }

    pub fn fetch(&self, ok: bool) {
        let outcome = if ok { "ok" } else { "error" };
        self.fetches
            .get_or_create(&vec![("outcome", outcome)])
            .inc();
    }

    pub fn story_page(&self, seconds: f64) {
        self.story_page.observe(seconds);
    }

    /// The text exposition, with the queue gauges appended.
    pub fn render(&self, queue: &QueueSnapshot) -> String {
        let mut text = String::new();
        if encode(&mut text, &self.registry).is_err() {
            return String::new();
        }
        // `encode` ends with `# EOF`; the gauges go before it.
        let body = text.trim_end().trim_end_matches("# EOF").to_string();
        format!(
            "{body}# HELP broadsheet_delivery_queue_depth Deliveries waiting to be sent.\n\
             # TYPE broadsheet_delivery_queue_depth gauge\n\
             broadsheet_delivery_queue_depth {}\n\
             # HELP broadsheet_delivery_oldest_due_seconds Age of the oldest delivery that is due.\n\
             # TYPE broadsheet_delivery_oldest_due_seconds gauge\n\
             broadsheet_delivery_oldest_due_seconds {}\n\
             # HELP broadsheet_dead_hosts Hosts skipped until they write to us.\n\
             # TYPE broadsheet_dead_hosts gauge\n\
             broadsheet_dead_hosts {}\n\
             # EOF\n",
            queue.pending, queue.oldest_due_seconds, queue.dead_hosts
        )
    }
}
