//! Checks a JSON value against the OpenAPI schema of a type and names every field that breaks
//! it: missing, wrong type, unknown, not in the enum, too short or long, out of range, or not
//! matching its pattern. The schema is the one the spec publishes, so they cannot drift apart.

use std::collections::HashMap;

use serde_json::Value;
use utoipa::ToSchema;

use crate::problem::FieldError;

/// Every way `value` breaks `T`'s schema; empty when it conforms.
pub fn check<T: ToSchema>(value: &Value) -> Vec<FieldError> {
    let mut schemas = Vec::new();
    T::schemas(&mut schemas);
    let components: HashMap<String, Value> = schemas
        .into_iter()
        .filter_map(|(name, s)| serde_json::to_value(s).ok().map(|v| (name, v)))
        .collect();
    let root = serde_json::to_value(T::schema()).unwrap_or(Value::Null);
    let mut errors = Vec::new();
    Checker { components: &components }.walk(&root, value, "", &mut errors);
    errors
}

struct Checker<'a> {
    components: &'a HashMap<String, Value>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

impl Checker<'_> {
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .rsplit('/')
                .next()
                .and_then(|name| self.components.get(name))
                .unwrap_or(&Value::Null),
            None => schema,
        }
    }

    fn walk(&self, schema: &Value, value: &Value, path: &str, out: &mut Vec<FieldError>) {
        let schema = self.resolve(schema);
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for s in all {
                self.walk(s, value, path, out);
            }
        }
        if let Some(any) =
            schema.get("oneOf").or_else(|| schema.get("anyOf")).and_then(Value::as_array)
        {
            let field = if path.is_empty() { "body" } else { path };
            let mut closest: Option<Vec<FieldError>> = None;
            for alternative in any {
                let mut scratch = Vec::new();
                self.walk(alternative, value, path, &mut scratch);
                if scratch.is_empty() {
                    return;
                }
                // An alternative of the value's own type explains best what is wrong with it.
                let type_fits =
                    !scratch.iter().any(|e| e.field == field && e.code == "invalid_type");
                if type_fits && closest.is_none() {
                    closest = Some(scratch);
                }
            }
            match closest {
                Some(errors) => out.extend(errors),
                None => out.push(FieldError::new(
                    field,
                    "invalid",
                    "matches none of the allowed shapes",
                )),
            }
            return;
        }
        if !self.type_fits(schema, value, path, out) {
            return;
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            let names: Vec<String> = allowed.iter().map(|v| v.to_string()).collect();
            out.push(FieldError::new(
                path,
                "invalid_enum",
                format!("must be one of {}", names.join(", ")),
            ));
        }
        match value {
            Value::Object(map) => self.object(schema, map, path, out),
            Value::Array(items) => {
                bounds(schema, "minItems", "maxItems", items.len(), path, "items", out);
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.walk(item_schema, item, &format!("{path}[{i}]"), out);
                    }
                }
            }
            Value::String(s) if s.contains('\0') => {
                // PostgreSQL text cannot hold NUL; no kefu field has a use for it.
                out.push(FieldError::new(
                    path,
                    "invalid_character",
                    "must not contain NUL (U+0000)",
                ));
            }
            Value::String(s) => {
                bounds(
                    schema,
                    "minLength",
                    "maxLength",
                    s.chars().count(),
                    path,
                    "characters",
                    out,
                );
                if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
                    && regex::Regex::new(pattern).is_ok_and(|re| !re.is_match(s))
                {
                    out.push(FieldError::new(
                        path,
                        "invalid_format",
                        format!("must match {pattern}"),
                    ));
                }
            }
            Value::Number(n) => range(schema, n.as_f64().unwrap_or(f64::NAN), path, out),
            _ => {}
        }
    }

    fn type_fits(
        &self,
        schema: &Value,
        value: &Value,
        path: &str,
        out: &mut Vec<FieldError>,
    ) -> bool {
        let declared: Vec<&str> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => return true,
        };
        let actual = type_name(value);
        let fits = declared.iter().any(|t| *t == actual || (*t == "number" && actual == "integer"));
        if !fits {
            let field = if path.is_empty() { "body" } else { path };
            out.push(FieldError::new(
                field,
                "invalid_type",
                format!("must be {}, not {actual}", declared.join(" or ")),
            ));
        }
        fits
    }

    fn object(
        &self,
        schema: &Value,
        map: &serde_json::Map<String, Value>,
        path: &str,
        out: &mut Vec<FieldError>,
    ) {
        let props = schema.get("properties").and_then(Value::as_object);
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            if let Some(name) = name.as_str()
                && !map.contains_key(name)
            {
                out.push(FieldError::new(join(path, name), "required", "this field is required"));
            }
        }
        for (key, v) in map {
            match props.and_then(|p| p.get(key)) {
                Some(prop) => self.walk(prop, v, &join(path, key), out),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    out.push(FieldError::new(join(path, key), "unknown_field", "no such field"));
                }
                None => {
                    if let Some(extra) =
                        schema.get("additionalProperties").filter(|s| s.is_object())
                    {
                        self.walk(extra, v, &join(path, key), out);
                    }
                }
            }
        }
    }
}

fn bounds(
    schema: &Value,
    min: &str,
    max: &str,
    n: usize,
    path: &str,
    unit: &str,
    out: &mut Vec<FieldError>,
) {
    let limit = |k: &str| schema.get(k).and_then(Value::as_u64).map(|v| v as usize);
    if let Some(lo) = limit(min).filter(|lo| n < *lo) {
        out.push(FieldError::new(path, "too_short", format!("must have at least {lo} {unit}")));
    }
    if let Some(hi) = limit(max).filter(|hi| n > *hi) {
        out.push(FieldError::new(path, "too_long", format!("must have at most {hi} {unit}")));
    }
}

fn range(schema: &Value, n: f64, path: &str, out: &mut Vec<FieldError>) {
    let get = |k: &str| schema.get(k).and_then(Value::as_f64);
    if get("minimum").is_some_and(|lo| n < lo) || get("exclusiveMinimum").is_some_and(|lo| n <= lo)
    {
        out.push(FieldError::new(path, "out_of_range", "is below the minimum"));
    }
    if get("maximum").is_some_and(|hi| n > hi) || get("exclusiveMaximum").is_some_and(|hi| n >= hi)
    {
        out.push(FieldError::new(path, "out_of_range", "is above the maximum"));
    }
    // The declared width is part of the contract: an `int32` is never above 2^31 - 1, even
    // where the field behind it (a `u32`) could hold more.
    if schema.get("format").and_then(Value::as_str) == Some("int32")
        && !(f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&n)
    {
        out.push(FieldError::new(path, "out_of_range", "is outside a 32-bit integer"));
    }
}
