use crate::both_backends;
use crate::database_free;
use crate::helpers::TestApp;

database_free!(
    async fn healthz_answers_ok(backend) {
        let app = TestApp::spawn(backend).await;
        let body: serde_json::Value = app.get_json("/healthz", 200).await;
        assert_eq!(body, serde_json::json!({"status": "ok"}));
    }
);

both_backends!(
    async fn readyz_answers_ready_while_the_database_answers(backend) {
        let app = TestApp::spawn(backend).await;
        let body: serde_json::Value = app.get_json("/readyz", 200).await;
        assert_eq!(body, serde_json::json!({"status": "ready"}));
    }
);

both_backends!(
    async fn readyz_answers_503_json_once_the_database_is_gone(backend) {
        let app = TestApp::spawn(backend).await;
        app.db.close().await;
        let body: shared::api::ErrorBody = app.get_json("/readyz", 503).await;
        assert_eq!(body.error.code.as_str(), "unavailable");
        // The driver's text ("... closed pool") stays in the log.
        assert_eq!(body.error.message, "the database does not answer");
        // Liveness does not depend on the database.
        assert_eq!(app.get("/healthz").await.status(), 200);
    }
);

#[tokio::test]
async fn a_postgres_connection_killed_while_idle_is_replaced_before_use() {
    use sqlx::{Connection, Executor, PgConnection};
    let app = TestApp::spawn(crate::helpers::Backend::Postgres).await;
    let _: serde_json::Value = app.get_json("/api/courses", 200).await;
    // What a database restart does to the pool: every connection of the app's is cut.
    let name = app
        .config
        .database
        .url
        .expose()
        .rsplit('/')
        .next()
        .expect("a database name")
        .to_owned();
    let mut admin = PgConnection::connect(&crate::helpers::postgres_admin_url())
        .await
        .expect("admin connection");
    let killed: Vec<(bool,)> = sqlx::query_as(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(&name)
    .fetch_all(&mut admin)
    .await
    .expect("terminate the app's connections");
    assert!(!killed.is_empty(), "the app held a connection to {name}");
    admin.execute("SELECT 1").await.expect("admin still works");
    tokio::time::sleep(sync_server::db::PING_IF_IDLE_FOR + std::time::Duration::from_millis(200))
        .await;
    // The idle connection is pinged, found dead and replaced: the request never sees it.
    let body: serde_json::Value = app.get_json("/api/courses", 200).await;
    assert!(!body["items"].as_array().expect("items").is_empty());
}
