//! Working-time arithmetic speed: "add 5 WD" (R-T-3) on the default mainland-China calendar,
//! from starts spread over 2025–2026 every 37 minutes (weekends, holidays and nights included).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_main};
use kefu_domain::calendar::BusinessCalendar;
use kefu_domain::duration::SlaDuration;

fn starts() -> Vec<DateTime<Utc>> {
    let base = Utc.with_ymd_and_hms(2024, 12, 31, 16, 0, 0).unwrap();
    (0..28_000).map(|i| base + TimeDelta::minutes(37 * i)).collect()
}

fn add_five_working_days(c: &mut Criterion) {
    let cal = BusinessCalendar::mainland_china().unwrap();
    let five: SlaDuration = "5WD".parse().unwrap();
    let starts = starts();
    let mut group = c.benchmark_group("calendar");
    group.throughput(Throughput::Elements(1));
    let mut i = 0;
    group.bench_function("add 5 WD", |b| {
        b.iter(|| {
            i = (i + 1) % starts.len();
            black_box(cal.add(black_box(starts[i]), black_box(&five)).unwrap())
        })
    });
    group.finish();
}

/// The group (what `criterion_group!` writes, less a public undocumented function).
fn benches() {
    let mut c = Criterion::default().configure_from_args();
    add_five_working_days(&mut c);
}

criterion_main!(benches);
