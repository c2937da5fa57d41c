-- The grants table as before, without the approval roles.
CREATE TABLE grants_next (
    id              TEXT PRIMARY KEY,
    group_id        TEXT NULL REFERENCES groups (id),
    principal_kind  TEXT NOT NULL CHECK (principal_kind IN ('user', 'client')),
    principal_id    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'platform_operator', 'cs_specialist',
        'cs_manager', 'customer_director', 'office_director', 'vp', 'president',
        'dept_coordinator', 'dept_head', 'property_staff', 'sales_staff', 'brokerage_staff',
        'auditor', 'crm_integration', 'call_center_integration')),
    scope_kind      TEXT NOT NULL CHECK (scope_kind IN ('platform', 'group', 'company', 'project', 'department')),
    scope_id        TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (principal_kind, principal_id, role, scope_kind, scope_id)
);
INSERT INTO grants_next (id, group_id, principal_kind, principal_id, role, scope_kind, scope_id, created_at, version)
    SELECT id, group_id, principal_kind, principal_id, role, scope_kind, scope_id, created_at, version FROM grants
    WHERE role NOT IN ('general_manager', 'development_director', 'regional_hq', 'finance');
DROP TABLE grants;
ALTER TABLE grants_next RENAME TO grants;
CREATE INDEX grants_principal ON grants (principal_id);
CREATE INDEX grants_group ON grants (group_id, id);
