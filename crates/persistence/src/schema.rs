//! Every table, written once for both backends (types both share: Text, BigInt, Integer, Bool,
//! Timestamp). Instants are naive UTC; ids are UUIDv7 text.
#![allow(missing_docs)]

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        group_id -> Nullable<Text>,
        email -> Nullable<Text>,
    }
}

diesel::table! {
    jwt_keys (kid) {
        kid -> Text,
        secret -> Text,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
        version -> BigInt,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        family_id -> Text,
        user_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        version -> BigInt,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        at -> Timestamp,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        action -> Text,
        subject_type -> Text,
        subject_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        payload -> Text,
        group_id -> Nullable<Text>,
        company_id -> Nullable<Text>,
        project_id -> Nullable<Text>,
        department_id -> Nullable<Text>,
    }
}

diesel::table! {
    calendars (id) {
        id -> Text,
        group_id -> Nullable<Text>,
        base_calendar_id -> Nullable<Text>,
        name -> Text,
        is_default -> Bool,
        time_zone -> Text,
        week -> Text,
        standard_day_minutes -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    calendar_years (calendar_id, year) {
        calendar_id -> Text,
        year -> Integer,
        source -> Nullable<Text>,
        document -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sla_policies (id) {
        id -> Text,
        group_id -> Nullable<Text>,
        version -> BigInt,
        document -> Text,
        created_at -> Timestamp,
        created_by -> Nullable<Text>,
    }
}

diesel::table! {
    sla_clocks (id) {
        id -> Text,
        subject_type -> Text,
        subject_id -> Text,
        clock -> Text,
        rule_id -> Text,
        calendar_id -> Text,
        policy_id -> Text,
        policy_version -> BigInt,
        started_at -> Timestamp,
        stopped_at -> Nullable<Timestamp>,
        due_at -> Timestamp,
        state -> Text,
        run -> Text,
        updated_at -> Timestamp,
        version -> BigInt,
        check_at -> Nullable<Timestamp>,
        warned_at -> Nullable<Timestamp>,
        breached_at -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    groups (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    grants (id) {
        id -> Text,
        group_id -> Nullable<Text>,
        principal_kind -> Text,
        principal_id -> Text,
        role -> Text,
        scope_kind -> Text,
        scope_id -> Text,
        created_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    companies (id) {
        id -> Text,
        group_id -> Text,
        name -> Text,
        kind -> Text,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    projects (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        name -> Text,
        city -> Nullable<Text>,
        cs_contact -> Nullable<Text>,
        property_contact -> Nullable<Text>,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        calendar_id -> Nullable<Text>,
        handover_on -> Nullable<Text>,
        move_in_ends_on -> Nullable<Text>,
    }
}

diesel::table! {
    buildings (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        project_id -> Text,
        name -> Text,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    units (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        project_id -> Text,
        building_id -> Text,
        number -> Text,
        floor -> Nullable<Text>,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    departments (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        name -> Text,
        kind -> Text,
        coordinator_id -> Nullable<Text>,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    customers (id) {
        id -> Text,
        group_id -> Text,
        name -> Text,
        phones -> Text,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    customer_units (customer_id, unit_id) {
        customer_id -> Text,
        unit_id -> Text,
        group_id -> Text,
        company_id -> Text,
        project_id -> Text,
        contract_signed_on -> Nullable<Text>,
        handed_over_on -> Nullable<Text>,
    }
}

diesel::table! {
    integration_clients (id) {
        id -> Text,
        group_id -> Text,
        name -> Text,
        secret_hash -> Text,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    login_attempts (key) {
        key -> Text,
        failures -> BigInt,
        window_start -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idempotency_keys (principal, key) {
        principal -> Text,
        key -> Text,
        fingerprint -> Text,
        state -> Text,
        status -> Nullable<BigInt>,
        headers -> Nullable<Text>,
        body -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    complaint_numbers (company_id, year) {
        company_id -> Text,
        year -> Integer,
        last -> BigInt,
    }
}

diesel::table! {
    problems (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        project_id -> Text,
        title -> Text,
        customer_event_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    customer_events (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        project_id -> Text,
        problem_id -> Nullable<Text>,
        rules -> Text,
        title -> Text,
        state -> Text,
        opened_at -> Timestamp,
        report -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    complaints (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        project_id -> Text,
        number -> Text,
        kind -> Text,
        channel -> Text,
        warning_source -> Nullable<Text>,
        customer_id -> Nullable<Text>,
        unit_id -> Nullable<Text>,
        category -> Nullable<Text>,
        description -> Text,
        amount_claimed_fen -> BigInt,
        flags -> Text,
        grade -> Text,
        grade_rules -> Text,
        state -> Text,
        paused_from -> Nullable<Text>,
        received_at -> Timestamp,
        receiver_id -> Text,
        owner_id -> Text,
        tracker_id -> Text,
        callback_owner_id -> Text,
        responsible_department_id -> Nullable<Text>,
        problem_id -> Nullable<Text>,
        household -> Nullable<Text>,
        customer_event_id -> Nullable<Text>,
        source_system -> Nullable<Text>,
        external_ref -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    complaint_figures (complaint_id) {
        complaint_id -> Text,
        handling_minutes -> BigInt,
        resolved_at -> Timestamp,
    }
}

diesel::table! {
    complaint_events (id) {
        id -> Text,
        complaint_id -> Text,
        at -> Timestamp,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        kind -> Text,
        action -> Nullable<Text>,
        from_state -> Nullable<Text>,
        to_state -> Nullable<Text>,
        payload -> Text,
    }
}

diesel::table! {
    contractors (id) {
        id -> Text,
        group_id -> Text,
        name -> Text,
        licence -> Nullable<Text>,
        warranty_deposit_fen -> BigInt,
        warranty_ends_on -> Nullable<Text>,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    work_orders (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        project_id -> Text,
        department_id -> Text,
        complaint_id -> Text,
        request -> Text,
        site_survey -> Bool,
        complex -> Bool,
        state -> Text,
        sent_at -> Timestamp,
        reply -> Nullable<Text>,
        reply_due_at -> Nullable<Timestamp>,
        contractor_id -> Nullable<Text>,
        deadline -> Nullable<Timestamp>,
        failures -> Text,
        disqualified -> Text,
        due_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    attachments (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        project_id -> Text,
        complaint_id -> Text,
        file_name -> Text,
        media_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        storage_key -> Text,
        uploaded_by -> Nullable<Text>,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        group_id -> Text,
        topic -> Text,
        subject_type -> Text,
        subject_id -> Text,
        payload -> Text,
        created_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        company_id -> Nullable<Text>,
        project_id -> Nullable<Text>,
    }
}

diesel::table! {
    job_runs (job, node) {
        job -> Text,
        node -> Text,
        runs -> BigInt,
        items -> BigInt,
        last_started_at -> Timestamp,
        last_finished_at -> Nullable<Timestamp>,
        last_items -> BigInt,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        group_id -> Text,
        user_id -> Text,
        kind -> Text,
        subject_type -> Text,
        subject_id -> Text,
        title -> Text,
        payload -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        emailed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        group_id -> Text,
        url -> Text,
        description -> Text,
        event_types -> Text,
        company_id -> Nullable<Text>,
        project_id -> Nullable<Text>,
        secret -> Text,
        state -> Text,
        disabled_reason -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        webhook_id -> Text,
        outbox_id -> Text,
        event_type -> Text,
        state -> Text,
        attempts -> BigInt,
        next_attempt_at -> Nullable<Timestamp>,
        last_attempt_at -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    approval_policies (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        version -> BigInt,
        document -> Text,
        created_at -> Timestamp,
        created_by -> Nullable<Text>,
    }
}

diesel::table! {
    approval_requests (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        project_id -> Text,
        department_id -> Nullable<Text>,
        complaint_id -> Nullable<Text>,
        subject_type -> Nullable<Text>,
        subject_id -> Nullable<Text>,
        document -> Text,
        grade -> Text,
        amount_fen -> Nullable<BigInt>,
        to_grade -> Nullable<Text>,
        special -> Bool,
        summary -> Text,
        policy_company_id -> Text,
        policy_version -> BigInt,
        steps -> Text,
        named_users -> Text,
        state -> Text,
        round -> BigInt,
        step_index -> BigInt,
        awaited_roles -> Text,
        decided_by -> Text,
        preparer_id -> Text,
        return_comment -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    approval_decisions (id) {
        id -> Text,
        request_id -> Text,
        round -> BigInt,
        step_index -> BigInt,
        user_id -> Text,
        role -> Text,
        decision -> Text,
        comment -> Nullable<Text>,
        decided_at -> Timestamp,
    }
}

diesel::table! {
    fund_accounts (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        project_id -> Text,
        balance_fen -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    disbursements (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        project_id -> Text,
        account_id -> Text,
        complaint_id -> Text,
        amount_fen -> BigInt,
        fund_use -> Text,
        state -> Text,
        approval_id -> Text,
        paid_at -> Nullable<Timestamp>,
        paid_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    committee_decisions (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        project_id -> Text,
        complaint_id -> Nullable<Text>,
        customer_event_id -> Nullable<Text>,
        form -> Text,
        matter -> Text,
        state -> Text,
        approval_id -> Nullable<Text>,
        chair_id -> Nullable<Text>,
        member_ids -> Text,
        held_at -> Nullable<Timestamp>,
        minutes -> Nullable<Text>,
        decision -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        recorded_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    fund_entries (id) {
        id -> Text,
        account_id -> Text,
        direction -> Text,
        category -> Text,
        amount_fen -> BigInt,
        balance_after_fen -> BigInt,
        complaint_id -> Nullable<Text>,
        disbursement_id -> Nullable<Text>,
        reference -> Nullable<Text>,
        note -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(calendar_years -> calendars (calendar_id));
diesel::joinable!(sla_clocks -> calendars (calendar_id));
diesel::allow_tables_to_appear_in_same_query!(
    users,
    jwt_keys,
    refresh_tokens,
    audit_events,
    calendars,
    calendar_years,
    sla_policies,
    sla_clocks,
    job_runs,
    notifications,
    webhooks,
    webhook_deliveries,
    groups,
    grants,
    companies,
    projects,
    buildings,
    units,
    departments,
    customers,
    customer_units,
    integration_clients,
    login_attempts,
    idempotency_keys,
    complaint_numbers,
    problems,
    customer_events,
    complaints,
    complaint_figures,
    complaint_events,
    contractors,
    work_orders,
    attachments,
    outbox,
    approval_policies,
    approval_requests,
    approval_decisions,
    fund_accounts,
    disbursements,
    fund_entries,
    committee_decisions,
    callback_tasks,
    callback_records,
    callback_batches,
    callback_batch_items,
);

diesel::table! {
    callback_tasks (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        project_id -> Text,
        complaint_id -> Nullable<Text>,
        customer_id -> Nullable<Text>,
        unit_id -> Nullable<Text>,
        reason -> Text,
        reasons -> Text,
        state -> Text,
        open_key -> Nullable<Text>,
        started_at -> Timestamp,
        nominal_due_at -> Timestamp,
        due_at -> Timestamp,
        assignee_id -> Nullable<Text>,
        attempts -> BigInt,
        next_attempt_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    callback_records (id) {
        id -> Text,
        task_id -> Text,
        group_id -> Text,
        attempt -> BigInt,
        method -> Text,
        recording_ref -> Nullable<Text>,
        signature_ref -> Nullable<Text>,
        reached -> Bool,
        scores -> Text,
        satisfaction -> Nullable<BigInt>,
        comment -> Nullable<Text>,
        outcome -> Text,
        complaint_id -> Nullable<Text>,
        new_complaint_id -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    callback_batches (id) {
        id -> Text,
        group_id -> Text,
        week_of -> Text,
        run_on -> Text,
        period_start -> Text,
        period_end -> Text,
        seed -> Text,
        sample_percent -> BigInt,
        in_progress -> BigInt,
        sample_ids -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    callback_batch_items (batch_id, complaint_id) {
        batch_id -> Text,
        complaint_id -> Text,
        task_id -> Text,
        sampled -> Bool,
    }
}

diesel::table! {
    surveys (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        name -> Text,
        period -> Text,
        starts_on -> Text,
        calendar_id -> Text,
        state -> Text,
        opens_at -> Timestamp,
        collection_due_at -> Timestamp,
        collection_done_at -> Nullable<Timestamp>,
        tally_due_at -> Timestamp,
        tally_done_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    survey_projects (survey_id, project_id) {
        survey_id -> Text,
        project_id -> Text,
    }
}

diesel::table! {
    survey_respondents (survey_id, customer_id) {
        survey_id -> Text,
        customer_id -> Text,
        project_id -> Text,
        distributed_at -> Nullable<Timestamp>,
        answered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    survey_answers (id) {
        id -> Text,
        survey_id -> Text,
        customer_id -> Text,
        project_id -> Text,
        scores -> Text,
        valid -> Bool,
        source -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    survey_comments (id) {
        id -> Text,
        survey_id -> Text,
        answer_id -> Text,
        customer_id -> Text,
        project_id -> Text,
        body -> Text,
        position -> Nullable<Text>,
        position_by -> Nullable<Text>,
        position_at -> Nullable<Timestamp>,
        reply -> Nullable<Text>,
        replied_by -> Nullable<Text>,
        replied_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    improvement_plans (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        department_id -> Text,
        year -> Integer,
        state -> Text,
        return_reason -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    improvement_plan_items (id) {
        id -> Text,
        plan_id -> Text,
        ordinal -> Integer,
        title -> Text,
        owner_id -> Text,
        due_on -> Text,
    }
}

diesel::table! {
    improvement_plan_progress (item_id, quarter) {
        item_id -> Text,
        quarter -> Integer,
        plan_id -> Text,
        percent -> Integer,
        note -> Text,
        reported_by -> Nullable<Text>,
        reported_at -> Timestamp,
    }
}

diesel::joinable!(survey_projects -> surveys (survey_id));
diesel::joinable!(survey_respondents -> surveys (survey_id));
diesel::joinable!(survey_answers -> surveys (survey_id));
diesel::joinable!(survey_comments -> surveys (survey_id));
diesel::joinable!(improvement_plan_items -> improvement_plans (plan_id));
diesel::allow_tables_to_appear_in_same_query!(
    surveys,
    survey_projects,
    survey_respondents,
    survey_answers,
    survey_comments,
    improvement_plans,
    improvement_plan_items,
    improvement_plan_progress,
);

diesel::table! {
    report_definitions (id) {
        id -> Text,
        group_id -> Text,
        version -> BigInt,
        document -> Text,
        created_at -> Timestamp,
        created_by -> Nullable<Text>,
    }
}

diesel::table! {
    report_obligations (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        code -> Text,
        rule_id -> Text,
        label_zh -> Text,
        period_start -> Text,
        period_end -> Text,
        responsible_type -> Text,
        responsible_id -> Text,
        project_id -> Nullable<Text>,
        department_id -> Nullable<Text>,
        nominal_due_at -> Timestamp,
        due_at -> Timestamp,
        moved -> Bool,
        period_closed_at_due -> Bool,
        remind_at -> Timestamp,
        state -> Text,
        submitted_at -> Nullable<Timestamp>,
        on_time -> Nullable<Bool>,
        reviewed_at -> Nullable<Timestamp>,
        reviewed_by -> Nullable<Text>,
        review_note -> Nullable<Text>,
        reminded_at -> Nullable<Timestamp>,
        overdue_notified_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    report_submissions (id) {
        id -> Text,
        obligation_id -> Text,
        group_id -> Text,
        sections -> Text,
        attachment_ids -> Text,
        submitted_by -> Text,
        submitted_at -> Timestamp,
        on_time -> Bool,
    }
}

diesel::table! {
    work_plans (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        project_id -> Nullable<Text>,
        department_id -> Nullable<Text>,
        kind -> Text,
        year -> Integer,
        month -> Nullable<Integer>,
        title -> Text,
        state -> Text,
        review_note -> Nullable<Text>,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    work_plan_items (id) {
        id -> Text,
        plan_id -> Text,
        ordinal -> Integer,
        title -> Text,
        owner_id -> Nullable<Text>,
        due_on -> Text,
        done -> Bool,
        done_at -> Nullable<Timestamp>,
        done_on -> Nullable<Text>,
        note -> Nullable<Text>,
        reminded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    responsibility_confirmations (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Text,
        project_id -> Text,
        complaint_id -> Text,
        month -> Text,
        department_id -> Text,
        confirmed_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    cases (id) {
        id -> Text,
        group_id -> Text,
        company_id -> Nullable<Text>,
        project_id -> Nullable<Text>,
        title -> Text,
        category -> Nullable<Text>,
        occurred_on -> Text,
        facts -> Text,
        analysis -> Text,
        measures -> Text,
        lessons -> Text,
        tags -> Text,
        search_text -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    case_complaints (case_id, complaint_id) {
        case_id -> Text,
        complaint_id -> Text,
    }
}

diesel::table! {
    case_photos (case_id, attachment_id) {
        case_id -> Text,
        attachment_id -> Text,
        ordinal -> Integer,
    }
}

diesel::joinable!(work_plan_items -> work_plans (plan_id));
diesel::joinable!(case_complaints -> cases (case_id));
diesel::joinable!(case_photos -> cases (case_id));
diesel::allow_tables_to_appear_in_same_query!(
    work_plans,
    work_plan_items,
    responsibility_confirmations,
    cases,
    case_complaints,
    case_photos,
);
