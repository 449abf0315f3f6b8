-- The AI service (sync-server/src/ai): its response cache, daily budgets, usage ledger, quiz draft
-- batches and lesson summaries. Kept column-for-column equal to migrations/postgres (a test compares
-- them).
--
-- ai_cache: one model answer per (task, model, prompt version, hash of the rendered prompt).
CREATE TABLE ai_cache (
    task           TEXT        NOT NULL,
    model          TEXT        NOT NULL,
    prompt_version INTEGER     NOT NULL,
    input_hash     TEXT        NOT NULL,               -- SHA-256 hex of system + user prompt
    response       TEXT        NOT NULL,
    input_tokens   INTEGER      NOT NULL DEFAULT 0,
    output_tokens  INTEGER      NOT NULL DEFAULT 0,
    created_at     TEXT        NOT NULL,
    PRIMARY KEY (task, model, prompt_version, input_hash)
);

-- ai_budgets: what one scope ('global', or 'user:{id}') used on one UTC day. Reserved with an
-- atomic UPDATE ... WHERE used + n <= limit, then settled to the real usage (ai::budget).
CREATE TABLE ai_budgets (
    scope    TEXT   NOT NULL,
    day      TEXT   NOT NULL,                          -- YYYY-MM-DD, UTC
    requests INTEGER NOT NULL DEFAULT 0 CHECK (requests >= 0),
    tokens   INTEGER NOT NULL DEFAULT 0 CHECK (tokens >= 0),
    PRIMARY KEY (scope, day)
);

-- ai_usage: one row per provider call (cache hits and the offline provider cost nothing and are
-- not rows). cost_micro_usd: the estimate from the configured price table, in millionths of USD.
CREATE TABLE ai_usage (
    id             TEXT NOT NULL PRIMARY KEY,
    user_id        TEXT        REFERENCES users (id) ON DELETE SET NULL,
    task           TEXT        NOT NULL,
    provider       TEXT        NOT NULL,
    model          TEXT        NOT NULL,
    input_tokens   INTEGER      NOT NULL DEFAULT 0,
    output_tokens  INTEGER      NOT NULL DEFAULT 0,
    cost_micro_usd INTEGER      NOT NULL DEFAULT 0,
    outcome        TEXT        NOT NULL CHECK (outcome IN ('ok', 'failed')),
    created_at     TEXT        NOT NULL
);
CREATE INDEX ai_usage_user ON ai_usage (user_id, created_at);
CREATE INDEX ai_usage_created ON ai_usage (created_at);

-- quiz_drafts: a batch of questions a teacher asked the AI service for, made by a background job.
-- questions: JSON list of shared::quiz::Question, set only when the batch is done (never half).
CREATE TABLE quiz_drafts (
    id               TEXT NOT NULL PRIMARY KEY,
    course_id        TEXT        NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    lesson_id        TEXT        NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    requested_by     TEXT        REFERENCES users (id) ON DELETE SET NULL,
    count            INTEGER     NOT NULL CHECK (count BETWEEN 1 AND 20),
    kinds            TEXT        NOT NULL,             -- JSON list of question kinds
    status           TEXT        NOT NULL DEFAULT 'queued'
                         CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    progress         INTEGER     NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    questions        TEXT,
    made_without_llm INTEGER     NOT NULL DEFAULT 0 CHECK (made_without_llm IN (0, 1)),
    error            TEXT,
    created_at       TEXT        NOT NULL,
    updated_at       TEXT        NOT NULL
);
CREATE INDEX quiz_drafts_lesson ON quiz_drafts (lesson_id, created_at);

-- lesson_summaries: a lesson's short summary and key points, for the text whose hash it holds.
CREATE TABLE lesson_summaries (
    lesson_id        TEXT NOT NULL PRIMARY KEY REFERENCES lessons (id) ON DELETE CASCADE,
    text_hash        TEXT        NOT NULL,             -- SHA-256 hex of title + body
    summary          TEXT        NOT NULL,
    key_points       TEXT        NOT NULL,             -- JSON list of strings
    made_without_llm INTEGER     NOT NULL DEFAULT 0 CHECK (made_without_llm IN (0, 1)),
    model            TEXT        NOT NULL,             -- 'offline' or the model that wrote it
    updated_at       TEXT        NOT NULL
);
