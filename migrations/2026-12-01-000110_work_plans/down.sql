DROP TABLE case_photos;
DROP TABLE case_complaints;
DROP TABLE cases;
DROP TABLE responsibility_confirmations;
DROP TABLE work_plan_items;
DROP TABLE work_plans;
