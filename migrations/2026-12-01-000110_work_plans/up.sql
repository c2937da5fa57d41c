-- Work plans (R-RP-13): a project's or a department's annual or monthly customer-service plan,
-- reviewed by the customer center; each item's completion is recorded and its lateness
-- reminded once.
CREATE TABLE work_plans (
    id             TEXT PRIMARY KEY,
    group_id       TEXT NOT NULL REFERENCES groups (id),
    company_id     TEXT NOT NULL REFERENCES companies (id),
    project_id     TEXT NULL REFERENCES projects (id),
    department_id  TEXT NULL REFERENCES departments (id),
    kind           TEXT NOT NULL CHECK (kind IN ('annual', 'monthly')),
    year           INTEGER NOT NULL,
    month          INTEGER NULL CHECK (month BETWEEN 1 AND 12),
    title          TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'reviewed', 'returned')),
    review_note    TEXT NULL,
    reviewed_by    TEXT NULL,
    reviewed_at    TIMESTAMP NULL,
    created_by     TEXT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        BIGINT NOT NULL,
    CHECK ((project_id IS NULL) <> (department_id IS NULL)),
    CHECK ((kind = 'monthly') = (month IS NOT NULL))
);
CREATE INDEX work_plans_period ON work_plans (group_id, year, month);

CREATE TABLE work_plan_items (
    id           TEXT PRIMARY KEY,
    plan_id      TEXT NOT NULL REFERENCES work_plans (id),
    ordinal      INTEGER NOT NULL,
    title        TEXT NOT NULL,
    owner_id     TEXT NULL REFERENCES users (id),
    due_on       TEXT NOT NULL,
    done         BOOLEAN NOT NULL,
    done_at      TIMESTAMP NULL,
    done_on      TEXT NULL,
    note         TEXT NULL,
    reminded_at  TIMESTAMP NULL
);
CREATE INDEX work_plan_items_plan ON work_plan_items (plan_id, ordinal);
-- The reminder job reads the open items not yet reminded, by due date.
CREATE INDEX work_plan_items_due ON work_plan_items (done, reminded_at, due_on);

-- The president's monthly confirmation of a handled complaint's responsible department
-- (R-RP-15): one per complaint and month.
CREATE TABLE responsibility_confirmations (
    id             TEXT PRIMARY KEY,
    group_id       TEXT NOT NULL REFERENCES groups (id),
    company_id     TEXT NOT NULL REFERENCES companies (id),
    project_id     TEXT NOT NULL REFERENCES projects (id),
    complaint_id   TEXT NOT NULL REFERENCES complaints (id),
    month          TEXT NOT NULL,
    department_id  TEXT NOT NULL REFERENCES departments (id),
    confirmed_by   TEXT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        BIGINT NOT NULL,
    UNIQUE (complaint_id, month)
);
CREATE INDEX responsibility_confirmations_month ON responsibility_confirmations (group_id, month);

-- The case library (R-RP-4, R-RP-7): typical cases with their facts, analysis, measures and
-- lessons, linked to complaints and photos.
CREATE TABLE cases (
    id           TEXT PRIMARY KEY,
    group_id     TEXT NOT NULL REFERENCES groups (id),
    company_id   TEXT NULL REFERENCES companies (id),
    project_id   TEXT NULL REFERENCES projects (id),
    title        TEXT NOT NULL,
    category     TEXT NULL,
    occurred_on  TEXT NOT NULL,
    facts        TEXT NOT NULL,
    analysis     TEXT NOT NULL,
    measures     TEXT NOT NULL,
    lessons      TEXT NOT NULL,
    tags         TEXT NOT NULL,
    search_text  TEXT NOT NULL,
    created_by   TEXT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX cases_occurred ON cases (group_id, occurred_on);

CREATE TABLE case_complaints (
    case_id       TEXT NOT NULL REFERENCES cases (id),
    complaint_id  TEXT NOT NULL REFERENCES complaints (id),
    PRIMARY KEY (case_id, complaint_id)
);
CREATE INDEX case_complaints_complaint ON case_complaints (complaint_id);

CREATE TABLE case_photos (
    case_id        TEXT NOT NULL REFERENCES cases (id),
    attachment_id  TEXT NOT NULL REFERENCES attachments (id),
    ordinal        INTEGER NOT NULL,
    PRIMARY KEY (case_id, attachment_id)
);
