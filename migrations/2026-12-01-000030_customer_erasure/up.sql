-- A customer erased on his request (PIPL): when it happened. The record, its id and its units
-- stay (statistics and node callbacks count from them); his name and phones are gone.

ALTER TABLE customers ADD COLUMN erased_at TIMESTAMP NULL;
