ALTER TABLE projects DROP COLUMN move_in_ends_on;
DROP TABLE report_submissions;
DROP TABLE report_obligations;
DROP TABLE report_definitions;
