DROP TABLE complaint_figures;
