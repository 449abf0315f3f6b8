//! Teacher applications: a student applies, an admin approves or rejects with a reason, and the
//! applicant hears about it by mail.

use reqwest::Method;
use serde_json::json;
use shared::api::accounts::Role;
use shared::api::teaching::{ApplicationStatus, TeacherApplication};

use crate::both_backends;
use crate::helpers::{error_code, TestApp, DEMO_PASSWORD};

fn application() -> serde_json::Value {
    json!({
        "bio": "I have taught Rust at meetups for five years.",
        "subject": "Rust",
        "link": "https://example.com/talks"
    })
}

both_backends!(
    async fn an_approved_application_makes_the_student_a_teacher_and_tells_them(backend) {
        let app = TestApp::spawn(backend).await;
        let student = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        let admin = app.token_for("admin@demo.local", DEMO_PASSWORD).await;

        let res = app.bearer(Method::GET, "/api/teacher-applications/mine", &student).send().await.unwrap();
        assert_eq!(error_code(res, 404).await, "not_found");
        let res = app.bearer(Method::POST, "/api/teacher-applications", &student)
            .json(&application()).send().await.unwrap();
        assert_eq!(res.status(), 201);
        let filed: TeacherApplication = res.json().await.unwrap();
        assert_eq!(filed.status, ApplicationStatus::Pending);
        assert_eq!(filed.applicant_email, "student@demo.local");
        let res = app.bearer(Method::POST, "/api/teacher-applications", &student)
            .json(&application()).send().await.unwrap();
        assert_eq!(error_code(res, 409).await, "conflict");

        let res = app.bearer(Method::GET, "/api/admin/teacher-applications", &admin).send().await.unwrap();
        let pending: Vec<TeacherApplication> = res.json().await.unwrap();
        assert_eq!(pending, vec![filed.clone()]);

        let approve = format!("/api/admin/teacher-applications/{}/approve", filed.id);
        let res = app.bearer(Method::POST, &approve, &admin).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let decided: TeacherApplication = res.json().await.unwrap();
        assert_eq!(decided.status, ApplicationStatus::Approved);
        assert!(decided.decided_at.is_some());
        let res = app.bearer(Method::POST, &approve, &admin).send().await.unwrap();
        assert_eq!(error_code(res, 409).await, "conflict");

        assert_eq!(app.me_ok(&student).await.role, Role::Teacher);
        app.wait_for_mail("student@demo.local", |m| m.subject.contains("approved")).await;
        let res = app.bearer(Method::GET, "/api/admin/teacher-applications?status=approved", &admin)
            .send().await.unwrap();
        let approved: Vec<TeacherApplication> = res.json().await.unwrap();
        assert_eq!(approved, vec![decided]);
        let changed = app
            .count("SELECT COUNT(*) FROM audit_log WHERE event = $1", "role_changed")
            .await;
        assert_eq!(changed, 1);
    }
);

both_backends!(
    async fn a_rejected_application_tells_the_reason_and_allows_a_new_one(backend) {
        let app = TestApp::spawn(backend).await;
        let student = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        let admin = app.token_for("admin@demo.local", DEMO_PASSWORD).await;
        let res = app.bearer(Method::POST, "/api/teacher-applications", &student)
            .json(&application()).send().await.unwrap();
        let filed: TeacherApplication = res.json().await.unwrap();

        let reject = format!("/api/admin/teacher-applications/{}/reject", filed.id);
        let res = app.bearer(Method::POST, &reject, &admin).json(&json!({"reason": "no"})).send().await.unwrap();
        assert_eq!(error_code(res, 400).await, "validation_failed");
        let reason = "Please link to recordings of your talks.";
        let res = app.bearer(Method::POST, &reject, &admin).json(&json!({"reason": reason})).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let decided: TeacherApplication = res.json().await.unwrap();
        assert_eq!(decided.status, ApplicationStatus::Rejected);
        assert_eq!(decided.rejection_reason.as_deref(), Some(reason));

        assert_eq!(app.me_ok(&student).await.role, Role::Student);
        app.wait_for_mail("student@demo.local", |m| m.text.contains(reason)).await;
        let res = app.bearer(Method::GET, "/api/teacher-applications/mine", &student).send().await.unwrap();
        assert_eq!(res.json::<TeacherApplication>().await.unwrap(), decided);
        let res = app.bearer(Method::POST, "/api/teacher-applications", &student)
            .json(&application()).send().await.unwrap();
        assert_eq!(res.status(), 201, "may apply again");
    }
);

both_backends!(
    async fn bad_applications_and_unknown_ids_are_refused_and_save_nothing(backend) {
        let app = TestApp::spawn(backend).await;
        let student = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        let admin = app.token_for("admin@demo.local", DEMO_PASSWORD).await;
        for (field, value) in [
            ("bio", json!("too short")),
            ("bio", json!("x".repeat(2001))),
            ("subject", json!("R")),
            ("link", json!("javascript:alert(1)")),
            ("link", json!(format!("https://example.com/{}", "x".repeat(500)))),
        ] {
            let mut body = application();
            body[field] = value;
            let res = app.bearer(Method::POST, "/api/teacher-applications", &student)
                .json(&body).send().await.unwrap();
            assert_eq!(error_code(res, 400).await, "validation_failed", "{field}");
        }
        let res = app.bearer(Method::GET, "/api/teacher-applications/mine", &student).send().await.unwrap();
        assert_eq!(error_code(res, 404).await, "not_found");

        let res = app.bearer(Method::POST, "/api/admin/teacher-applications/nope/approve", &admin)
            .send().await.unwrap();
        assert_eq!(error_code(res, 404).await, "not_found");
        // An id that is not an id names nothing, like an unknown one; the reason is judged first.
        let unknown = "00000000-0000-7000-8000-000000000000";
        for (id, reason, status, code) in [
            ("nope", "A reason long enough to explain.", 404, "not_found"),
            (unknown, "A reason long enough to explain.", 404, "not_found"),
            ("nope", "", 400, "validation_failed"),
            (unknown, "", 400, "validation_failed"),
        ] {
            let res = app.bearer(Method::POST, &format!("/api/admin/teacher-applications/{id}/reject"), &admin)
                .json(&json!({"reason": reason})).send().await.unwrap();
            assert_eq!(error_code(res, status).await, code, "{id} {reason:?}");
        }
        for path in ["/api/notifications/nope/read", &format!("/api/notifications/{unknown}/read")] {
            let res = app.bearer(Method::POST, path, &student).send().await.unwrap();
            assert_eq!(error_code(res, 404).await, "not_found", "{path}");
        }
        for path in ["/api/me/sessions/nope", &format!("/api/me/sessions/{unknown}")] {
            let res = app.bearer(Method::DELETE, path, &student).send().await.unwrap();
            assert_eq!(error_code(res, 404).await, "not_found", "{path}");
        }
        // Not one of the documented values; an empty one neither (only an absent status is the
        // default).
        for query in ["status=maybe", "status=", "status=PENDING"] {
            let res = app.bearer(Method::GET, &format!("/api/admin/teacher-applications?{query}"), &admin)
                .send().await.unwrap();
            assert_eq!(error_code(res, 400).await, "validation_failed", "{query}");
        }
    }
);
