//! What every response says to the browser, and the `__Host-` session cookie under https.

use reqwest::Method;
use serde_json::json;
use shared::api::accounts::SignInResponse;

use crate::both_backends;
use crate::helpers::{Options, TestApp, DEMO_PASSWORD};

fn header(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

both_backends!(
    async fn under_https_the_session_cookie_is_host_prefixed_and_the_plain_one_is_ignored(backend) {
        let options = Options {
            public_url: Some("https://edu.example.org".into()),
            ..Options::default()
        };
        let app = TestApp::spawn_with(backend, options).await;
        let res = app.sign_in("student@demo.local", DEMO_PASSWORD).await;
        assert_eq!(res.status(), 200);
        let cookie = header(&res, "set-cookie").unwrap();
        let token = res.json::<SignInResponse>().await.unwrap().token;
        assert!(
            cookie.starts_with(&format!("__Host-edu_session={token};")),
            "{cookie}"
        );
        for part in ["; Secure", "; Path=/;", "; HttpOnly", "; SameSite=Lax"] {
            assert!(cookie.contains(part), "{cookie} has {part}");
        }
        assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");

        // The prefixed cookie authenticates, reads and (from our pages) writes.
        let res = app
            .anonymous(Method::GET, "/api/me")
            .header("cookie", format!("__Host-edu_session={token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let res = app
            .with_cookie(Method::PATCH, "/api/me", &token)
            .json(&json!({"display_name": "Via Host Cookie"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        // It is the cookie CSRF checks guard: without an Origin the write is refused.
        let res = app
            .anonymous(Method::PATCH, "/api/me")
            .header("cookie", format!("__Host-edu_session={token}"))
            .json(&json!({"display_name": "No Origin"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);

        // A plain `edu_session` (a sibling subdomain could have set it) is not a credential.
        let res = app
            .anonymous(Method::GET, "/api/me")
            .header("cookie", format!("edu_session={token}"))
            .header("origin", app.url(""))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);

        // Sign-out clears the prefixed cookie.
        let res = app
            .with_cookie(Method::POST, "/api/auth/sign-out", &token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        let cleared = header(&res, "set-cookie").unwrap();
        assert!(cleared.starts_with("__Host-edu_session=;"), "{cleared}");
        assert!(cleared.contains("Max-Age=0") && cleared.contains("; Secure"), "{cleared}");
        assert_eq!(app.me(&token).await.status(), 401);
    }
);
