-- Each group owns its rules: calendars and SLA policies belong to a group, or (group_id NULL)
-- are the deployment-wide templates every group starts from; a calendar may inherit a
-- template's yearly schedules. Clocks name the policy version they run under. Audit events
-- record where their record sits, so admins and auditors read the trail within their scope.
-- The new columns carry no REFERENCES: SQLite cannot drop such a column when this migration
-- is reverted, and kefu keeps them consistent itself.

ALTER TABLE calendars ADD COLUMN group_id TEXT NULL;
ALTER TABLE calendars ADD COLUMN base_calendar_id TEXT NULL;
DROP INDEX calendars_one_default;
-- At most one default per owner (a group, or the templates).
CREATE UNIQUE INDEX calendars_one_default ON calendars (COALESCE(group_id, '')) WHERE is_default;
CREATE INDEX calendars_group ON calendars (group_id, id);
CREATE INDEX calendars_base ON calendars (base_calendar_id);

CREATE TABLE sla_policies_next (
    id          TEXT PRIMARY KEY,
    group_id    TEXT NULL REFERENCES groups (id),
    version     BIGINT NOT NULL CHECK (version >= 1),
    document    TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NULL
);
INSERT INTO sla_policies_next (id, group_id, version, document, created_at, created_by)
    SELECT 'template-' || CAST(version AS TEXT), NULL, version, document, created_at, created_by
    FROM sla_policies;

CREATE TABLE sla_clocks_next (
    id              TEXT PRIMARY KEY,
    subject_type    TEXT NOT NULL,
    subject_id      TEXT NOT NULL,
    clock           TEXT NOT NULL,
    rule_id         TEXT NOT NULL,
    calendar_id     TEXT NOT NULL REFERENCES calendars (id),
    policy_id       TEXT NOT NULL REFERENCES sla_policies_next (id),
    policy_version  BIGINT NOT NULL,
    started_at      TIMESTAMP NOT NULL,
    stopped_at      TIMESTAMP NULL,
    due_at          TIMESTAMP NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('running', 'paused', 'warning', 'breached', 'met', 'met_late')),
    run             TEXT NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (subject_type, subject_id, clock)
);
INSERT INTO sla_clocks_next (id, subject_type, subject_id, clock, rule_id, calendar_id, policy_id,
        policy_version, started_at, stopped_at, due_at, state, run, updated_at, version)
    SELECT id, subject_type, subject_id, clock, rule_id, calendar_id,
        'template-' || CAST(policy_version AS TEXT), policy_version, started_at, stopped_at,
        due_at, state, run, updated_at, version
    FROM sla_clocks;

DROP TABLE sla_clocks;
DROP TABLE sla_policies;
ALTER TABLE sla_policies_next RENAME TO sla_policies;
ALTER TABLE sla_clocks_next RENAME TO sla_clocks;
-- One version number per owner; concurrent edits of one version: one insert wins.
CREATE UNIQUE INDEX sla_policies_version ON sla_policies (COALESCE(group_id, ''), version);
CREATE INDEX sla_clocks_state_due ON sla_clocks (state, due_at);
CREATE INDEX sla_clocks_calendar ON sla_clocks (calendar_id, state);

ALTER TABLE audit_events ADD COLUMN group_id TEXT NULL;
ALTER TABLE audit_events ADD COLUMN company_id TEXT NULL;
ALTER TABLE audit_events ADD COLUMN project_id TEXT NULL;
ALTER TABLE audit_events ADD COLUMN department_id TEXT NULL;
CREATE INDEX audit_events_group ON audit_events (group_id, id);
