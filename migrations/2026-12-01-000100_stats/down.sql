DROP INDEX complaint_figures_stats;
DROP INDEX callback_records_stats;
DROP INDEX callback_tasks_stats;
DROP INDEX sla_clocks_stats;
DROP INDEX complaints_stats;
DROP TABLE complaint_figures;
