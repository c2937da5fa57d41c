-- Erased customers stay anonymised; only the instant of their erasure is forgotten.

ALTER TABLE customers DROP COLUMN erased_at;
