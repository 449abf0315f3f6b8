//! Notifications as a client and a developer meet them: the dev mailbox, mail delivery, the bell.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use shared::api::accounts::Locale;
use shared::api::notifications::NotificationList;
use shared::domain::{NotificationId, UserId};
use sync_server::jobs::{self, Runner, WorkerOptions};
use sync_server::notify::transport::SendFuture;
use sync_server::notify::{self, DeliveryError, Mail, Recipient, Template, Transport};
use sync_server::Db;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::both_backends;
use crate::helpers::{eventually, quick_retries, Options, TestApp};

both_backends!(
    async fn dev_mailbox_answers_404_json_when_dev_mode_is_off(backend) {
        let options = Options {
            dev_mode: false,
            ..Options::default()
        };
        let app = TestApp::spawn_with(backend, options).await;
        assert_eq!(
            app.get_error_code("/api/dev/mailbox?to=a@example.org", 404).await,
            "not_found"
        );
        assert_eq!(app.get("/dev/mailbox").await.status(), 404);
    }
);

both_backends!(
    async fn dev_mailbox_starts_empty_in_dev_mode(backend) {
        let app = TestApp::spawn(backend).await;
        assert!(app.mailbox("nobody@example.org").await.is_empty());
        let page = app.get("/dev/mailbox").await;
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("No mail yet."));
    }
);

// ---- Mail delivery -------------------------------------------------------------------------------

/// The user id `name` is, or a made-up one for a short name (`"u1"`): the same name gives the
/// same id.
fn uid(name: &str) -> UserId {
    if let Ok(id) = UserId::parse(name) {
        return id;
    }
    let n = name
        .bytes()
        .fold(0u64, |n, b| n.wrapping_mul(257).wrapping_add(u64::from(b)));
    UserId::parse(&format!(
        "00000000-0000-7000-8000-{:012x}",
        n & 0xffff_ffff_ffff
    ))
    .unwrap()
}

fn recipient(user_id: Option<&str>, email: &str, locale: Locale) -> Recipient {
    Recipient {
        user_id: user_id.map(uid),
        email: shared::domain::Email::parse(email).unwrap(),
        display_name: "Ada <Lovelace>".to_owned(),
        locale,
    }
}

/// Queues mail the way a handler does: in a transaction, whose commit wakes the worker.
async fn queue(app: &TestApp, mails: Vec<(Recipient, Template)>) {
    let mut tx = app.db.begin().await.unwrap();
    for (to, template) in mails {
        notify::enqueue(&mut tx, &to, template).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// `(status, attempts, last_error)` of every mail job, oldest first.
async fn mail_jobs(db: &Db) -> Vec<(String, i32, Option<String>)> {
    let sql = "SELECT status, attempts, last_error FROM jobs \
               WHERE kind IN ('mail', 'token_mail') ORDER BY id";
    crate::on_db!(db, pool => sqlx::query_as(sql).fetch_all(pool).await.unwrap())
}

/// A transport that records every attempt and fails the first `fail_first` of them.
#[derive(Debug, Default)]
struct Recording {
    fail_first: usize,
    delay: Duration,
    attempts: Mutex<Vec<(String, Instant)>>,
}

impl Recording {
    fn attempts(&self) -> Vec<(String, Instant)> {
        self.attempts.lock().unwrap().clone()
    }
}

impl Transport for Recording {
    fn send<'a>(&'a self, mail: &'a Mail) -> SendFuture<'a> {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            let n = {
                let mut attempts = self.attempts.lock().unwrap();
                attempts.push((mail.job_id.to_string(), Instant::now()));
                attempts.len()
            };
            if n <= self.fail_first {
                Err(DeliveryError::transient(
                    "smtp.example.org: connection refused",
                ))
            } else {
                Ok(())
            }
        })
    }
}

both_backends!(
    async fn queued_mail_reaches_the_dev_mailbox_once_in_the_recipients_language(backend) {
        let app = TestApp::spawn(backend).await;
        let link = format!("{}/reset-password?token=t0k&x=1", app.config.http.public_url);
        queue(
            &app,
            vec![
                (
                    recipient(Some("u1"), "ada@example.org", Locale::En),
                    Template::ResetPassword { link: link.clone() },
                ),
                (
                    recipient(None, "boris@example.org", Locale::Ru),
                    Template::ResetPassword { link: link.clone() },
                ),
            ],
        )
        .await;

        let en = app
            .wait_for_mail("ADA@example.org", |m| m.subject == "Reset your password")
            .await;
        assert_eq!(en.to, "ada@example.org");
        assert!(en.text.contains(&link), "{}", en.text);
        assert!(en.text.contains("Hello, Ada <Lovelace>!"), "{}", en.text);
        assert!(en.html.contains("Ada &lt;Lovelace&gt;"), "{}", en.html);
        assert!(en.html.contains(&link.replace('&', "&amp;")), "{}", en.html);

        let ru = app
            .wait_for_mail("boris@example.org", |m| m.subject == "Сброс пароля")
            .await;
        assert!(ru.text.starts_with("Здравствуйте"), "{}", ru.text);

        // Sent once: the worker keeps polling, and nothing more arrives.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(app.mailbox("ada@example.org").await.len(), 1);
        let rows = mail_jobs(&app.db).await;
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|(status, attempts, error)| status == "done"
            && *attempts == 1
            && error.is_none()), "{rows:?}");

        // The page a developer opens shows the mail with its link clickable.
        let page = app.get("/dev/mailbox").await.text().await.unwrap();
        assert!(page.contains("Reset your password"));
        let escaped = link.replace('&', "&amp;");
        assert!(page.contains(&format!("<a href=\"{escaped}\">")), "{page}");
    }
);

both_backends!(
    async fn a_failing_transport_is_retried_with_growing_delays_then_marked_failed(backend) {
        let transport = Arc::new(Recording {
            fail_first: usize::MAX,
            ..Recording::default()
        });
        let options = Options {
            mail_transport: Some(transport.clone()),
            worker: quick_retries(),
            ..Options::default()
        };
        let app = TestApp::spawn_with(backend, options).await;
        queue(
            &app,
            vec![(
                recipient(Some("u1"), "ada@example.org", Locale::En),
                Template::PasswordChanged,
            )],
        )
        .await;

        eventually("the mail to be marked failed", || async {
            mail_jobs(&app.db).await[0].0 == "failed"
        })
        .await;
        let rows = mail_jobs(&app.db).await;
        assert_eq!(
            rows,
            vec![(
                "failed".to_owned(),
                4,
                Some("smtp.example.org: connection refused".to_owned())
            )]
        );
        let attempts = transport.attempts();
        assert_eq!(attempts.len(), 4, "max_attempts, then no more");
        let gaps: Vec<Duration> = attempts.windows(2).map(|w| w[1].1 - w[0].1).collect();
        // Each wait is at least its doubled backoff (100, 200, 400 ms). Only lower bounds: a busy
        // machine can stretch any wait, so comparing neighbouring gaps would be flaky.
        for (i, gap) in gaps.iter().enumerate() {
            let least = Duration::from_millis(100) * (1 << i);
            assert!(*gap >= least, "wait {i} is at least {least:?}: {gaps:?}");
        }

        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(transport.attempts().len(), 4, "a failed mail stays failed");
    }
);

both_backends!(
    async fn a_transport_that_recovers_delivers_the_mail_once(backend) {
        let transport = Arc::new(Recording {
            fail_first: 2,
            ..Recording::default()
        });
        let options = Options {
            mail_transport: Some(transport.clone()),
            worker: quick_retries(),
            ..Options::default()
        };
        let app = TestApp::spawn_with(backend, options).await;
        queue(
            &app,
            vec![(
                recipient(None, "ada@example.org", Locale::Ru),
                Template::PasswordChanged,
            )],
        )
        .await;
        eventually("the mail to be sent", || async {
            mail_jobs(&app.db).await[0].0 == "done"
        })
        .await;
        assert_eq!(mail_jobs(&app.db).await, vec![("done".to_owned(), 3, None)]);
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(transport.attempts().len(), 3);
    }
);

both_backends!(
    async fn two_workers_on_one_database_deliver_each_mail_exactly_once(backend) {
        let transport = Arc::new(Recording {
            delay: Duration::from_millis(2),
            ..Recording::default()
        });
        let options = WorkerOptions {
            poll_interval: Duration::from_millis(10),
            batch_size: 5,
            ..WorkerOptions::default()
        };
        let app = TestApp::spawn_with(
            backend,
            Options {
                mail_transport: Some(transport.clone()),
                worker: options.clone(),
                ..Options::default()
            },
        )
        .await;
        // A second worker with a pool of its own, as another server process would have.
        let other_db = Db::connect(&app.config.database.url).await.unwrap();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let accounts = sync_server::identity::Accounts::new(other_db.clone(), &app.config).await.unwrap();
        let other = tokio::spawn(
            Runner::new(other_db.clone(), options)
                .with_handlers(notify::mail_handlers(&other_db, transport.clone(), Arc::new(accounts)))
                .run(stopped),
        );

        let mails = (0..50)
            .map(|i| {
                (
                    recipient(Some(&format!("u{i}")), &format!("user{i}@example.org"), Locale::En),
                    Template::PasswordChanged,
                )
            })
            .collect();
        queue(&app, mails).await;

        eventually("all 50 mails to be sent", || async {
            mail_jobs(&app.db).await.iter().filter(|r| r.0 == "done").count() == 50
        })
        .await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let attempts = transport.attempts();
        let distinct: HashSet<&String> = attempts.iter().map(|(id, _)| id).collect();
        assert_eq!(attempts.len(), 50, "each mail sent once");
        assert_eq!(distinct.len(), 50);
        assert!(mail_jobs(&app.db).await.iter().all(|r| r.1 == 1));

        stop.send(true).unwrap();
        other.await.unwrap();
        other_db.close().await;
    }
);

/// Mail received by `SmtpSink`: the envelope recipients and the raw message.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) rcpt_to: Vec<String>,
    pub(crate) data: String,
}

/// A real SMTP server on 127.0.0.1, speaking just enough of the protocol for one client.
pub(crate) struct SmtpSink {
    pub(crate) port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpSink {
    pub(crate) async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let sink = received.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(Self::converse(stream, sink.clone()));
            }
        });
        Self {
            port,
            received,
            task,
        }
    }

    async fn converse(stream: tokio::net::TcpStream, sink: Arc<Mutex<Vec<Received>>>) {
        let (reader, mut writer) = stream.into_split();
        let mut lines = BufReader::new(reader).lines();
        let mut rcpt_to = Vec::new();
        writer.write_all(b"220 sink ESMTP ready\r\n").await.unwrap();
        while let Ok(Some(line)) = lines.next_line().await {
            let verb = line
                .split([' ', ':'])
                .next()
                .unwrap_or("")
                .to_ascii_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" => b"250-sink greets you\r\n250 8BITMIME\r\n",
                "HELO" | "MAIL" | "NOOP" => b"250 OK\r\n",
                "RSET" => {
                    rcpt_to.clear();
                    b"250 OK\r\n"
                }
                "RCPT" => {
                    let address = line
                        .split_once('<')
                        .and_then(|(_, rest)| rest.split_once('>'))
                        .map(|(address, _)| address.to_owned())
                        .unwrap_or_default();
                    rcpt_to.push(address);
                    b"250 OK\r\n"
                }
                "DATA" => {
                    writer
                        .write_all(b"354 end with <CRLF>.<CRLF>\r\n")
                        .await
                        .unwrap();
                    let mut data = String::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        if line == "." {
                            break;
                        }
                        data.push_str(line.strip_prefix('.').unwrap_or(&line));
                        data.push_str("\r\n");
                    }
                    sink.lock().unwrap().push(Received {
                        rcpt_to: std::mem::take(&mut rcpt_to),
                        data,
                    });
                    b"250 queued\r\n"
                }
                "QUIT" => {
                    let _ = writer.write_all(b"221 bye\r\n").await;
                    return;
                }
                _ => b"502 not implemented\r\n",
            };
            if writer.write_all(reply).await.is_err() {
                return;
            }
        }
    }

    pub(crate) fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The `Subject:` header of a raw message, unfolded and with RFC 2047 encoded words decoded.
fn subject_of(data: &str) -> String {
    let head = data.split("\r\n\r\n").next().unwrap();
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let value = unfolded
        .lines()
        .find_map(|l| l.strip_prefix("Subject: "))
        .expect("a Subject header");
    let mut bytes = Vec::new();
    for word in value.split(' ') {
        let lower = word.to_ascii_lowercase();
        if lower.starts_with("=?utf-8?b?") && word.ends_with("?=") {
            let encoded = &word["=?utf-8?b?".len()..word.len() - 2];
            bytes.extend(
                base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .unwrap(),
            );
        } else {
            if !bytes.is_empty() {
                bytes.push(b' ');
            }
            bytes.extend(word.as_bytes());
        }
    }
    String::from_utf8(bytes).unwrap()
}

both_backends!(
    async fn mail_goes_out_by_smtp_when_a_server_is_configured(backend) {
        let sink = SmtpSink::start().await;
        let options = Options {
            smtp_url: Some(format!("smtp://127.0.0.1:{}", sink.port)),
            ..Options::default()
        };
        let app = TestApp::spawn_with(backend, options).await;
        queue(
            &app,
            vec![
                (
                    recipient(Some("u1"), "ada@example.org", Locale::En),
                    Template::ResetPassword {
                        link: format!("{}/reset-password?token=abc", app.config.http.public_url),
                    },
                ),
                (
                    recipient(Some("u2"), "boris@example.org", Locale::Ru),
                    Template::ResetPassword {
                        link: format!("{}/reset-password?token=def", app.config.http.public_url),
                    },
                ),
            ],
        )
        .await;

        eventually("two mails at the SMTP sink", || async {
            sink.received().len() == 2
        })
        .await;
        let mut received = sink.received();
        received.sort_by(|a, b| a.rcpt_to.cmp(&b.rcpt_to));
        assert_eq!(received[0].rcpt_to, vec!["ada@example.org"]);
        assert_eq!(subject_of(&received[0].data), "Reset your password");
        assert_eq!(received[1].rcpt_to, vec!["boris@example.org"]);
        assert_eq!(subject_of(&received[1].data), "Сброс пароля");
        for mail in &received {
            assert!(mail.data.contains("From: EduPlatform <no-reply@localhost>"), "{}", mail.data);
            assert!(mail.data.contains("multipart/alternative"), "{}", mail.data);
        }
        // Nothing went to the dev mailbox.
        assert!(app.mailbox("ada@example.org").await.is_empty());
        eventually("both rows marked sent", || async {
            mail_jobs(&app.db).await.iter().all(|r| r.0 == "done")
        })
        .await;
    }
);

// ---- In-app notifications and forgetting a user -------------------------------------------------

both_backends!(
    async fn in_app_notifications_list_newest_first_and_count_unread(backend) {
        let app = TestApp::spawn(backend).await;
        queue(
            &app,
            vec![
                (
                    recipient(Some("u1"), "ada@example.org", Locale::En),
                    Template::TeacherApplicationApproved,
                ),
                (
                    recipient(Some("u1"), "ada@example.org", Locale::En),
                    Template::TeacherApplicationRejected {
                        reason: "Add a <sample> lesson".into(),
                    },
                ),
                // Mail-only templates make no in-app notification.
                (
                    recipient(Some("u1"), "ada@example.org", Locale::En),
                    Template::PasswordChanged,
                ),
                (
                    recipient(Some("u2"), "boris@example.org", Locale::Ru),
                    Template::TeacherApplicationApproved,
                ),
            ],
        )
        .await;

        let list = notify::list_for_user(&app.db, &uid("u1")).await.unwrap();
        assert_eq!(list.unread_count, 2);
        let titles: Vec<&str> = list.items.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Teacher application not approved", "Teacher application approved"]
        );
        assert_eq!(list.items[0].body, "Reason: Add a <sample> lesson");
        assert_eq!(list.items[0].link.as_deref(), Some("/teach"));
        assert!(list.items.iter().all(|n| !n.read));

        let ru = notify::list_for_user(&app.db, &uid("u2")).await.unwrap();
        assert_eq!(ru.items[0].title, "Заявка преподавателя одобрена");

        let newest = list.items[0].id.clone();
        notify::mark_read(&app.db, &uid("u1"), &newest).await.unwrap();
        notify::mark_read(&app.db, &uid("u1"), &newest).await.unwrap();
        let list = notify::list_for_user(&app.db, &uid("u1")).await.unwrap();
        assert_eq!(list.unread_count, 1);
        assert!(list.items[0].read && !list.items[1].read);

        // Another user's id, or no such id: not found, and nothing changes.
        let no_such_id = NotificationId::parse("00000000-0000-7000-8000-0000000000ff").unwrap();
        for (user, id) in [("u2", &newest), ("u1", &no_such_id)] {
            let err = notify::mark_read(&app.db, &uid(user), id).await.unwrap_err();
            assert!(matches!(err, sync_server::Error::NotFound(_)), "{err:?}");
        }
        let u2_id = ru.items[0].id.clone();
        assert!(notify::mark_read(&app.db, &uid("u1"), &u2_id).await.is_err());
        assert_eq!(notify::list_for_user(&app.db, &uid("u2")).await.unwrap().unread_count, 1);

        notify::mark_all_read(&app.db, &uid("u1")).await.unwrap();
        let list = notify::list_for_user(&app.db, &uid("u1")).await.unwrap();
        assert_eq!(list.unread_count, 0);
        assert!(list.items.iter().all(|n| n.read));
        assert_eq!(notify::list_for_user(&app.db, &uid("u2")).await.unwrap().unread_count, 1);
    }
);

both_backends!(
    async fn the_list_holds_the_newest_fifty_but_counts_every_unread(backend) {
        let app = TestApp::spawn(backend).await;
        let mails = (0..55)
            .map(|_| {
                (
                    recipient(Some("u1"), "ada@example.org", Locale::En),
                    Template::TeacherApplicationApproved,
                )
            })
            .collect();
        queue(&app, mails).await;
        let list = notify::list_for_user(&app.db, &uid("u1")).await.unwrap();
        assert_eq!(list.items.len(), 50);
        assert_eq!(list.unread_count, 55);
        assert!(list.items.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    }
);

both_backends!(
    async fn forgetting_a_user_removes_their_notifications_and_mail(backend) {
        let app = TestApp::spawn(backend).await;
        queue(
            &app,
            vec![
                (
                    recipient(Some("u1"), "ada@example.org", Locale::En),
                    Template::TeacherApplicationApproved,
                ),
                (
                    recipient(Some("u2"), "boris@example.org", Locale::En),
                    Template::TeacherApplicationApproved,
                ),
            ],
        )
        .await;
        app.wait_for_mail("ada@example.org", |_| true).await;
        app.wait_for_mail("boris@example.org", |_| true).await;

        let mut tx = app.db.begin().await.unwrap();
        notify::forget_user(&mut tx, &uid("u1")).await.unwrap();
        tx.commit().await.unwrap();

        assert!(notify::list_for_user(&app.db, &uid("u1")).await.unwrap().items.is_empty());
        assert!(app.mailbox("ada@example.org").await.is_empty());
        assert_eq!(mail_jobs(&app.db).await.len(), 1, "only u2's mail is left");
        assert_eq!(notify::list_for_user(&app.db, &uid("u2")).await.unwrap().items.len(), 1);
        assert_eq!(app.mailbox("boris@example.org").await.len(), 1);
    }
);

// ---- The bell over HTTP --------------------------------------------------------------------------

/// Registers, verifies (with the token from the dev mailbox) and signs in; returns (user id, token).
async fn signed_in_user(app: &TestApp, email: &str) -> (String, String) {
    let res = app
        .client
        .post(app.url("/api/auth/register"))
        .json(&serde_json::json!({
            "email": email,
            "password": "a long and unusual passphrase",
            "display_name": "Ada",
            "locale": "en",
            "time_zone": "Europe/London",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202, "{}", res.text().await.unwrap());
    let mail = app
        .wait_for_mail(email, |m| m.text.contains("/verify-email?token="))
        .await;
    let token = mail
        .text
        .split_once("token=")
        .unwrap()
        .1
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let res = app
        .client
        .post(app.url("/api/auth/verify-email"))
        .json(&serde_json::json!({ "token": token }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = app
        .client
        .post(app.url("/api/auth/sign-in"))
        .json(&serde_json::json!({ "email": email, "password": "a long and unusual passphrase" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let signed_in: serde_json::Value = res.json().await.unwrap();
    (
        signed_in["user"]["id"].as_str().unwrap().to_owned(),
        signed_in["token"].as_str().unwrap().to_owned(),
    )
}

both_backends!(
    async fn the_bell_lists_marks_read_and_hides_other_users_notifications(backend) {
        let app = TestApp::spawn(backend).await;
        let (user_id, token) = signed_in_user(&app, "ada@example.org").await;
        queue(
            &app,
            vec![
                (
                    recipient(Some(&user_id), "ada@example.org", Locale::En),
                    Template::TeacherApplicationRejected {
                        reason: "Add a sample lesson".into(),
                    },
                ),
                (
                    recipient(Some(&user_id), "ada@example.org", Locale::En),
                    Template::TeacherApplicationApproved,
                ),
                (
                    recipient(Some("someone-else"), "eve@example.org", Locale::En),
                    Template::TeacherApplicationApproved,
                ),
            ],
        )
        .await;
        let list = |app: &TestApp| {
            let request = app
                .client
                .get(app.url("/api/notifications"))
                .bearer_auth(&token);
            async move {
                let res = request.send().await.unwrap();
                assert_eq!(res.status(), 200);
                res.json::<NotificationList>().await.unwrap()
            }
        };
        let post = |path: String| {
            app.client
                .post(app.url(&path))
                .bearer_auth(&token)
                .send()
        };

        let bell = list(&app).await;
        assert_eq!(bell.unread_count, 2);
        assert_eq!(bell.items[0].title, "Teacher application approved");
        assert_eq!(bell.items[1].body, "Reason: Add a sample lesson");

        let res = post(format!("/api/notifications/{}/read", bell.items[0].id)).await.unwrap();
        assert_eq!(res.status(), 204);
        let bell = list(&app).await;
        assert_eq!(bell.unread_count, 1);
        assert!(bell.items[0].read);

        let others = notify::list_for_user(&app.db, &uid("someone-else")).await.unwrap();
        let res = post(format!("/api/notifications/{}/read", others.items[0].id)).await.unwrap();
        assert_eq!(res.status(), 404);
        let body: shared::api::ErrorBody = res.json().await.unwrap();
        assert_eq!(body.error.code.as_str(), "not_found");
        assert_eq!(
            notify::list_for_user(&app.db, &uid("someone-else")).await.unwrap().unread_count,
            1
        );

        let res = post("/api/notifications/read-all".into()).await.unwrap();
        assert_eq!(res.status(), 204);
        assert_eq!(list(&app).await.unread_count, 0);
    }
);

both_backends!(
    async fn the_bell_needs_a_signed_in_user(backend) {
        let app = TestApp::spawn(backend).await;
        assert_eq!(
            app.get_error_code("/api/notifications", 401).await,
            "unauthenticated"
        );
        let res = app
            .client
            .post(app.url("/api/notifications/read-all"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
    }
);

// ---- No secret at rest; the same work for known and unknown addresses --------------------------

/// A transport that keeps every mail it is given, as a mail server would.
#[derive(Debug, Default)]
struct Keeping {
    mails: Mutex<Vec<Mail>>,
}

impl Keeping {
    fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }
}

impl Transport for Keeping {
    fn send<'a>(&'a self, mail: &'a Mail) -> SendFuture<'a> {
        Box::pin(async move {
            self.mails.lock().unwrap().push(mail.clone());
            Ok(())
        })
    }
}

/// Every text value in the tables a backup would hold that could carry a mailed link.
async fn stored_texts(db: &Db) -> Vec<String> {
    let queries = [
        "SELECT payload || ' ' || COALESCE(last_error, '') FROM jobs",
        "SELECT to_email || ' ' || subject || ' ' || body_text || ' ' || body_html FROM dev_mailbox",
        "SELECT token_hash || ' ' || COALESCE(new_email, '') FROM account_tokens",
        "SELECT event || ' ' || COALESCE(detail, '') FROM audit_log",
        "SELECT title || ' ' || body || ' ' || COALESCE(link, '') FROM notifications",
    ];
    let mut texts = Vec::new();
    for sql in queries {
        let rows: Vec<String> =
            crate::on_db!(db, pool => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap());
        texts.extend(rows);
    }
    texts
}

both_backends!(
    async fn no_mailed_link_is_kept_at_rest(backend) {
        let transport = Arc::new(Keeping::default());
        let app = TestApp::spawn_with(
            backend,
            Options {
                mail_transport: Some(transport.clone()),
                ..Options::default()
            },
        )
        .await;
        let asks = [
            ("/api/auth/forgot-password", "student@demo.local"),
            ("/api/auth/register", "newcomer@example.org"),
        ];
        app.post_json(asks[0].0, &serde_json::json!({"email": asks[0].1})).await;
        app.register(asks[1].1, "a long enough passphrase").await;
        eventually("two mails with links", || async { transport.mails().len() == 2 }).await;
        eventually("both rows settled", || async {
            mail_jobs(&app.db).await.iter().all(|r| r.0 == "done")
        })
        .await;
        for mail in transport.mails() {
            let marker = if mail.template == "reset_password" { "/reset-password?token=" } else { "/verify-email?token=" };
            let token = crate::helpers::token_after(&mail.text, marker);
            assert_eq!(token.len(), 43, "{}", mail.text);
            // A backup holds nothing that would take the account: not the link, not the token.
            let leaked: Vec<String> = stored_texts(&app.db)
                .await
                .into_iter()
                .filter(|text| text.contains(&token))
                .collect();
            assert!(leaked.is_empty(), "{} leaked into {leaked:?}", mail.template);
        }
    }
);

both_backends!(
    async fn without_smtp_outside_dev_mode_no_mail_body_is_kept(backend) {
        let app = TestApp::spawn_with(
            backend,
            Options {
                dev_mode: false,
                ..Options::default()
            },
        )
        .await;
        app.register("newcomer@example.org", "a long enough passphrase").await;
        app.post_json("/api/auth/forgot-password", &serde_json::json!({"email": "student@demo.local"})).await;
        let sql = "SELECT COUNT(*) FROM dev_mailbox WHERE body_text = '' AND body_html = '' AND subject <> ''";
        let db = app.db.clone();
        eventually("two unsent mails recorded without bodies", || {
            let db = db.clone();
            async move {
                let n: i64 = crate::on_db!(&db, pool => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap());
                n == 2
            }
        })
        .await;
        // Mail jobs only: the demo courses also queue their lesson summaries.
        let payloads: Vec<String> = crate::on_db!(&app.db, pool => sqlx::query_scalar(
            "SELECT payload FROM jobs WHERE kind IN ('mail', 'token_mail')"
        ).fetch_all(pool).await.unwrap());
        assert_eq!(payloads.len(), 2);
        for payload in payloads {
            let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
            for body in ["text", "html"] {
                assert!(payload.get(body).is_none_or(|b| b == ""), "settled jobs keep no bodies: {payload}");
            }
        }
    }
);

both_backends!(
    async fn forgot_and_resend_do_the_same_work_for_known_and_unknown_addresses(backend) {
        let transport = Arc::new(Keeping::default());
        let app = TestApp::spawn_with(
            backend,
            Options {
                mail_transport: Some(transport.clone()),
                worker: WorkerOptions {
                    enabled: false,
                    ..WorkerOptions::default()
                },
                ..Options::default()
            },
        )
        .await;
        let unverified = "pending@example.org";
        app.register(unverified, "a long enough passphrase").await;
        let tokens_before = app.count("SELECT COUNT(*) FROM account_tokens WHERE $1 = $1", "").await;
        let asks = [
            ("/api/auth/forgot-password", "student@demo.local"),
            ("/api/auth/forgot-password", "nobody@example.org"),
            ("/api/auth/resend-verification", unverified),
            ("/api/auth/resend-verification", "nobody-else@example.org"),
        ];
        for (path, email) in asks {
            let res = app.post_json(path, &serde_json::json!({"email": email})).await;
            assert_eq!(res.status(), 202, "{path} {email}");
        }
        // In the request: one identical job each, no lookup result in it, no token made.
        let rows: Vec<(String, String)> = crate::on_db!(&app.db, pool => sqlx::query_as(
            "SELECT kind, payload FROM jobs WHERE user_id IS NULL AND kind NOT LIKE 'ai_%' ORDER BY id"
        ).fetch_all(pool).await.unwrap());
        assert_eq!(rows.len(), 4, "{rows:?}");
        for ((_, email), (kind, payload)) in asks.iter().zip(&rows) {
            assert_eq!(kind, "token_mail");
            let payload: serde_json::Value = serde_json::from_str(payload).unwrap();
            assert_eq!(&payload["to_email"], email, "{payload}");
            assert_eq!(payload.as_object().unwrap().len(), 2, "address and what to compose: {payload}");
            let deferred = &payload["token_mail"];
            assert_eq!(deferred["email_key"], email.to_lowercase(), "{deferred}");
            assert_eq!(deferred.as_object().unwrap().len(), 2, "kind and address only: {deferred}");
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM account_tokens WHERE $1 = $1", "").await,
            tokens_before,
            "no token is made in the request"
        );

        // The worker looks the addresses up: mail only for the accounts that exist.
        let accounts = sync_server::identity::Accounts::new(app.db.clone(), &app.config).await.unwrap();
        let runner = Runner::new(app.db.clone(), WorkerOptions::default())
            .with_handlers(notify::mail_handlers(&app.db, transport.clone(), Arc::new(accounts)));
        while runner.run_due().await.unwrap() > 0 {}
        let mut sent: Vec<(String, String)> = transport
            .mails()
            .into_iter()
            .filter(|m| m.template != "verify_email" || m.to_email == unverified)
            .map(|m| (m.template, m.to_email))
            .collect();
        sent.sort();
        assert_eq!(
            sent,
            vec![
                ("reset_password".to_owned(), "student@demo.local".to_owned()),
                ("verify_email".to_owned(), unverified.to_owned()),
                ("verify_email".to_owned(), unverified.to_owned()),
            ]
        );
        assert!(transport.mails().iter().all(|m| !m.to_email.starts_with("nobody")));
        let left: i64 = crate::on_db!(&app.db, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM jobs WHERE payload LIKE '%nobody%'"
        ).fetch_one(pool).await.unwrap());
        assert_eq!(left, 0, "mail with nothing to send leaves no job");
    }
);

both_backends!(
    async fn sent_mail_and_expired_secrets_are_purged(backend) {
        let app = TestApp::spawn(backend).await;
        queue(
            &app,
            vec![(recipient(Some("u1"), "ada@example.org", Locale::En), Template::PasswordChanged)],
        )
        .await;
        app.wait_for_mail("ada@example.org", |_| true).await;
        app.post_json("/api/auth/forgot-password", &serde_json::json!({"email": "student@demo.local"})).await;
        app.wait_for_mail("student@demo.local", |m| m.text.contains("/reset-password?token=")).await;
        eventually("every row settled", || async {
            mail_jobs(&app.db).await.iter().all(|r| r.0 == "done")
        })
        .await;

        // The demo courses' lesson summaries are jobs too: wait for them, and count them apart.
        let db = app.db.clone();
        eventually("the demo summaries settled", || {
            let db = db.clone();
            async move {
                let open: i64 = crate::on_db!(&db, pool => sqlx::query_scalar(
                    "SELECT COUNT(*) FROM jobs WHERE status NOT IN ('done', 'failed')"
                ).fetch_one(pool).await.unwrap());
                open == 0
            }
        })
        .await;
        let other_jobs: i64 = crate::on_db!(&app.db, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM jobs WHERE kind NOT IN ('mail', 'token_mail')"
        ).fetch_one(pool).await.unwrap());

        // Within the retention period nothing goes.
        let now = chrono::Utc::now();
        assert_eq!(jobs::purge(&app.db, now - jobs::RETENTION).await.unwrap(), 0);
        assert_eq!(notify::purge(&app.db, now - notify::RETENTION).await.unwrap(), 0);
        assert_eq!(mail_jobs(&app.db).await.len(), 2);
        // Past it, sent mail and the dev mailbox go.
        let later = now + chrono::Duration::seconds(1);
        assert_eq!(
            jobs::purge(&app.db, later).await.unwrap(),
            2 + u64::try_from(other_jobs).unwrap()
        );
        assert_eq!(notify::purge(&app.db, later).await.unwrap(), 2);
        assert!(mail_jobs(&app.db).await.is_empty());
        assert!(app.mailbox("student@demo.local").await.is_empty());

        // Expired tokens and sessions go too.
        let accounts = sync_server::identity::Accounts::new(app.db.clone(), &app.config).await.unwrap();
        app.token_for("student@demo.local", crate::helpers::DEMO_PASSWORD).await;
        assert_eq!(accounts.purge_expired().await.unwrap(), 0);
        app.expire_tokens(now - chrono::Duration::seconds(1)).await;
        app.expire_sessions(now - chrono::Duration::seconds(1)).await;
        assert_eq!(accounts.purge_expired().await.unwrap(), 2, "one reset token, one session");
    }
);
