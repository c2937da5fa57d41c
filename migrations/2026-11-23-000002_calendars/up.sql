-- Business calendars, their yearly holiday schedules, the versioned SLA policy and the SLA
-- clocks computed from them.

CREATE TABLE calendars (
    id                    TEXT PRIMARY KEY,
    name                  TEXT NOT NULL,
    is_default            BOOLEAN NOT NULL DEFAULT FALSE,
    time_zone             TEXT NOT NULL,
    week                  TEXT NOT NULL,
    standard_day_minutes  INTEGER NOT NULL CHECK (standard_day_minutes BETWEEN 1 AND 1440),
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    version               BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);
-- At most one default calendar, also when several nodes start at once.
CREATE UNIQUE INDEX calendars_one_default ON calendars (is_default) WHERE is_default;

-- One official schedule per calendar and year, stored as the JSON document it is imported as.
CREATE TABLE calendar_years (
    calendar_id  TEXT NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
    year         INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2150),
    source       TEXT NULL,
    document     TEXT NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (calendar_id, year)
);

-- The SLA policy: every edit is a new version; the highest is in force.
CREATE TABLE sla_policies (
    version     BIGINT PRIMARY KEY CHECK (version >= 1),
    document    TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NULL
);

-- One row per running (or finished) clock of a subject (a complaint, a work order, …).
CREATE TABLE sla_clocks (
    id              TEXT PRIMARY KEY,
    subject_type    TEXT NOT NULL,
    subject_id      TEXT NOT NULL,
    clock           TEXT NOT NULL,
    rule_id         TEXT NOT NULL,
    calendar_id     TEXT NOT NULL REFERENCES calendars (id),
    policy_version  BIGINT NOT NULL REFERENCES sla_policies (version),
    started_at      TIMESTAMP NOT NULL,
    stopped_at      TIMESTAMP NULL,
    due_at          TIMESTAMP NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('running', 'paused', 'warning', 'breached', 'met', 'met_late')),
    run             TEXT NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (subject_type, subject_id, clock)
);
-- Overdue filters and deadline sweeps scan what is due, not every clock ever started.
CREATE INDEX sla_clocks_state_due ON sla_clocks (state, due_at);
CREATE INDEX sla_clocks_calendar ON sla_clocks (calendar_id, state);
