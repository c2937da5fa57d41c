DROP TABLE IF EXISTS sla_clocks;
DROP TABLE IF EXISTS sla_policies;
DROP TABLE IF EXISTS calendar_years;
DROP TABLE IF EXISTS calendars;
