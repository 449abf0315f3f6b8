use crate::helpers::{Options, TestApp};
use crate::{both_backends, database_free};

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

/// Runs `sql` (no parameters) on the app's own database.
async fn execute(app: &TestApp, sql: &str) {
    use sync_server::db::Pool;
    match app.db.pool() {
        Pool::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        Pool::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The value of the sample `name{labels}` in a metrics text.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|value| value.split(' ').next()?.parse().ok())
}

both_backends!(
    async fn job_queue_depth_age_and_failures_are_exported_by_kind(backend) {
        let app = with_metrics(backend).await;
        let now = chrono::Utc::now();
        let ms = now.timestamp_millis();
        let created = now.to_rfc3339();
        // A due job that waited 10 minutes, held by another runner's lease (so this app's runner
        // leaves it alone), one more waiting for later, and a mail that failed for good.
        execute(&app, &format!(
            "INSERT INTO jobs (id, kind, payload, status, attempts, run_at_ms, locked_until_ms, \
                 claim_id, created_at) VALUES \
             ('00000000-0000-7000-8000-00000000a001', 'metrics_probe', '{{}}', 'pending', 1, \
                 {due}, {lease}, 'elsewhere', '{created}'), \
             ('00000000-0000-7000-8000-00000000a002', 'metrics_probe', '{{}}', 'pending', 0, \
                 {later}, {lease}, 'elsewhere', '{created}')",
            due = ms - 600_000,
            later = ms + 3_600_000,
            lease = ms + 3_600_000,
        ))
        .await;
        execute(&app, &format!(
            "INSERT INTO jobs (id, kind, payload, status, attempts, run_at_ms, created_at, \
                 finished_at, last_error) VALUES \
             ('00000000-0000-7000-8000-00000000a003', 'mail', '{{}}', 'failed', 5, {ms}, \
                 '{created}', '{created}', 'smtp.example.org: connection refused')"
        ))
        .await;
        let text = get_metrics(&app, "/metrics").await.text().await.unwrap();
        let probe = r#"{kind="metrics_probe"}"#;
        assert_eq!(sample(&text, &format!("edu_jobs_pending{probe}")), Some(2.0), "{text}");
        assert_eq!(sample(&text, &format!("edu_jobs_retrying{probe}")), Some(1.0), "{text}");
        let age = sample(&text, &format!("edu_jobs_oldest_due_age_seconds{probe}")).unwrap();
        assert!((600.0..700.0).contains(&age), "{age}");
        assert_eq!(sample(&text, r#"edu_jobs_failed{kind="mail"}"#), Some(1.0), "{text}");
        let max = sample(&text, "db_pool_max_connections").unwrap();
        assert!(max >= 1.0, "{text}");
        // A kind whose jobs are gone leaves the gauges at the next scrape.
        execute(&app, "DELETE FROM jobs WHERE kind = 'metrics_probe'").await;
        let text = get_metrics(&app, "/metrics").await.text().await.unwrap();
        assert!(!text.contains("metrics_probe"), "{text}");
    }
);

/// The metric names a PromQL text uses (those of this server: `http_`, `db_`, `edu_`).
fn metric_names(promql: &str) -> Vec<String> {
    let mut names = Vec::new();
    let bytes = promql.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let rest = &promql[i..];
        if starts_word && ["http_", "db_", "edu_"].iter().any(|p| rest.starts_with(p)) {
            let len = rest
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            names.push(rest[..len].to_owned());
            i += len;
        } else {
            i += 1;
        }
    }
    names
}

database_free!(
    async fn every_metric_the_dashboard_and_alerts_use_is_served(backend) {
        let deploy = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy");
        let dashboard: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(deploy.join("grafana/dashboards/eduplatform.json")).unwrap(),
        )
        .unwrap();
        let mut queries: Vec<String> = dashboard["panels"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|panel| panel["targets"].as_array().unwrap().iter())
            .map(|target| target["expr"].as_str().unwrap().to_owned())
            .collect();
        let alerts = std::fs::read_to_string(deploy.join("prometheus/alerts.yml")).unwrap();
        queries.extend(
            alerts
                .lines()
                .filter_map(|line| line.trim().strip_prefix("expr:"))
                .map(str::to_owned),
        );
        assert!(queries.len() >= 14, "{queries:?}");
        let app = with_metrics(backend).await;
        app.get("/api/courses").await;
        let text = get_metrics(&app, "/metrics").await.text().await.unwrap();
        let mut checked = 0;
        for name in queries.iter().flat_map(|q| metric_names(q)) {
            // Counters are exposed as `<name>_total`, histograms as `<name>_bucket` and so on;
            // `# TYPE` names the family.
            let (family, kind) = if let Some(base) = name.strip_suffix("_total") {
                (base, Some("counter"))
            } else if let Some(base) = name.strip_suffix("_bucket") {
                (base, Some("histogram"))
            } else {
                (name.as_str(), None)
            };
            let declared = text
                .lines()
                .find_map(|line| line.strip_prefix(&format!("# TYPE {family} ")));
            let Some(declared) = declared else {
                panic!("{name} is used by the dashboard or alerts but not served:\n{text}");
            };
            if let Some(kind) = kind {
                assert_eq!(declared, kind, "{name}");
            }
            checked += 1;
        }
        assert!(checked >= 20, "{checked}");
    }
);
