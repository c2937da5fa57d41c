-- Statistics (RULES.md §7, R-RP-1): the working time a complaint took from receipt to its
-- resolution, in minutes on its project's business calendar, stored by the transaction that
-- resolves it, so a statement reads a number instead of walking calendars row by row. A table
-- of its own beside `complaints`, one row per resolved complaint: `complaints` is at diesel's
-- 32-column limit.
CREATE TABLE complaint_figures (
    complaint_id TEXT PRIMARY KEY REFERENCES complaints (id),
    handling_minutes BIGINT NOT NULL CHECK (handling_minutes >= 0),
    resolved_at TIMESTAMP NOT NULL
);
