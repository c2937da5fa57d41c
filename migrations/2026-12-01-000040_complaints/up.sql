-- The complaint lifecycle (RULES.md §1–§4): complaints and the front-desk requests that share
-- the engine, their immutable timeline, work orders to departments, contractors, shared
-- problems and major customer events, attachments, the per-company yearly numbering and the
-- outbox for the webhooks to come. Projects name the calendar their clocks run on.

ALTER TABLE projects ADD COLUMN calendar_id TEXT NULL;

-- TS-<year>-<6 digits>, per company and year: the next number is a counter row taken in the
-- intake's transaction.
CREATE TABLE complaint_numbers (
    company_id  TEXT NOT NULL REFERENCES companies (id),
    year        INTEGER NOT NULL,
    last        BIGINT NOT NULL,
    PRIMARY KEY (company_id, year)
);

-- A shared problem (共性问题) several households complain about (R-EVT-1).
CREATE TABLE problems (
    id                 TEXT PRIMARY KEY,
    group_id           TEXT NOT NULL REFERENCES groups (id),
    company_id         TEXT NOT NULL REFERENCES companies (id),
    project_id         TEXT NOT NULL REFERENCES projects (id),
    title              TEXT NOT NULL,
    customer_event_id  TEXT NULL,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX problems_group ON problems (group_id, id);
CREATE INDEX problems_project ON problems (project_id, id);

-- A major customer event (重大客户事件, R-EVT): opened at most once per shared problem.
CREATE TABLE customer_events (
    id           TEXT PRIMARY KEY,
    group_id     TEXT NOT NULL REFERENCES groups (id),
    company_id   TEXT NOT NULL REFERENCES companies (id),
    project_id   TEXT NOT NULL REFERENCES projects (id),
    problem_id   TEXT NULL REFERENCES problems (id),
    rules        TEXT NOT NULL,
    title        TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('open', 'reported', 'closed')),
    opened_at    TIMESTAMP NOT NULL,
    report       TEXT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (problem_id)
);
CREATE INDEX customer_events_group ON customer_events (group_id, id);
CREATE INDEX customer_events_project ON customer_events (project_id, id);

CREATE TABLE complaints (
    id                         TEXT PRIMARY KEY,
    group_id                   TEXT NOT NULL REFERENCES groups (id),
    company_id                 TEXT NOT NULL REFERENCES companies (id),
    project_id                 TEXT NOT NULL REFERENCES projects (id),
    number                     TEXT NOT NULL,
    kind                       TEXT NOT NULL,
    channel                    TEXT NOT NULL,
    warning_source             TEXT NULL,
    customer_id                TEXT NULL REFERENCES customers (id),
    unit_id                    TEXT NULL REFERENCES units (id),
    category                   TEXT NULL,
    description                TEXT NOT NULL,
    amount_claimed_fen         BIGINT NOT NULL DEFAULT 0 CHECK (amount_claimed_fen >= 0),
    flags                      TEXT NOT NULL DEFAULT '[]',
    grade                      TEXT NOT NULL CHECK (grade IN ('general', 'important', 'major')),
    grade_rules                TEXT NOT NULL,
    state                      TEXT NOT NULL,
    paused_from                TEXT NULL,
    received_at                TIMESTAMP NOT NULL,
    receiver_id                TEXT NOT NULL,
    owner_id                   TEXT NOT NULL,
    tracker_id                 TEXT NOT NULL,
    callback_owner_id          TEXT NOT NULL,
    responsible_department_id  TEXT NULL REFERENCES departments (id),
    problem_id                 TEXT NULL REFERENCES problems (id),
    household                  TEXT NULL,
    customer_event_id          TEXT NULL REFERENCES customer_events (id),
    source_system              TEXT NULL,
    external_ref               TEXT NULL,
    created_at                 TIMESTAMP NOT NULL,
    updated_at                 TIMESTAMP NOT NULL,
    version                    BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (company_id, number)
);
CREATE UNIQUE INDEX complaints_external ON complaints (group_id, source_system, external_ref)
    WHERE source_system IS NOT NULL AND external_ref IS NOT NULL;
CREATE INDEX complaints_group ON complaints (group_id, id);
CREATE INDEX complaints_project ON complaints (project_id, id);
CREATE INDEX complaints_state ON complaints (group_id, state, id);
CREATE INDEX complaints_received ON complaints (group_id, received_at);
CREATE INDEX complaints_owner ON complaints (owner_id, id);
CREATE INDEX complaints_customer ON complaints (customer_id, id);
CREATE INDEX complaints_problem ON complaints (problem_id);
CREATE INDEX complaints_department ON complaints (responsible_department_id, id);

-- The timeline: every transition, change, note and hand-over, immutable (no code path changes
-- or removes one).
CREATE TABLE complaint_events (
    id            TEXT PRIMARY KEY,
    complaint_id  TEXT NOT NULL REFERENCES complaints (id),
    at            TIMESTAMP NOT NULL,
    actor_kind    TEXT NOT NULL CHECK (actor_kind IN ('user', 'client', 'system')),
    actor_id      TEXT NULL,
    kind          TEXT NOT NULL,
    action        TEXT NULL,
    from_state    TEXT NULL,
    to_state      TEXT NULL,
    payload       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, id);

CREATE TABLE contractors (
    id                    TEXT PRIMARY KEY,
    group_id              TEXT NOT NULL REFERENCES groups (id),
    name                  TEXT NOT NULL,
    licence               TEXT NULL,
    warranty_deposit_fen  BIGINT NOT NULL DEFAULT 0 CHECK (warranty_deposit_fen >= 0),
    warranty_ends_on      TEXT NULL,
    archived_at           TIMESTAMP NULL,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    version               BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (group_id, name)
);

-- A work order / contact sheet (工作联系单) to a department (R-WO, R-T-7).
CREATE TABLE work_orders (
    id                 TEXT PRIMARY KEY,
    group_id           TEXT NOT NULL REFERENCES groups (id),
    company_id         TEXT NOT NULL REFERENCES companies (id),
    project_id         TEXT NOT NULL REFERENCES projects (id),
    department_id      TEXT NOT NULL REFERENCES departments (id),
    complaint_id       TEXT NOT NULL REFERENCES complaints (id),
    request            TEXT NOT NULL,
    site_survey        BOOLEAN NOT NULL,
    complex            BOOLEAN NOT NULL,
    state              TEXT NOT NULL,
    sent_at            TIMESTAMP NOT NULL,
    reply              TEXT NULL,
    reply_due_at       TIMESTAMP NULL,
    contractor_id      TEXT NULL REFERENCES contractors (id),
    deadline           TIMESTAMP NULL,
    failures           TEXT NOT NULL DEFAULT '{}',
    disqualified       TEXT NOT NULL DEFAULT '[]',
    due_at             TIMESTAMP NULL,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX work_orders_group ON work_orders (group_id, id);
CREATE INDEX work_orders_department ON work_orders (department_id, state, id);
CREATE INDEX work_orders_complaint ON work_orders (complaint_id, id);
CREATE INDEX work_orders_due ON work_orders (group_id, due_at);

-- Photos, scans, recordings: the bytes live in the attachment store, named by their key.
CREATE TABLE attachments (
    id            TEXT PRIMARY KEY,
    group_id      TEXT NOT NULL REFERENCES groups (id),
    company_id    TEXT NOT NULL REFERENCES companies (id),
    project_id    TEXT NOT NULL REFERENCES projects (id),
    complaint_id  TEXT NOT NULL REFERENCES complaints (id),
    file_name     TEXT NOT NULL,
    media_type    TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    storage_key   TEXT NOT NULL,
    uploaded_by   TEXT NULL,
    uploaded_at   TIMESTAMP NOT NULL
);
CREATE INDEX attachments_complaint ON attachments (complaint_id, id);

-- Messages for other systems (webhooks to come), written in the transaction of their cause.
CREATE TABLE outbox (
    id            TEXT PRIMARY KEY,
    group_id      TEXT NOT NULL REFERENCES groups (id),
    topic         TEXT NOT NULL,
    subject_type  TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    payload       TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    published_at  TIMESTAMP NULL
);
CREATE INDEX outbox_pending ON outbox (published_at, id);

-- Clocks can be cancelled (an escalated complaint is no longer settled alone, a withdrawn one
-- needs nothing more), and a clock may run more than once for one subject (a complaint
-- escalated again after a reopening drafts a new plan): the table is rebuilt with the new
-- state and without the one-instance-per-clock rule, the same way on both backends.
CREATE TABLE sla_clocks_next (
    id              TEXT PRIMARY KEY,
    subject_type    TEXT NOT NULL,
    subject_id      TEXT NOT NULL,
    clock           TEXT NOT NULL,
    rule_id         TEXT NOT NULL,
    calendar_id     TEXT NOT NULL REFERENCES calendars (id),
    policy_id       TEXT NOT NULL REFERENCES sla_policies (id),
    policy_version  BIGINT NOT NULL,
    started_at      TIMESTAMP NOT NULL,
    stopped_at      TIMESTAMP NULL,
    due_at          TIMESTAMP NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('running', 'paused', 'warning', 'breached', 'met', 'met_late', 'cancelled')),
    run             TEXT NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);
INSERT INTO sla_clocks_next (id, subject_type, subject_id, clock, rule_id, calendar_id, policy_id,
        policy_version, started_at, stopped_at, due_at, state, run, updated_at, version)
    SELECT id, subject_type, subject_id, clock, rule_id, calendar_id, policy_id,
        policy_version, started_at, stopped_at, due_at, state, run, updated_at, version
    FROM sla_clocks;
DROP TABLE sla_clocks;
ALTER TABLE sla_clocks_next RENAME TO sla_clocks;
CREATE INDEX sla_clocks_subject ON sla_clocks (subject_type, subject_id, id);
CREATE INDEX sla_clocks_state_due ON sla_clocks (state, due_at);
CREATE INDEX sla_clocks_calendar ON sla_clocks (calendar_id, state);
