//! Criterion benchmarks of the simulation engine: a plain M/M/1 queue (events per second on
//! the simplest model), the busiest campaign level, `phoenix` (every mechanic at once), and a
//! heavy-outage level at 100 and 400 workdays (the time per event must not grow with the
//! run's history, so 400 workdays should take about four times as long as 100).
//! Run with `cargo bench --no-default-features --bench engine`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use flowkata::sim::{Level, Simulation};

/// Sim minutes of M/M/1 per iteration: about 100 000 customers at λ = 0.8 per minute.
const MM1_MINUTES: f64 = 125_000.0;

fn mm1(c: &mut Criterion) {
    let level = Level::embedded("mm1").expect("mm1 is embedded");
    let customers = {
        let mut sim = Simulation::with_duration(level.clone(), 1, MM1_MINUTES);
        sim.run_to_end();
        sim.report().run.completed.values().sum::<u64>()
    };
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(customers));
    group.bench_function("mm1 100k customers", |b| {
        b.iter(|| {
            let mut sim = Simulation::with_duration(level.clone(), 1, MM1_MINUTES);
            sim.run_to_end();
            std::hint::black_box(sim.score())
        })
    });
    group.finish();
}

fn phoenix(c: &mut Criterion) {
    let level = Level::embedded("phoenix").expect("phoenix is embedded");
    let events = {
        let mut sim = Simulation::new(level.clone(), 1);
        sim.run_to_end();
        sim.events_processed()
    };
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(events));
    group.bench_function("phoenix full run", |b| {
        b.iter(|| {
            let mut sim = Simulation::new(level.clone(), 1);
            sim.run_to_end();
            std::hint::black_box(sim.score())
        })
    });
    group.throughput(Throughput::Elements(20 * events));
    group.bench_function("phoenix 20 replications", |b| {
        b.iter(|| {
            flowkata::sim::replicate::replicate(&level, 1, level.duration(), &[], 20, 1)
                .expect("runs")
        })
    });
    group.finish();
}

fn heavy_outages(c: &mut Criterion) {
    let level = Level::parse(
        "bench/heavy-outages.ron",
        include_str!("../bench/heavy-outages.ron"),
    )
    .expect("the benchmark level is valid");
    let mut group = c.benchmark_group("engine");
    for days in [100.0, 400.0] {
        let end = days * level.calendar.minutes_per_day;
        let events = {
            let mut sim = Simulation::with_duration(level.clone(), 1, end);
            sim.run_to_end();
            sim.events_processed()
        };
        group.throughput(Throughput::Elements(events));
        group.bench_function(format!("heavy outages {days} workdays"), |b| {
            b.iter(|| {
                let mut sim = Simulation::with_duration(level.clone(), 1, end);
                sim.run_to_end();
                std::hint::black_box(sim.score())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, mm1, phoenix, heavy_outages);
criterion_main!(benches);
