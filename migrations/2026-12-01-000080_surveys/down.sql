DROP TABLE improvement_plan_progress;
DROP TABLE improvement_plan_items;
DROP TABLE improvement_plans;
DROP TABLE survey_comments;
DROP TABLE survey_answers;
DROP TABLE survey_respondents;
DROP TABLE survey_projects;
DROP TABLE surveys;
