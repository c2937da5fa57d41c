//! The tables, written once for both backends (types both share: Text, BigInt, Bool, Timestamp).
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
    }
}

diesel::table! {
    calendars (id) {
        id -> Text,
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
    sla_policies (version) {
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
);
