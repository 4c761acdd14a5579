//! `flowkata-cli soak`: a long run whose working state must stay flat.

use super::*;

/// `soak`: an error when any check failed (each problem is printed first).
pub(super) fn soak(
    level: &str,
    days: f64,
    seed: Option<u64>,
    commands: Option<&str>,
    json: bool,
) -> Result<(), InputError> {
    let level = Level::load(level)?;
    let seed = seed.unwrap_or(level.seed);
    run_end(&level, Some(days))?;
    let log = load_log(commands)?;
    let started = std::time::Instant::now();
    let s = flowkata::sim::soak::soak(&level, seed, days, &log)
        .map_err(|m| InputError::file(commands.unwrap_or("commands"), m))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&s).expect("serializes"));
    } else {
        println!(
            "soak: {} (seed {seed}), {days} workdays in {:.1} s",
            level.title,
            started.elapsed().as_secs_f64()
        );
        println!(
            "{:>7} {:>11} | {:>7} {:>6} {:>6} {:>6} {:>6} {:>5} {:>6} | {:>7} {:>7} {:>5} {:>5}",
            "day",
            "events",
            "pending",
            "slots",
            "live",
            "batch",
            "outg",
            "jobs",
            "recent",
            "samples",
            "outages",
            "jobs",
            "cmds"
        );
        for c in &s.checkpoints {
            let f = &c.footprint;
            println!(
                "{:>7.1} {:>11} | {:>7} {:>6} {:>6} {:>6} {:>6} {:>5} {:>6} | {:>7} {:>7} {:>5} {:>5}",
                c.day,
                c.events,
                f.pending_events,
                f.item_slots,
                f.live_items,
                f.batch_slots,
                f.unresolved_outages,
                f.queued_jobs,
                f.recent_changes,
                f.samples,
                f.outages,
                f.jobs,
                f.commands
            );
        }
        if s.problems.is_empty() {
            println!("ok: working state flat, history linear, every figure finite");
        }
    }
    for p in &s.problems {
        eprintln!("problem: {p}");
    }
    if s.problems.is_empty() {
        Ok(())
    } else {
        Err(InputError::file(
            &level.id,
            format!("the soak found {} problem(s), above", s.problems.len()),
        ))
    }
}
