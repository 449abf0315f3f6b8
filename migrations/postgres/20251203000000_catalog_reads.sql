-- Indexes for what learners and visitors read (kept equal to the other backend's file).
--
-- A catalog listing filtered by category, language or level still walks its sort's order: these
-- put the filter before the sort key, so a filtered page reads only its own rows.
CREATE INDEX courses_category_newest ON courses (status, category_id, published_at, id);
CREATE INDEX courses_language_newest ON courses (status, language, published_at, id);
CREATE INDEX courses_level_newest ON courses (status, level, published_at, id);
