-- Identity, organisation and access: groups (tenants), grants instead of users.is_admin,
-- the organisation tree, customers, integration clients, login limiting, idempotency keys.

CREATE TABLE groups (
    id           TEXT PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    disabled_at  TIMESTAMP NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);

-- Users belong to one group; platform operators may belong to none.
ALTER TABLE users ADD COLUMN group_id TEXT NULL REFERENCES groups (id);
CREATE INDEX users_group ON users (group_id, id);

CREATE TABLE grants (
    id              TEXT PRIMARY KEY,
    group_id        TEXT NULL REFERENCES groups (id),
    principal_kind  TEXT NOT NULL CHECK (principal_kind IN ('user', 'client')),
    principal_id    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'platform_operator', 'cs_specialist',
        'cs_manager', 'customer_director', 'office_director', 'vp', 'president',
        'dept_coordinator', 'dept_head', 'property_staff', 'sales_staff', 'brokerage_staff',
        'auditor', 'crm_integration', 'call_center_integration')),
    scope_kind      TEXT NOT NULL CHECK (scope_kind IN ('platform', 'group', 'company', 'project', 'department')),
    -- The group, company, project or department id; 'platform' for the platform scope.
    scope_id        TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (principal_kind, principal_id, role, scope_kind, scope_id)
);
CREATE INDEX grants_principal ON grants (principal_id);
CREATE INDEX grants_group ON grants (group_id, id);

-- Existing users join a default group (only when there are users to keep); administrators
-- stay administrators: admin of that group and platform operator.
INSERT INTO groups (id, code, name, created_at, updated_at, version)
    SELECT '00000000-0000-7000-8000-000000000001', 'default', 'Default group',
           MIN(created_at), MIN(created_at), 1
    FROM users HAVING COUNT(*) > 0;
UPDATE users SET group_id = '00000000-0000-7000-8000-000000000001';
INSERT INTO grants (id, group_id, principal_kind, principal_id, role, scope_kind, scope_id, created_at, version)
    SELECT id || '-admin', '00000000-0000-7000-8000-000000000001', 'user', id, 'admin', 'group',
           '00000000-0000-7000-8000-000000000001', created_at, 1
    FROM users WHERE is_admin;
INSERT INTO grants (id, group_id, principal_kind, principal_id, role, scope_kind, scope_id, created_at, version)
    SELECT id || '-platform', NULL, 'user', id, 'platform_operator', 'platform', 'platform', created_at, 1
    FROM users WHERE is_admin;
ALTER TABLE users DROP COLUMN is_admin;

CREATE TABLE companies (
    id           TEXT PRIMARY KEY,
    group_id     TEXT NOT NULL REFERENCES groups (id),
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('developer', 'property_management', 'brokerage')),
    archived_at  TIMESTAMP NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (group_id, name)
);

CREATE TABLE projects (
    id                TEXT PRIMARY KEY,
    group_id          TEXT NOT NULL REFERENCES groups (id),
    company_id        TEXT NOT NULL REFERENCES companies (id),
    name              TEXT NOT NULL,
    city              TEXT NULL,
    -- R-RP-14 contacts, JSON documents {name, landline, mobile, email}.
    cs_contact        TEXT NULL,
    property_contact  TEXT NULL,
    archived_at       TIMESTAMP NULL,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (company_id, name)
);
CREATE INDEX projects_group ON projects (group_id, id);

CREATE TABLE buildings (
    id           TEXT PRIMARY KEY,
    group_id     TEXT NOT NULL REFERENCES groups (id),
    company_id   TEXT NOT NULL REFERENCES companies (id),
    project_id   TEXT NOT NULL REFERENCES projects (id),
    name         TEXT NOT NULL,
    archived_at  TIMESTAMP NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (project_id, name)
);
CREATE INDEX buildings_group ON buildings (group_id, id);

CREATE TABLE units (
    id           TEXT PRIMARY KEY,
    group_id     TEXT NOT NULL REFERENCES groups (id),
    company_id   TEXT NOT NULL REFERENCES companies (id),
    project_id   TEXT NOT NULL REFERENCES projects (id),
    building_id  TEXT NOT NULL REFERENCES buildings (id),
    number       TEXT NOT NULL,
    floor        TEXT NULL,
    archived_at  TIMESTAMP NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (building_id, number)
);
CREATE INDEX units_group ON units (group_id, id);
CREATE INDEX units_project ON units (project_id);

CREATE TABLE departments (
    id              TEXT PRIMARY KEY,
    group_id        TEXT NOT NULL REFERENCES groups (id),
    company_id      TEXT NOT NULL REFERENCES companies (id),
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('customer_center', 'engineering', 'marketing',
        'cost_control', 'finance', 'administration', 'property_service', 'sales', 'brokerage', 'other')),
    coordinator_id  TEXT NULL REFERENCES users (id),
    archived_at     TIMESTAMP NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (company_id, name)
);
CREATE INDEX departments_group ON departments (group_id, id);

CREATE TABLE customers (
    id           TEXT PRIMARY KEY,
    group_id     TEXT NOT NULL REFERENCES groups (id),
    name         TEXT NOT NULL,
    -- JSON array of numbers; personal data, shown masked.
    phones       TEXT NOT NULL,
    archived_at  TIMESTAMP NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX customers_group ON customers (group_id, id);

-- Which units a customer owns; a customer is visible to whoever may see one of these projects.
CREATE TABLE customer_units (
    customer_id         TEXT NOT NULL REFERENCES customers (id),
    unit_id             TEXT NOT NULL REFERENCES units (id),
    group_id            TEXT NOT NULL REFERENCES groups (id),
    company_id          TEXT NOT NULL REFERENCES companies (id),
    project_id          TEXT NOT NULL REFERENCES projects (id),
    contract_signed_on  TEXT NULL,
    handed_over_on      TEXT NULL,
    PRIMARY KEY (customer_id, unit_id)
);
CREATE INDEX customer_units_project ON customer_units (project_id, customer_id);
CREATE INDEX customer_units_company ON customer_units (company_id, customer_id);

CREATE TABLE integration_clients (
    id           TEXT PRIMARY KEY,
    group_id     TEXT NOT NULL REFERENCES groups (id),
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    disabled_at  TIMESTAMP NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (group_id, name)
);

-- Failed sign-ins per account and per address, for limiting.
CREATE TABLE login_attempts (
    key           TEXT PRIMARY KEY,
    failures      BIGINT NOT NULL,
    window_start  TIMESTAMP NOT NULL,
    locked_until  TIMESTAMP NULL
);

-- Idempotency-Key: the first response of a create, replayed for the same key and body.
CREATE TABLE idempotency_keys (
    principal    TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
    status       BIGINT NULL,
    headers      TEXT NULL,
    body         TEXT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
