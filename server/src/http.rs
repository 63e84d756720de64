//! The HTTP edge: `/healthz`, `/metrics`, the agent API (`/api/v1/…`, in `http/api.rs`) and
//! the web pages ([`crate::web`]).
//! Handlers stay thin: extract, call the desk, answer.

mod api;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json};
use axum::routing::get;
use serde_json::json;

use crate::desk::Desk;
use crate::store::Store;

/// The application's routes. Builds the knowledge-base index from the database first.
pub async fn router<S: crate::web::WebStore>(
    desk: Arc<Desk<S>>,
) -> Result<Router, crate::kb::KbError> {
    let web = Arc::new(crate::web::Web::open(desk.clone()).await?);
    Ok(Router::new()
        .route("/healthz", get(healthz::<S>))
        .route("/metrics", get(metrics::<S>))
        .merge(api::routes::<S>(&desk.config.api, web.kb.clone()))
        .with_state(desk)
        .merge(crate::web::routes(web)))
}

/// Prometheus text exposition.
async fn metrics<S: Store>(State(desk): State<Arc<Desk<S>>>) -> impl IntoResponse {
    match desk.store.outbox_depth().await {
        Ok(depth) => (
            StatusCode::OK,
            [("content-type", "text/plain; version=0.0.4")],
            crate::metrics::render(&depth, desk.now_ms()),
        ),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [("content-type", "text/plain; version=0.0.4")],
            format!("# database unavailable: {e}\n"),
        ),
    }
}

/// 200 with the outbox depth when the database answers; 503 otherwise.
async fn healthz<S: Store>(State(desk): State<Arc<Desk<S>>>) -> impl IntoResponse {
    let checked = async {
        desk.store.ping().await?;
        desk.store.outbox_depth().await
    };
    match checked.await {
        Ok(depth) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": "ok", "outbox": depth })),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "error", "database": e.to_string() })),
            )
        }
    }
}
