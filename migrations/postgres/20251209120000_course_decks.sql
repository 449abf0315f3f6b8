-- Course flashcard decks (issue 19). Kept column-for-column equal between sqlite and postgres (a
-- test compares them). A deck card's id stays while the card stays in the deck: each learner's
-- device copies a card once per id into their progress document.
CREATE TABLE course_deck_cards (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    course_id  TEXT    NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    front      TEXT    NOT NULL,
    back       TEXT    NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX course_deck_cards_course ON course_deck_cards (course_id, position);
