-- The roles the approval presets need (R-AP-3): general_manager, development_director,
-- regional_hq, finance.
ALTER TABLE grants DROP CONSTRAINT grants_role_check;
ALTER TABLE grants ADD CONSTRAINT grants_role_check CHECK (role IN ('admin', 'platform_operator', 'cs_specialist',
        'cs_manager', 'customer_director', 'office_director', 'vp', 'president',
        'dept_coordinator', 'dept_head', 'property_staff', 'sales_staff', 'brokerage_staff',
        'auditor', 'crm_integration', 'call_center_integration',
        'general_manager', 'development_director', 'regional_hq', 'finance'));
