//! Notifications as a client and a developer meet them: the dev mailbox, mail delivery, the bell.

use crate::both_backends;
use crate::helpers::{Options, TestApp};

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
