DROP TABLE committee_decisions;
DROP TABLE fund_entries;
DROP TABLE disbursements;
DROP TABLE fund_accounts;
DROP TABLE approval_decisions;
DROP TABLE approval_requests;
DROP TABLE approval_policies;
