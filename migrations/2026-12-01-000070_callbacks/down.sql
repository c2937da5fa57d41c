ALTER TABLE projects DROP COLUMN handover_on;
DROP TABLE callback_batch_items;
DROP TABLE callback_batches;
DROP TABLE callback_records;
DROP TABLE callback_tasks;
