-- xp_week_counts: how many leaderboard members of a course had each XP figure in a week. A
-- member's rank is 1 + the members above them: summed over these rows (one per XP figure, a
-- thousand or so at most) instead of counted over every member (100,000 in a large course).
-- Kept in step with xp_weeks' member rows by the very transactions that change them
-- (motivation::leaderboard::count_members), which is why it holds no row of its own for a learner.
CREATE TABLE xp_week_counts (
    course_id  TEXT    NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    week_start TEXT    NOT NULL,
    xp         INTEGER NOT NULL,
    members    INTEGER NOT NULL,
    PRIMARY KEY (course_id, week_start, xp)
);

INSERT INTO xp_week_counts (course_id, week_start, xp, members)
SELECT course_id, week_start, xp, COUNT(*) FROM xp_weeks WHERE member = TRUE
GROUP BY course_id, week_start, xp;
