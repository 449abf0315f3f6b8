use crate::database_free;
use crate::helpers::{Options, TestApp};

/// The app with metrics on their own listener (`EDU_METRICS_BIND`).
async fn with_metrics(backend: crate::helpers::Backend) -> TestApp {
    let options = Options {
        metrics: true,
        ..Options::default()
    };
    TestApp::spawn_with(backend, options).await
}

/// GET on the metrics listener.
async fn get_metrics(app: &TestApp, path: &str) -> reqwest::Response {
    let address = app.metrics_address.expect("metrics listener");
    app.client
        .get(format!("http://{address}{path}"))
        .send()
        .await
        .unwrap()
}

database_free!(
    async fn metrics_are_not_served_on_the_public_address(backend) {
        for app in [TestApp::spawn(backend).await, with_metrics(backend).await] {
            assert_eq!(app.get_error_code("/metrics", 404).await, "not_found");
        }
    }
);

database_free!(
    async fn metrics_count_requests_by_route_template(backend) {
        let app = with_metrics(backend).await;
        app.get("/api/courses?limit=1").await;
        app.get("/api/courses?limit=2").await;
        app.get("/api/no-such-thing-1").await;
        app.get("/api/no-such-thing-2").await;
        // The metrics listener serves nothing else.
        let res = get_metrics(&app, "/api/courses").await;
        assert_eq!(res.status(), 404);
        let res = get_metrics(&app, "/metrics").await;
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("openmetrics-text"));
        let text = res.text().await.unwrap();
        assert!(
            text.contains(r#"http_requests_total{method="GET",route="/api/courses",status="200"} 2"#),
            "{text}"
        );
        // Raw paths never become labels: both unknown paths share the catch-all template.
        assert!(text.contains(r#"route="/api/{*rest}",status="404"} 2"#), "{text}");
        assert!(!text.contains("no-such-thing"));
        assert!(text.contains("http_request_duration_seconds_bucket"));
        assert!(text.contains("db_pool_connections "), "{text}");
        assert!(text.contains("db_pool_idle_connections "), "{text}");
    }
);

database_free!(
    async fn request_id_is_echoed_or_made_up(backend) {
        let app = TestApp::spawn(backend).await;
        let res = app
            .client
            .get(app.url("/healthz"))
            .header("x-request-id", "trace-me-123")
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["x-request-id"], "trace-me-123");

        let res = app.get("/api/nope").await;
        let made_up = res.headers()["x-request-id"].to_str().unwrap();
        assert!(uuid::Uuid::parse_str(made_up).is_ok(), "{made_up}");
    }
);

database_free!(
    async fn openapi_document_describes_the_catalog(backend) {
        let app = TestApp::spawn(backend).await;
        let doc: serde_json::Value = app.get_json("/api/openapi.json", 200).await;
        assert_eq!(doc["info"]["title"], "EduPlatform API");
        let list = &doc["paths"]["/api/courses"]["get"];
        assert!(list.is_object(), "{doc}");
        let params: Vec<&str> = list["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(
            params,
            ["limit", "cursor", "sort", "category", "level", "language", "price"]
        );
        assert!(doc["components"]["schemas"]["CourseSummary"].is_object(), "{doc}");
        assert!(doc["paths"]["/readyz"]["get"].is_object());
        // Not part of the public API: served on EDU_METRICS_BIND only.
        assert!(doc["paths"]["/metrics"].is_null(), "{doc}");
    }
);

/// The document names enum values by their stored codes, as the server sends them (a schema that
/// said `Beginner` while the server sends `beginner` made every client generator wrong).
#[test]
fn enum_schemas_list_the_stored_codes() {
    use shared::api::accounts::{Locale, Role};
    use shared::api::courses::{CourseLanguage, CourseLevel};
    use shared::api::teaching::ApplicationStatus;

    let document = serde_json::to_value(sync_server::http::openapi()).unwrap();
    let listed = |name: &str| -> Vec<String> {
        let values = &document["components"]["schemas"][name]["enum"];
        serde_json::from_value(values.clone()).unwrap_or_else(|_| panic!("{name}: {values}"))
    };
    let codes = |all: Vec<&'static str>| all.into_iter().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(
        listed("Role"),
        codes(Role::ALL.iter().map(|v| v.code()).collect())
    );
    assert_eq!(
        listed("Locale"),
        codes(Locale::ALL.iter().map(|v| v.code()).collect())
    );
    assert_eq!(
        listed("CourseLanguage"),
        codes(CourseLanguage::ALL.iter().map(|v| v.code()).collect())
    );
    assert_eq!(
        listed("CourseLevel"),
        codes(CourseLevel::ALL.iter().map(|v| v.code()).collect())
    );
    assert_eq!(
        listed("ApplicationStatus"),
        codes(ApplicationStatus::ALL.iter().map(|v| v.code()).collect())
    );
}
