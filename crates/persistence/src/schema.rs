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
);
