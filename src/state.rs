//! The state every handler shares, carried as activitypub_federation's `Data<AppState>` so the
//! web, API and federation code all see one object.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{config::Settings, domain::ids::Urls};

#[derive(Clone)]
pub struct AppState {
    /// The connection pool; cloning shares it.
    pub db: DatabaseConnection,
    /// Settings as resolved at start; never reloaded while running.
    pub settings: Arc<Settings>,
    /// Builds every URL we mint, from `settings.public_url`.
    pub urls: Urls,
}

impl AppState {
    pub fn new(db: DatabaseConnection, settings: Settings) -> Self {
        AppState {
            urls: Urls::new(&settings.public_url),
            settings: Arc::new(settings),
            db,
        }
    }

    /// The wire-format context for stories.
    pub fn site(&self) -> crate::federation::objects::story::Site<'_> {
        crate::federation::objects::story::Site {
            urls: &self.urls,
            settings: &self.settings,
        }
    }
}
