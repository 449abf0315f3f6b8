-- Motivation (issue 20): the server's projections of XP, streaks and badges, the opt-in weekly
-- course leaderboard and the "streak at risk" reminder. Kept column-for-column equal to
-- migrations/sqlite (a test compares them). Recomputed by the `motivation_refresh` job from the
-- learner documents with `shared::rules`; nothing here is ever read from a document's own totals.

-- Streak reminder settings (the time zone is the account's own `time_zone`).
-- streak_reminder_hour: the local evening hour (0-23) a "streak at risk" reminder may come at.
-- streak_reminders: false once the learner opted out (account page or the mail's link).
ALTER TABLE users ADD COLUMN streak_reminder_hour INTEGER NOT NULL DEFAULT 19 CHECK (streak_reminder_hour BETWEEN 0 AND 23);
ALTER TABLE users ADD COLUMN streak_reminders BOOLEAN NOT NULL DEFAULT TRUE;

-- xp_days: one row per learner per day with XP (the learner's own calendar day, YYYY-MM-DD),
-- after the per-day caps; enough to recompute the streak as of any moment
-- (`shared::rules::streak`): the goal in force, the first and last earning and when the goal was
-- reached (milliseconds since the Unix epoch).
CREATE TABLE xp_days (
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day        TEXT    NOT NULL,
    lesson_xp  INTEGER NOT NULL CHECK (lesson_xp >= 0),
    quiz_xp    INTEGER NOT NULL CHECK (quiz_xp >= 0),
    review_xp  INTEGER NOT NULL CHECK (review_xp >= 0),
    goal_bonus INTEGER NOT NULL CHECK (goal_bonus >= 0),
    goal_xp    INTEGER NOT NULL CHECK (goal_xp > 0),
    first_ms   BIGINT  NOT NULL,
    last_ms    BIGINT  NOT NULL,
    reached_ms BIGINT,
    PRIMARY KEY (user_id, day)
);

-- motivation_states: what a learner's last refresh saw besides the days: the daily goal in force.
CREATE TABLE motivation_states (
    user_id      TEXT    NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    goal_xp      INTEGER NOT NULL CHECK (goal_xp > 0),
    refreshed_at TIMESTAMPTZ NOT NULL
);

-- xp_weeks: a learner's XP in a course in a week (week_start: the Monday, YYYY-MM-DD, of the
-- learner's day each earning fell on), the awarded XP of each earning summed; the goal bonus
-- belongs to no course. member mirrors leaderboard_members so the leaderboard is one index range.
CREATE TABLE xp_weeks (
    course_id  TEXT    NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    week_start TEXT    NOT NULL,
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    xp         INTEGER NOT NULL CHECK (xp >= 0),
    member     BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (course_id, week_start, user_id)
);
CREATE INDEX xp_weeks_board ON xp_weeks (course_id, week_start, member, xp DESC, user_id);
CREATE INDEX xp_weeks_user ON xp_weeks (user_id);

-- badges: each badge a learner earned, once, dated by when its measure first reached the rule's
-- threshold; never removed (the shelf only grows).
CREATE TABLE badges (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    badge_id   TEXT NOT NULL,
    awarded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, badge_id)
);

-- leaderboard_members: the learners who joined a course's leaderboard (off by default).
CREATE TABLE leaderboard_members (
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    joined_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (course_id, user_id)
);

-- streak_reminders: the "streak at risk" reminder of one user on one local date, claimed in the
-- transaction that queues it: the primary key makes a second one, from any process, impossible.
CREATE TABLE streak_reminders (
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    local_date TEXT    NOT NULL,
    streak     INTEGER NOT NULL CHECK (streak >= 0),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, local_date)
);
