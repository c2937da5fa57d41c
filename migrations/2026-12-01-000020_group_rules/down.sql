-- Back to deployment-wide rules: the groups' own calendars, policies and clocks are dropped,
-- the templates stay.

DROP INDEX audit_events_group;
ALTER TABLE audit_events DROP COLUMN department_id;
ALTER TABLE audit_events DROP COLUMN project_id;
ALTER TABLE audit_events DROP COLUMN company_id;
ALTER TABLE audit_events DROP COLUMN group_id;

CREATE TABLE sla_policies_prev (
    version     BIGINT PRIMARY KEY CHECK (version >= 1),
    document    TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NULL
);
INSERT INTO sla_policies_prev (version, document, created_at, created_by)
    SELECT version, document, created_at, created_by FROM sla_policies WHERE group_id IS NULL;
CREATE TABLE sla_clocks_prev (
    id              TEXT PRIMARY KEY,
    subject_type    TEXT NOT NULL,
    subject_id      TEXT NOT NULL,
    clock           TEXT NOT NULL,
    rule_id         TEXT NOT NULL,
    calendar_id     TEXT NOT NULL REFERENCES calendars (id),
    policy_version  BIGINT NOT NULL REFERENCES sla_policies_prev (version),
    started_at      TIMESTAMP NOT NULL,
    stopped_at      TIMESTAMP NULL,
    due_at          TIMESTAMP NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('running', 'paused', 'warning', 'breached', 'met', 'met_late')),
    run             TEXT NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (subject_type, subject_id, clock)
);
INSERT INTO sla_clocks_prev (id, subject_type, subject_id, clock, rule_id, calendar_id,
        policy_version, started_at, stopped_at, due_at, state, run, updated_at, version)
    SELECT c.id, c.subject_type, c.subject_id, c.clock, c.rule_id, c.calendar_id, c.policy_version,
        c.started_at, c.stopped_at, c.due_at, c.state, c.run, c.updated_at, c.version
    FROM sla_clocks c JOIN sla_policies p ON p.id = c.policy_id
    WHERE p.group_id IS NULL AND c.calendar_id IN (SELECT id FROM calendars WHERE group_id IS NULL);
DROP TABLE sla_clocks;
DROP TABLE sla_policies;
ALTER TABLE sla_policies_prev RENAME TO sla_policies;
ALTER TABLE sla_clocks_prev RENAME TO sla_clocks;
CREATE INDEX sla_clocks_state_due ON sla_clocks (state, due_at);
CREATE INDEX sla_clocks_calendar ON sla_clocks (calendar_id, state);

DELETE FROM calendar_years WHERE calendar_id IN (SELECT id FROM calendars WHERE group_id IS NOT NULL);
DELETE FROM calendars WHERE group_id IS NOT NULL;
DROP INDEX calendars_base;
DROP INDEX calendars_group;
DROP INDEX calendars_one_default;
ALTER TABLE calendars DROP COLUMN base_calendar_id;
ALTER TABLE calendars DROP COLUMN group_id;
CREATE UNIQUE INDEX calendars_one_default ON calendars (is_default) WHERE is_default;
