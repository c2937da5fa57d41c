//! The tables of identity, organisation and access (migration `2026-11-23-000010_identity`).
#![allow(missing_docs)]

use crate::schema::users;

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

diesel::allow_tables_to_appear_in_same_query!(
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
    users,
);
