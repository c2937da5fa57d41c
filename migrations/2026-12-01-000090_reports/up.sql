-- Scheduled reports (报表, RULES.md §7): each group's report definitions as versioned policy
-- data, the obligations (one report owed for one period by one project or department) and
-- every submission of one. Projects gain the end of their move-in period, which starts the
-- move-in satisfaction report three months later (R-RP-10).

-- Every edit of a group's definitions is a new version; the highest is in force. A group
-- without a row uses the shipped presets (version 0).
CREATE TABLE report_definitions (
    id          TEXT PRIMARY KEY,
    group_id    TEXT NOT NULL,
    version     BIGINT NOT NULL,
    document    TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NULL
);
CREATE UNIQUE INDEX report_definitions_version ON report_definitions (group_id, version);

-- `responsible_id` is the project's or department's id: with the code and the period it makes
-- the obligation unique, so two nodes planning ahead at once never owe a report twice.
CREATE TABLE report_obligations (
    id                    TEXT PRIMARY KEY,
    group_id              TEXT NOT NULL,
    company_id            TEXT NOT NULL,
    code                  TEXT NOT NULL,
    rule_id               TEXT NOT NULL,
    label_zh              TEXT NOT NULL,
    period_start          TEXT NOT NULL,
    period_end            TEXT NOT NULL,
    responsible_type      TEXT NOT NULL CHECK (responsible_type IN ('project', 'department')),
    responsible_id        TEXT NOT NULL,
    project_id            TEXT NULL,
    department_id         TEXT NULL,
    nominal_due_at        TIMESTAMP NOT NULL,
    due_at                TIMESTAMP NOT NULL,
    moved                 BOOLEAN NOT NULL,
    period_closed_at_due  BOOLEAN NOT NULL,
    remind_at             TIMESTAMP NOT NULL,
    state                 TEXT NOT NULL CHECK (state IN ('pending', 'submitted', 'reviewed', 'returned')),
    submitted_at          TIMESTAMP NULL,
    on_time               BOOLEAN NULL,
    reviewed_at           TIMESTAMP NULL,
    reviewed_by           TEXT NULL,
    review_note           TEXT NULL,
    reminded_at           TIMESTAMP NULL,
    overdue_notified_at   TIMESTAMP NULL,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    version               BIGINT NOT NULL
);
CREATE UNIQUE INDEX report_obligations_owed
    ON report_obligations (group_id, code, period_start, responsible_id);
CREATE INDEX report_obligations_due ON report_obligations (state, due_at);
CREATE INDEX report_obligations_remind ON report_obligations (state, remind_at);
CREATE INDEX report_obligations_group ON report_obligations (group_id, due_at);

-- Every submission of an obligation (a returned report is submitted again): the template's
-- sections as JSON, the attachments, who and when, and whether it was on time.
CREATE TABLE report_submissions (
    id              TEXT PRIMARY KEY,
    obligation_id   TEXT NOT NULL REFERENCES report_obligations (id),
    group_id        TEXT NOT NULL,
    sections        TEXT NOT NULL,
    attachment_ids  TEXT NOT NULL,
    submitted_by    TEXT NOT NULL,
    submitted_at    TIMESTAMP NOT NULL,
    on_time         BOOLEAN NOT NULL
);
CREATE INDEX report_submissions_obligation ON report_submissions (obligation_id, submitted_at);

ALTER TABLE projects ADD COLUMN move_in_ends_on TEXT NULL;
