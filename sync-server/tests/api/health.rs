use crate::both_backends;
use crate::helpers::TestApp;

both_backends!(
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
        assert_eq!(app.get_error_code("/readyz", 503).await, "unavailable");
        // Liveness does not depend on the database.
        assert_eq!(app.get("/healthz").await.status(), 200);
    }
);
