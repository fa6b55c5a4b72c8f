//! The JSON API under `/api/v1`, for a newsroom's CMS and scripts. Every route needs a bearer
//! token (`broadsheet token create NAME`): the check is a layer on the whole router, so a route
//! cannot be added without it.

mod auth;
mod desk;
mod feeds;
mod json;
mod moderation;
mod quotes;
mod replies;
mod stats;
mod stories;
mod webhooks;

use axum::{
    Router,
    extract::Request,
    handler::Handler,
    http::Method,
    middleware::{self, Next},
    response::Response,
    routing::{MethodFilter, MethodRouter, on},
};

pub use auth::{ApiEditor, ApiToken};
pub use json::{ApiJson, Reason};

/// Where the API is mounted.
pub const PREFIX: &str = "/api/v1";

/// One API route: its method, its path below [`PREFIX`], and the handler that answers it.
pub struct Route {
    method: Method,
    path: &'static str,
    endpoint: MethodRouter,
}

impl Route {
    fn new<H, T>(method: Method, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, ()>,
        T: 'static,
    {
        let endpoint = match MethodFilter::try_from(method.clone()) {
            Ok(filter) => on(filter, handler),
            // Only the standard methods can be routed, and the tables name no other.
            Err(unroutable) => panic!("API route {path}: {unroutable}"),
        };
        Route {
            method,
            path,
            endpoint,
        }
    }
}

/// Every API route, the one list the router is built from.
fn table() -> impl Iterator<Item = Route> {
    stories::routes()
        .into_iter()
        .chain(moderation::routes())
        .chain(quotes::routes())
        .chain(replies::routes())
        .chain(webhooks::routes())
        .chain(stats::routes())
        .chain(feeds::routes())
        .chain(desk::routes())
}

/// Every API route as (method, path below [`PREFIX`]), as the router answers them.
pub fn routes() -> Vec<(Method, &'static str)> {
    table().map(|route| (route.method, route.path)).collect()
}

pub fn router() -> Router {
    table()
        .fold(Router::new(), |router, route| {
            router.route(route.path, route.endpoint)
        })
        // A route layer runs only for a matched route, so an unknown path is still a plain 404.
        .route_layer(middleware::from_fn(require_token))
        .fallback(|| async { crate::error::AppError::NotFound("API route") })
}

/// Lets the request through only with a valid token ([`ApiToken`] answers 401 otherwise), and
/// hands the checked token on so a handler need not look it up again.
async fn require_token(token: ApiToken, mut request: Request, next: Next) -> Response {
    request.extensions_mut().insert(token);
    next.run(request).await
}
