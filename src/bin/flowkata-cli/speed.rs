//! `flowkata-cli speed`: one run of a level timed through the engine (the peer comparison's measure).

use super::*;

/// What `speed` prints.
#[derive(Serialize)]
pub(super) struct SpeedOutput {
    level: String,
    seed: u64,
    /// Items that completed their route.
    customers: u64,
    /// Events processed.
    events: u64,
    /// Wall-clock seconds from reading the level to the final report.
    seconds: f64,
    customers_per_second: f64,
    /// Mean queue wait at the first center, sim minutes (a check that the model ran).
    mean_wait: f64,
}

pub(super) fn speed(level: &str, seed: Option<u64>) -> Result<(), InputError> {
    let started = std::time::Instant::now();
    let level = Level::load(level)?;
    let seed = seed.unwrap_or(level.seed);
    let mut sim = Simulation::new(level, seed);
    sim.run_to_end();
    finished(&sim)?;
    let report = sim.report();
    let seconds = started.elapsed().as_secs_f64();
    let customers: u64 = report.run.completed.values().sum();
    let out = SpeedOutput {
        level: report.level.clone(),
        seed,
        customers,
        events: sim.events_processed(),
        seconds,
        customers_per_second: customers as f64 / seconds,
        mean_wait: report.centers.first().map_or(0.0, |c| c.mean_wait),
    };
    println!("{}", serde_json::to_string(&out).expect("serializes"));
    Ok(())
}
