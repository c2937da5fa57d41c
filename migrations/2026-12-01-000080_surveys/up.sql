-- Satisfaction surveys (R-SAT-1, R-SAT-2) and improvement plans (R-SAT-3).

-- A campaign of one company over some of its projects: its period, when it opens on the
-- calendar, its collection (10 WD) and tally (3 WD) clocks.
CREATE TABLE surveys (
    id                  TEXT PRIMARY KEY,
    group_id            TEXT NOT NULL REFERENCES groups (id),
    company_id          TEXT NOT NULL REFERENCES companies (id),
    name                TEXT NOT NULL,
    period              TEXT NOT NULL,
    starts_on           TEXT NOT NULL,
    calendar_id         TEXT NOT NULL,
    state               TEXT NOT NULL
        CHECK (state IN ('collecting', 'tallying', 'tallied', 'cancelled')),
    opens_at            TIMESTAMP NOT NULL,
    collection_due_at   TIMESTAMP NOT NULL,
    collection_done_at  TIMESTAMP NULL,
    tally_due_at        TIMESTAMP NOT NULL,
    tally_done_at       TIMESTAMP NULL,
    cancelled_at        TIMESTAMP NULL,
    created_by          TEXT NULL,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    version             BIGINT NOT NULL
);
CREATE INDEX surveys_group_opens ON surveys (group_id, opens_at);

-- The projects a campaign covers (a project-scoped user sees the campaigns of his projects).
CREATE TABLE survey_projects (
    survey_id   TEXT NOT NULL REFERENCES surveys (id),
    project_id  TEXT NOT NULL REFERENCES projects (id),
    PRIMARY KEY (survey_id, project_id)
);
CREATE INDEX survey_projects_project ON survey_projects (project_id);

-- The owners chosen: one row per customer, with the project he is counted in.
CREATE TABLE survey_respondents (
    survey_id       TEXT NOT NULL REFERENCES surveys (id),
    customer_id     TEXT NOT NULL REFERENCES customers (id),
    project_id      TEXT NOT NULL REFERENCES projects (id),
    distributed_at  TIMESTAMP NULL,
    answered_at     TIMESTAMP NULL,
    PRIMARY KEY (survey_id, customer_id)
);

-- One answer per respondent: the scores (a JSON object dimension → 1..5), valid when every
-- dimension is scored.
CREATE TABLE survey_answers (
    id           TEXT PRIMARY KEY,
    survey_id    TEXT NOT NULL REFERENCES surveys (id),
    customer_id  TEXT NOT NULL REFERENCES customers (id),
    project_id   TEXT NOT NULL REFERENCES projects (id),
    scores       TEXT NOT NULL,
    valid        BOOLEAN NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('api', 'csv')),
    created_by   TEXT NULL,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (survey_id, customer_id)
);

-- Each open comment of an answer, answered individually once the company's official position
-- on it is set (R-SAT-1).
CREATE TABLE survey_comments (
    id           TEXT PRIMARY KEY,
    survey_id    TEXT NOT NULL REFERENCES surveys (id),
    answer_id    TEXT NOT NULL REFERENCES survey_answers (id),
    customer_id  TEXT NOT NULL REFERENCES customers (id),
    project_id   TEXT NOT NULL REFERENCES projects (id),
    body         TEXT NOT NULL,
    position     TEXT NULL,
    position_by  TEXT NULL,
    position_at  TIMESTAMP NULL,
    reply        TEXT NULL,
    replied_by   TEXT NULL,
    replied_at   TIMESTAMP NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX survey_comments_survey ON survey_comments (survey_id, id);

-- A department's improvement plan for a year (R-SAT-3), one per department and year.
CREATE TABLE improvement_plans (
    id             TEXT PRIMARY KEY,
    group_id       TEXT NOT NULL REFERENCES groups (id),
    company_id     TEXT NOT NULL REFERENCES companies (id),
    department_id  TEXT NOT NULL REFERENCES departments (id),
    year           INTEGER NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'returned')),
    return_reason  TEXT NULL,
    decided_by     TEXT NULL,
    decided_at     TIMESTAMP NULL,
    created_by     TEXT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        BIGINT NOT NULL,
    UNIQUE (department_id, year)
);

CREATE TABLE improvement_plan_items (
    id        TEXT PRIMARY KEY,
    plan_id   TEXT NOT NULL REFERENCES improvement_plans (id),
    ordinal   INTEGER NOT NULL,
    title     TEXT NOT NULL,
    owner_id  TEXT NOT NULL REFERENCES users (id),
    due_on    TEXT NOT NULL
);
CREATE INDEX improvement_plan_items_plan ON improvement_plan_items (plan_id, ordinal);

-- Quarterly progress of an item: one report per item and quarter (a later one replaces it).
CREATE TABLE improvement_plan_progress (
    item_id      TEXT NOT NULL REFERENCES improvement_plan_items (id),
    quarter      INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    plan_id      TEXT NOT NULL REFERENCES improvement_plans (id),
    percent      INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    note         TEXT NOT NULL,
    reported_by  TEXT NULL,
    reported_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (item_id, quarter)
);
