//! Prometheus metrics kept in process: request counts and latency histograms by method,
//! route template (never the raw path, so ids do not explode the series) and status.

use std::{collections::BTreeMap, fmt::Write, sync::Mutex};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

type Key = (String, String, u16);

/// The registry.
#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<Key, Series>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    /// Records one finished request.
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let Ok(mut series) = self.series.lock() else { return };
        let s = series.entry((method.to_owned(), route.to_owned(), status)).or_default();
        s.count += 1;
        s.sum += seconds;
        for (bucket, bound) in s.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let Ok(series) = self.series.lock() else { return out };
        out.push_str("# HELP kefu_http_requests_total HTTP requests answered.\n");
        out.push_str("# TYPE kefu_http_requests_total counter\n");
        for ((method, route, status), s) in series.iter() {
            let labels = labels(method, route, *status);
            let _ = writeln!(out, "kefu_http_requests_total{{{labels}}} {}", s.count);
        }
        out.push_str("# HELP kefu_http_request_duration_seconds Time to answer HTTP requests.\n");
        out.push_str("# TYPE kefu_http_request_duration_seconds histogram\n");
        for ((method, route, status), s) in series.iter() {
            let labels = labels(method, route, *status);
            for (bound, n) in BUCKETS.iter().zip(s.buckets) {
                let _ = writeln!(
                    out,
                    "kefu_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "kefu_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(out, "kefu_http_request_duration_seconds_sum{{{labels}}} {}", s.sum);
            let _ =
                writeln!(out, "kefu_http_request_duration_seconds_count{{{labels}}} {}", s.count);
        }
        out
    }
}

fn labels(method: &str, route: &str, status: u16) -> String {
    let escape = |v: &str| v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    format!("method=\"{}\",route=\"{}\",status=\"{status}\"", escape(method), escape(route))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative_and_labelled_by_template() {
        let m = Metrics::default();
        m.observe("GET", "/api/v1/users/{id}", 200, 0.003);
        m.observe("GET", "/api/v1/users/{id}", 200, 0.2);
        let text = m.render();
        let key = r#"method="GET",route="/api/v1/users/{id}",status="200""#;
        assert!(text.contains(&format!("kefu_http_requests_total{{{key}}} 2")), "{text}");
        assert!(text.contains(&format!("_bucket{{{key},le=\"0.005\"}} 1")), "{text}");
        assert!(text.contains(&format!("_bucket{{{key},le=\"0.25\"}} 2")), "{text}");
        assert!(text.contains(&format!("_bucket{{{key},le=\"+Inf\"}} 2")), "{text}");
    }
}
