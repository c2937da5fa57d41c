-- Approvals (R-AP) and the customer-service fund (R-AP-3).

-- The approval matrix of a group (company_id '') or a company's override, one row per version.
CREATE TABLE approval_policies (
    id          TEXT PRIMARY KEY,
    group_id    TEXT NOT NULL REFERENCES groups (id),
    company_id  TEXT NOT NULL DEFAULT '',
    version     BIGINT NOT NULL CHECK (version >= 1),
    document    TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NULL,
    UNIQUE (group_id, company_id, version)
);

-- A request keeps the steps of the policy version it started with.
CREATE TABLE approval_requests (
    id              TEXT PRIMARY KEY,
    group_id        TEXT NOT NULL REFERENCES groups (id),
    company_id      TEXT NOT NULL REFERENCES companies (id),
    project_id      TEXT NOT NULL REFERENCES projects (id),
    department_id   TEXT NULL REFERENCES departments (id),
    complaint_id    TEXT NULL REFERENCES complaints (id),
    subject_type    TEXT NULL,
    subject_id      TEXT NULL,
    document        TEXT NOT NULL,
    grade           TEXT NOT NULL,
    amount_fen      BIGINT NULL CHECK (amount_fen >= 0),
    to_grade        TEXT NULL,
    special         BOOLEAN NOT NULL,
    summary         TEXT NOT NULL,
    policy_company_id TEXT NOT NULL,
    policy_version  BIGINT NOT NULL,
    steps           TEXT NOT NULL,
    named_users     TEXT NOT NULL DEFAULT '[]',
    state           TEXT NOT NULL,
    round           BIGINT NOT NULL DEFAULT 1,
    step_index      BIGINT NOT NULL DEFAULT 0,
    awaited_roles   TEXT NOT NULL DEFAULT '',
    decided_by      TEXT NOT NULL DEFAULT '',
    preparer_id     TEXT NOT NULL,
    return_comment  TEXT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX approval_requests_state ON approval_requests (group_id, state, id);
CREATE INDEX approval_requests_complaint ON approval_requests (complaint_id);

-- Every decision, immutable; one per user, step and round.
CREATE TABLE approval_decisions (
    id          TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL REFERENCES approval_requests (id),
    round       BIGINT NOT NULL,
    step_index  BIGINT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    role        TEXT NOT NULL,
    decision    TEXT NOT NULL,
    comment     TEXT NULL,
    decided_at  TIMESTAMP NOT NULL,
    UNIQUE (request_id, round, step_index, user_id)
);

-- One fund account per project; the balance never goes below zero.
CREATE TABLE fund_accounts (
    id            TEXT PRIMARY KEY,
    group_id      TEXT NOT NULL REFERENCES groups (id),
    company_id    TEXT NOT NULL REFERENCES companies (id),
    project_id    TEXT NOT NULL UNIQUE REFERENCES projects (id),
    balance_fen   BIGINT NOT NULL DEFAULT 0 CHECK (balance_fen >= 0),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);

-- A payment from the fund, approved before it is paid.
CREATE TABLE disbursements (
    id            TEXT PRIMARY KEY,
    group_id      TEXT NOT NULL REFERENCES groups (id),
    company_id    TEXT NOT NULL REFERENCES companies (id),
    project_id    TEXT NOT NULL REFERENCES projects (id),
    account_id    TEXT NOT NULL REFERENCES fund_accounts (id),
    complaint_id  TEXT NOT NULL REFERENCES complaints (id),
    amount_fen    BIGINT NOT NULL CHECK (amount_fen > 0),
    fund_use      TEXT NOT NULL,
    state         TEXT NOT NULL,
    approval_id   TEXT NOT NULL REFERENCES approval_requests (id),
    paid_at       TIMESTAMP NULL,
    paid_by       TEXT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);

-- The ledger: credits by source, debits by use; immutable.
CREATE TABLE fund_entries (
    id               TEXT PRIMARY KEY,
    account_id       TEXT NOT NULL REFERENCES fund_accounts (id),
    direction        TEXT NOT NULL,
    category         TEXT NOT NULL,
    amount_fen       BIGINT NOT NULL CHECK (amount_fen > 0),
    balance_after_fen BIGINT NOT NULL,
    complaint_id     TEXT NULL REFERENCES complaints (id),
    disbursement_id  TEXT NULL REFERENCES disbursements (id),
    reference        TEXT NULL,
    note             TEXT NULL,
    recorded_by      TEXT NULL,
    recorded_at      TIMESTAMP NOT NULL
);
CREATE INDEX fund_entries_account ON fund_entries (account_id, id);

-- The decision committee (R-AP-2): a written countersign (its approval request) or a meeting.
CREATE TABLE committee_decisions (
    id                 TEXT PRIMARY KEY,
    group_id           TEXT NOT NULL REFERENCES groups (id),
    company_id         TEXT NOT NULL REFERENCES companies (id),
    project_id         TEXT NOT NULL REFERENCES projects (id),
    complaint_id       TEXT NULL REFERENCES complaints (id),
    customer_event_id  TEXT NULL REFERENCES customer_events (id),
    form               TEXT NOT NULL,
    matter             TEXT NOT NULL,
    state              TEXT NOT NULL,
    approval_id        TEXT NULL REFERENCES approval_requests (id),
    chair_id           TEXT NULL REFERENCES users (id),
    member_ids         TEXT NOT NULL DEFAULT '[]',
    held_at            TIMESTAMP NULL,
    minutes            TEXT NULL,
    decision           TEXT NULL,
    decided_at         TIMESTAMP NULL,
    recorded_by        TEXT NULL,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX committee_decisions_complaint ON committee_decisions (complaint_id);
CREATE INDEX committee_decisions_event ON committee_decisions (customer_event_id);
