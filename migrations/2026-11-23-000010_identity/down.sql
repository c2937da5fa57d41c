DROP TABLE IF EXISTS idempotency_keys;
DROP TABLE IF EXISTS login_attempts;
DROP TABLE IF EXISTS integration_clients;
DROP TABLE IF EXISTS customer_units;
DROP TABLE IF EXISTS customers;
DROP TABLE IF EXISTS departments;
DROP TABLE IF EXISTS units;
DROP TABLE IF EXISTS buildings;
DROP TABLE IF EXISTS projects;
DROP TABLE IF EXISTS companies;
ALTER TABLE users ADD COLUMN is_admin BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE users SET is_admin = TRUE
    WHERE id IN (SELECT principal_id FROM grants WHERE role = 'admin' AND principal_kind = 'user');
DROP TABLE IF EXISTS grants;
DROP INDEX IF EXISTS users_group;
ALTER TABLE users DROP COLUMN group_id;
DROP TABLE IF EXISTS groups;
