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

-- A statement reads the complaints of one group received in a period and, for each, its clocks,
-- its callback task, the satisfaction recorded and its handling time: covering indexes let
-- each read stay in the index (PostgreSQL's index-only scans, SQLite's covering indexes).
CREATE INDEX complaints_stats ON complaints (group_id, received_at, id, company_id, project_id,
    kind, grade, category, channel, state, responsible_department_id, customer_event_id);
CREATE INDEX sla_clocks_stats ON sla_clocks (subject_id, subject_type, clock, state, due_at);
CREATE INDEX callback_tasks_stats ON callback_tasks (complaint_id, reason, state, id);
CREATE INDEX callback_records_stats ON callback_records (task_id, satisfaction);
CREATE INDEX complaint_figures_stats ON complaint_figures (complaint_id, handling_minutes);
