-- Automation (issue "Automation"): the deadline sweep's index and leases on the clocks, the job
-- runner's record per job and node, the per-user inbox, webhook subscriptions and deliveries,
-- and the outbox's scope so a subscription can be limited to a company or a project.

-- The next instant the sweep must look at a clock (its warning threshold, then its due), NULL
-- when nothing can happen without an event (stopped, cancelled, paused, escalated already).
-- The sweep reads `check_at <= now` through a partial index: its cost grows with the clocks
-- that fall due, not with every clock ever started. A sweep claims a clock by leasing it
-- (`lease_owner`, `lease_until`); a crashed node's lease expires and another node takes over.
ALTER TABLE sla_clocks ADD COLUMN check_at TIMESTAMP NULL;
ALTER TABLE sla_clocks ADD COLUMN warned_at TIMESTAMP NULL;
ALTER TABLE sla_clocks ADD COLUMN breached_at TIMESTAMP NULL;
ALTER TABLE sla_clocks ADD COLUMN lease_owner TEXT NULL;
ALTER TABLE sla_clocks ADD COLUMN lease_until TIMESTAMP NULL;
CREATE INDEX sla_clocks_check ON sla_clocks (check_at) WHERE check_at IS NOT NULL;
-- Clocks started before the sweep existed are looked at once by the first sweep.
UPDATE sla_clocks SET check_at = started_at WHERE state IN ('running', 'warning', 'breached');

-- The outbox's place, for subscriptions limited to a company or a project.
ALTER TABLE outbox ADD COLUMN company_id TEXT NULL;
ALTER TABLE outbox ADD COLUMN project_id TEXT NULL;
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;

-- The last run of each periodic job on each node, for the platform operator.
CREATE TABLE job_runs (
    job               TEXT NOT NULL,
    node              TEXT NOT NULL,
    runs              BIGINT NOT NULL,
    items             BIGINT NOT NULL,
    last_started_at   TIMESTAMP NOT NULL,
    last_finished_at  TIMESTAMP NULL,
    last_items        BIGINT NOT NULL,
    last_error        TEXT NULL,
    PRIMARY KEY (job, node)
);

-- A user's e-mail address, for copies of his inbox when an SMTP server is configured.
ALTER TABLE users ADD COLUMN email TEXT NULL;

-- A user's inbox: written in the transaction of what it tells of.
CREATE TABLE notifications (
    id            TEXT PRIMARY KEY,
    group_id      TEXT NOT NULL REFERENCES groups (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    kind          TEXT NOT NULL,
    subject_type  TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    title         TEXT NOT NULL,
    payload       TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    read_at       TIMESTAMP NULL,
    emailed_at    TIMESTAMP NULL
);
CREATE INDEX notifications_inbox ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at IS NULL;
CREATE INDEX notifications_unmailed ON notifications (id) WHERE emailed_at IS NULL;

-- Webhook subscriptions of a group: event types (JSON array, empty = every type), an optional
-- company or project, the signing secret (`whsec_…`, shown once).
CREATE TABLE webhooks (
    id               TEXT PRIMARY KEY,
    group_id         TEXT NOT NULL REFERENCES groups (id),
    url              TEXT NOT NULL,
    description      TEXT NOT NULL,
    event_types      TEXT NOT NULL,
    company_id       TEXT NULL REFERENCES companies (id),
    project_id       TEXT NULL REFERENCES projects (id),
    secret           TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('active', 'disabled')),
    disabled_reason  TEXT NULL,
    created_by       TEXT NULL,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX webhooks_group ON webhooks (group_id, id);

-- One message of the outbox for one subscription; its id is the `Webhook-Id` every attempt
-- carries, so a receiver can drop a message it has already seen.
CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    webhook_id       TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    outbox_id        TEXT NOT NULL REFERENCES outbox (id),
    event_type       TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts         BIGINT NOT NULL,
    next_attempt_at  TIMESTAMP NULL,
    last_attempt_at  TIMESTAMP NULL,
    last_status      INTEGER NULL,
    last_error       TEXT NULL,
    delivered_at     TIMESTAMP NULL,
    created_at       TIMESTAMP NOT NULL,
    lease_owner      TEXT NULL,
    lease_until      TIMESTAMP NULL,
    UNIQUE (webhook_id, outbox_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE next_attempt_at IS NOT NULL;
CREATE INDEX webhook_deliveries_of ON webhook_deliveries (webhook_id, id);
