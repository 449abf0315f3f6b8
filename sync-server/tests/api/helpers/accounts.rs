//! `TestApp` helpers for accounts: signing in as the demo accounts or new ones, sending requests
//! with a bearer token or a cookie, and reading tokens out of mailed links.

use chrono::{DateTime, Utc};
use reqwest::{Method, RequestBuilder, Response};
use shared::api::accounts::{Me, RegisterRequest, SignInResponse};
use sync_server::Db;

use super::TestApp;

pub use shared::api::accounts::Role;

/// Runs the same sqlx expression on whichever pool a `Db` holds (the tests' `on_pool!`).
#[macro_export]
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db.pool() {
            sync_server::db::Pool::Sqlite($pool) => $body,
            sync_server::db::Pool::Postgres($pool) => $body,
        }
    };
}
pub use sync_server::identity::demo::DEMO_PASSWORD;

impl TestApp {
    /// A request with `Authorization: Bearer <token>`.
    pub fn bearer(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
    }

    /// A request with the session cookie, sent from this server's own origin (as the web app's
    /// pages send it).
    pub fn with_cookie(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .header("cookie", format!("{}={token}", self.session_cookie_name()))
            .header("origin", self.url(""))
    }

    /// An anonymous request.
    pub fn anonymous(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Signs in; the raw response.
    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.post_json(
            "/api/auth/sign-in",
            &serde_json::json!({"email": email, "password": password}),
        )
        .await
    }

    /// Signs in (expecting success) and returns the session token.
    pub async fn token_for(&self, email: &str, password: &str) -> String {
        let res = self.sign_in(email, password).await;
        assert_eq!(res.status(), 200, "sign in as {email}");
        let body: SignInResponse = res.json().await.expect("sign-in body");
        body.token
    }

    /// A verified account made directly in the database with `DEMO_PASSWORD` (the demo student's
    /// hash is copied, so no hashing is spent); needs demo data.
    pub async fn insert_user(&self, email: &str, role: Role) -> String {
        let id = uuid::Uuid::now_v7().to_string();
        let sql = "INSERT INTO users (id, email, email_key, password_hash, display_name, role, \
                       locale, time_zone, email_verified_at, created_at, updated_at) \
                   SELECT $1, $2, $3, password_hash, $4, $5, 'en', 'UTC', $6, $6, $6 \
                   FROM users WHERE email_key = 'student@demo.local'";
        let now = Utc::now();
        let done = crate::on_db!(&self.db, pool => {
            sqlx::query(sql)
                .bind(&id)
                .bind(email)
                .bind(email.to_lowercase())
                .bind(format!("User {email}"))
                .bind(role.code())
                .bind(now)
                .execute(pool)
                .await
                .expect("insert user")
                .rows_affected()
        });
        assert_eq!(done, 1, "the demo student exists (demo data on)");
        id
    }

    /// Registers through the API (expecting 202).
    pub async fn register(&self, email: &str, password: &str) {
        let req = RegisterRequest {
            email: email.to_owned(),
            password: password.to_owned(),
            display_name: "Ada Lovelace".to_owned(),
            locale: shared::api::accounts::Locale::En,
            time_zone: "Europe/London".to_owned(),
        };
        let res = self
            .client
            .post(self.url("/api/auth/register"))
            .json(&req)
            .send()
            .await
            .expect("request sent");
        assert_eq!(res.status(), 202, "register {email}");
    }

    /// Waits for a mail to `to` whose text links to `/{route}?token=…` and returns the token.
    pub async fn mailed_token(&self, to: &str, route: &str) -> String {
        let marker = format!("/{route}?token=");
        let mail = self.wait_for_mail(to, |m| m.text.contains(&marker)).await;
        token_after(&mail.text, &marker)
    }

    /// GET /api/me with a bearer token.
    pub async fn me(&self, token: &str) -> Response {
        self.bearer(Method::GET, "/api/me", token)
            .send()
            .await
            .expect("request sent")
    }

    /// GET /api/me, expecting 200.
    pub async fn me_ok(&self, token: &str) -> Me {
        let res = self.me(token).await;
        assert_eq!(res.status(), 200, "GET /api/me");
        res.json().await.expect("Me")
    }

    /// Moves every mailed token's expiry to `at` (tests of expired links).
    pub async fn expire_tokens(&self, at: DateTime<Utc>) {
        crate::on_db!(&self.db, pool => {
            sqlx::query("UPDATE account_tokens SET expires_at = $1")
                .bind(at)
                .execute(pool)
                .await
                .expect("expire tokens")
                .rows_affected()
        });
    }

    /// Moves every session's expiry to `at` (tests of expired sessions).
    pub async fn expire_sessions(&self, at: DateTime<Utc>) {
        crate::on_db!(&self.db, pool => {
            sqlx::query("UPDATE sessions SET expires_at = $1")
                .bind(at)
                .execute(pool)
                .await
                .expect("expire sessions")
                .rows_affected()
        });
    }

    /// How many rows `sql` (a `SELECT COUNT(*) … WHERE … = $1`) counts for `arg`.
    pub async fn count(&self, sql: &str, arg: impl AsRef<str>) -> i64 {
        let db: &Db = &self.db;
        crate::on_db!(db, pool => {
            sqlx::query_scalar(sql).bind(arg.as_ref()).fetch_one(pool).await.expect("count")
        })
    }
}

/// The token that follows `marker` in a mail's text.
pub fn token_after(text: &str, marker: &str) -> String {
    let start = text.find(marker).expect("a link with a token") + marker.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}
