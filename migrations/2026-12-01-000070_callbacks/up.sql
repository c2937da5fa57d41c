-- Callbacks (回访, RULES.md §6): the tasks that call customers back, each record of a call,
-- and the Monday batches with their reproducible samples (R-CB-1). Projects gain the date of
-- their mass handover, which starts the node callbacks one month later (R-T-12).

-- One task per customer contact to make. `open_key` names what the task is about while it is
-- open (`complaint:<id>` for the R-T-6 / R-CB-2 / Monday callbacks of a complaint, which never
-- duplicate each other; `complaint:<id>:complaint_closed`, `unit:<customer>:<unit>:contract_signed`,
-- … for node callbacks); it is NULL once the task is done, failed or cancelled, so the unique
-- index holds one open task per key even when two transactions race.
CREATE TABLE callback_tasks (
    id              TEXT PRIMARY KEY,
    group_id        TEXT NOT NULL,
    company_id      TEXT NOT NULL,
    project_id      TEXT NOT NULL,
    complaint_id    TEXT NULL,
    customer_id     TEXT NULL,
    unit_id         TEXT NULL,
    reason          TEXT NOT NULL,
    reasons         TEXT NOT NULL,
    state           TEXT NOT NULL,
    open_key        TEXT NULL,
    started_at      TIMESTAMP NOT NULL,
    nominal_due_at  TIMESTAMP NOT NULL,
    due_at          TIMESTAMP NOT NULL,
    assignee_id     TEXT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at TIMESTAMP NULL,
    finished_at     TIMESTAMP NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL
);
CREATE UNIQUE INDEX callback_tasks_open_key ON callback_tasks (open_key);
CREATE INDEX callback_tasks_due ON callback_tasks (group_id, state, due_at);
CREATE INDEX callback_tasks_complaint ON callback_tasks (complaint_id);
CREATE INDEX callback_tasks_assignee ON callback_tasks (assignee_id, state);

-- Every call, visit, letter or e-mail (R-CB-3: every callback leaves a record).
CREATE TABLE callback_records (
    id                TEXT PRIMARY KEY,
    task_id           TEXT NOT NULL REFERENCES callback_tasks (id),
    group_id          TEXT NOT NULL,
    attempt           BIGINT NOT NULL,
    method            TEXT NOT NULL,
    recording_ref     TEXT NULL,
    signature_ref     TEXT NULL,
    reached           BOOLEAN NOT NULL,
    scores            TEXT NOT NULL,
    satisfaction      BIGINT NULL,
    comment           TEXT NULL,
    outcome           TEXT NOT NULL,
    complaint_id      TEXT NULL,
    new_complaint_id  TEXT NULL,
    recorded_by       TEXT NULL,
    recorded_at       TIMESTAMP NOT NULL
);
CREATE INDEX callback_records_task ON callback_records (task_id, recorded_at);

-- A Monday batch (R-CB-1): the week it covers, the seed of its sample and what it chose.
CREATE TABLE callback_batches (
    id              TEXT PRIMARY KEY,
    group_id        TEXT NOT NULL,
    week_of         TEXT NOT NULL,
    run_on          TEXT NOT NULL,
    period_start    TEXT NOT NULL,
    period_end      TEXT NOT NULL,
    seed            TEXT NOT NULL,
    sample_percent  BIGINT NOT NULL,
    in_progress     BIGINT NOT NULL,
    sample_ids      TEXT NOT NULL,
    created_by      TEXT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX callback_batches_week ON callback_batches (group_id, week_of);

-- The batch's tracking list: each complaint it called back and the task that does it.
CREATE TABLE callback_batch_items (
    batch_id      TEXT NOT NULL REFERENCES callback_batches (id),
    complaint_id  TEXT NOT NULL,
    task_id       TEXT NOT NULL,
    sampled       BOOLEAN NOT NULL,
    PRIMARY KEY (batch_id, complaint_id)
);

ALTER TABLE projects ADD COLUMN handover_on TEXT NULL;
