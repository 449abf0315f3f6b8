use crate::database_free;
use crate::helpers::TestApp;

database_free!(
    async fn unknown_api_routes_are_404_json_errors(backend) {
        let app = TestApp::spawn(backend).await;
        for path in ["/api", "/api/", "/api/nope", "/api/courses/x/y/z"] {
            assert_eq!(app.get_error_code(path, 404).await, "not_found", "{path}");
        }
    }
);

database_free!(
    async fn wrong_method_on_an_api_route_is_a_405_json_error(backend) {
        let app = TestApp::spawn(backend).await;
        let res = app
            .client
            .delete(app.url("/api/courses"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 405);
        let body: shared::api::ErrorBody = res.json().await.unwrap();
        assert_eq!(body.error.code.as_str(), "method_not_allowed");
    }
);

database_free!(
    async fn oversized_body_with_content_length_is_a_413_json_error(backend) {
        let app = TestApp::spawn(backend).await;
        let too_big = app.config.limits.body.json + 1;
        // The header alone decides: the server answers before any of the body arrives.
        let head = format!(
            "POST /api/auth/sign-in HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
             Content-Length: {too_big}\r\n\r\n"
        );
        let res = app.raw_request(head, Vec::new()).await;
        assert_eq!(res.status, 413, "{res:?}");
        assert!(res.headers["content-type"].starts_with("application/json"));
        let body: shared::api::ErrorBody = serde_json::from_str(&res.body).unwrap();
        assert_eq!(body.error.code.as_str(), "payload_too_large");
    }
);

database_free!(
    async fn oversized_chunked_body_is_a_413_json_error(backend) {
        let app = TestApp::spawn(backend).await;
        let head = "POST /api/auth/sign-in HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
                    Transfer-Encoding: chunked\r\n\r\n"
            .to_owned();
        let piece = 16 * 1024;
        let pieces = app.config.limits.body.json / piece + 4;
        let mut body: Vec<Vec<u8>> = (0..pieces)
            .map(|_| {
                let mut chunk = format!("{piece:x}\r\n").into_bytes();
                chunk.extend(std::iter::repeat_n(b' ', piece));
                chunk.extend_from_slice(b"\r\n");
                chunk
            })
            .collect();
        body.push(b"0\r\n\r\n".to_vec());
        let res = app.raw_request(head, body).await;
        assert_eq!(res.status, 413, "{res:?}");
        let body: shared::api::ErrorBody = serde_json::from_str(&res.body).unwrap();
        assert_eq!(body.error.code.as_str(), "payload_too_large");
    }
);

database_free!(
    async fn json_bodies_over_the_json_limit_are_413_and_ones_at_it_reach_the_handler(backend) {
        let app = TestApp::spawn(backend).await;
        let limit = app.config.limits.body.json;
        assert_eq!(limit, 64 * 1024, "the JSON routes' default");
        let json = r#"{"email":"someone@example.com"}"#;
        // Whitespace is valid JSON padding: the size alone decides.
        let padded = |len: usize| format!("{json}{}", " ".repeat(len - json.len()));
        let post = |body: String| {
            app.client
                .post(app.url("/api/auth/forgot-password"))
                .header("content-type", "application/json")
                .body(body)
                .send()
        };
        let at_limit = post(padded(limit)).await.unwrap();
        assert_eq!(at_limit.status(), 202);
        let over = post(padded(limit + 1)).await.unwrap();
        assert_eq!(over.status(), 413);
        let body: shared::api::ErrorBody = over.json().await.unwrap();
        assert_eq!(body.error.code, shared::api::error::ErrorCode::PayloadTooLarge);
        assert!(body.error.message.contains(&limit.to_string()), "{}", body.error.message);
    }
);

database_free!(
    async fn body_within_the_limit_reaches_the_router(backend) {
        let app = TestApp::spawn(backend).await;
        let res = app
            .client
            .post(app.url("/api/notifications"))
            .body(vec![b' '; 1024])
            .send()
            .await
            .unwrap();
        // No POST route yet: the router, not the limit, answers.
        assert_eq!(res.status(), 405);
    }
);

database_free!(
    async fn unusable_json_bodies_answer_400_or_415_with_json_errors(backend) {
        let app = TestApp::spawn(backend).await;
        let token = app
            .token_for("student@demo.local", crate::helpers::DEMO_PASSWORD)
            .await;
        // (method, path, content type, body, status, code): anonymous and signed-in JSON routes.
        let cases = [
            ("POST", "/api/auth/forgot-password", Some("application/json"), "{\"email\":", 400, "bad_request"),
            ("POST", "/api/auth/forgot-password", Some("application/json"), "{\"email\":42}", 400, "bad_request"),
            ("POST", "/api/auth/forgot-password", Some("application/json"), "{}", 400, "bad_request"),
            ("POST", "/api/auth/forgot-password", Some("application/json"), "", 400, "bad_request"),
            ("POST", "/api/auth/forgot-password", None, "{\"email\":\"a@example.com\"}", 415, "unsupported_media_type"),
            ("POST", "/api/auth/forgot-password", Some("text/plain"), "{\"email\":\"a@example.com\"}", 415, "unsupported_media_type"),
            ("PATCH", "/api/me", Some("application/json"), "{\"locale\":\"de\"}", 400, "bad_request"),
            ("PATCH", "/api/me", Some("application/json"), "[1]", 400, "bad_request"),
            // An array of the fields in order is not an object, however serde would read it.
            ("PATCH", "/api/me", Some("application/json"), "[null, null]", 400, "bad_request"),
            ("PATCH", "/api/me", Some("application/json"), "[\"New name\"]", 400, "bad_request"),
            ("PATCH", "/api/me", None, "", 415, "unsupported_media_type"),
        ];
        for (method, path, content_type, body, status, code) in cases {
            let mut req = app
                .client
                .request(method.parse().unwrap(), app.url(path))
                .bearer_auth(&token)
                .body(body.to_owned());
            if let Some(content_type) = content_type {
                req = req.header("content-type", content_type);
            }
            let res = req.send().await.unwrap();
            let shown = format!("{method} {path} {content_type:?} {body:?}");
            assert_eq!(res.status().as_u16(), status, "{shown}");
            let error: shared::api::ErrorBody = res.json().await.unwrap();
            assert_eq!(error.error.code.as_str(), code, "{shown}");
        }
    }
);
