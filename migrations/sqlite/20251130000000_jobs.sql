-- The job queue: every kind of background work (mail first; projections, AI drafts, reminders and
-- webhooks later) is a row here, claimed by jobs::Runner. Kept column-for-column equal to
-- migrations/postgres (a test compares them).
--
-- Times to compare (run_at_ms, locked_until_ms) are Unix epoch milliseconds, UTC, as INTEGER.
-- unique_key: a key is taken while any row holds it, finished or not, until the row is purged
-- (see jobs::enqueue); NULLs never collide.
-- user_id: whose personal data the payload carries; deleting the account deletes the user's jobs.
CREATE TABLE jobs (
    id              TEXT    NOT NULL PRIMARY KEY,          -- UUID v7
    kind            TEXT    NOT NULL,                      -- which Handler runs it
    payload         TEXT    NOT NULL,                      -- JSON, the handler's own shape
    user_id         TEXT,
    unique_key      TEXT,
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    run_at_ms       INTEGER NOT NULL,                      -- next attempt not before this
    locked_until_ms INTEGER,                               -- a runner's lease; expired = claimable
    claim_id        TEXT,                                  -- which claim holds the lease (fencing)
    last_error      TEXT,
    created_at      TEXT    NOT NULL,
    finished_at     TEXT
);
CREATE INDEX jobs_due ON jobs (status, run_at_ms);
CREATE INDEX jobs_user ON jobs (user_id);
CREATE INDEX jobs_finished ON jobs (finished_at);
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key);

-- Mail becomes two job kinds: 'mail' (rendered when queued) and 'token_mail' (composed when sent,
-- so no mailed link is stored). Rows still in the outbox move over as they are.
INSERT INTO jobs (id, kind, payload, user_id, unique_key, status, attempts, run_at_ms,
                  locked_until_ms, claim_id, last_error, created_at, finished_at)
SELECT id,
       CASE WHEN deferred IS NULL THEN 'mail' ELSE 'token_mail' END,
       CASE WHEN deferred IS NULL
            THEN json_object('to_email', to_email, 'to_name', to_name, 'locale', locale,
                             'template', template, 'subject', subject, 'text', body_text,
                             'html', body_html)
            ELSE json_object('to_email', to_email, 'token_mail', json(deferred)) END,
       user_id, NULL,
       CASE status WHEN 'sent' THEN 'done' ELSE status END,
       attempts, due_at_ms, locked_until_ms, claim_id, last_error, created_at, sent_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE dev_mailbox RENAME COLUMN outbox_id TO job_id;
