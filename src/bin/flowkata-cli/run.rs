//! `flowkata-cli run`: plays a level (or replays a run file) and prints its report, or its replications.

use super::*;

/// The JSON object printed by `run --json`.
#[derive(Serialize)]
pub(super) struct RunOutput<'a> {
    #[serde(flatten)]
    report: &'a RunReport,
    commands: usize,
    events: u64,
    state_hash: String,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn run(
    level: &str,
    seed: Option<u64>,
    days: Option<f64>,
    drill: Option<flowkata::sim::kata::Drill>,
    commands: Option<&str>,
    json: bool,
    replications: Option<(u32, Option<usize>)>,
    save_run: Option<(&str, &str)>,
) -> Result<(), InputError> {
    let (level, source) = Level::load_with_source(level)?;
    let level = match drill {
        Some(d) => level
            .with_drill(d)
            .map_err(|e| InputError::argument("--rounds/--round-days", e))?,
        None => level,
    };
    let seed = seed.unwrap_or(level.seed);
    let end = run_end(&level, days)?;
    let log = load_log(commands)?;
    if let Some((r, threads)) = replications {
        let threads = threads_or_all(threads);
        let started = std::time::Instant::now();
        let reps = replicate(&level, seed, end, &log, r, threads)
            .map_err(|m| InputError::argument("--replications", m))?;
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(&reps).expect("replications serialize")
            );
        } else {
            print_replications(&reps, started.elapsed().as_secs_f64(), threads);
        }
        return Ok(());
    }
    if save_run.is_some() && end > level.duration() {
        return Err(InputError::argument(
            "--save-run",
            "a run file records a run within its level's length: drop --days or shorten it",
        ));
    }
    let mut sim = Simulation::with_duration(level, seed, end);
    sim.apply_log(&log)
        .map_err(|m| InputError::file(commands.unwrap_or("commands"), m))?;
    sim.run_to_end();
    finished(&sim)?;
    if let Some((file, team)) = save_run {
        let record = flowkata::sim::run_file::RunFile::record(&sim, &source, team);
        std::fs::write(file, record.to_json())
            .map_err(|e| InputError::file(file, format!("cannot write: {e}")))?;
    }
    print_run(&sim, log.len(), json);
    Ok(())
}

/// `run --run FILE`: the run file's replay, once it verifies.
pub(super) fn replay_run_file(file: &str, json: bool) -> Result<(), InputError> {
    let sim = verified(file).map_err(|m| InputError::file(file, m))?;
    print_run(&sim, sim.commands().len(), json);
    Ok(())
}

/// Prints a finished (or replayed) run: a table, or the JSON of `run --json`.
pub(super) fn print_run(sim: &Simulation, commands: usize, json: bool) {
    let report = sim.report();
    if json {
        let out = RunOutput {
            report: &report,
            commands,
            events: sim.events_processed(),
            state_hash: sim.state_hash(),
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&out).expect("report serializes")
        );
    } else {
        print_table(sim, &report);
    }
}

pub(super) fn print_table(sim: &Simulation, r: &RunReport) {
    let cal = &sim.level().calendar;
    println!(
        "{} (seed {}) — {:.1} workdays, ended {}",
        sim.level().title,
        r.seed,
        r.days,
        cal.format(r.sim_time)
    );
    println!();
    println!(
        "{:<10} {:>8} {:>8} {:>6} {:>9} {:>9} {:>7} {:>7}",
        "center", "arrived", "done", "ρ", "Wq min", "W min", "Lq", "L"
    );
    for c in &r.centers {
        println!(
            "{:<10} {:>8} {:>8} {:>6.2} {:>9.1} {:>9.1} {:>7.2} {:>7.2}",
            c.id,
            c.arrivals,
            c.completions,
            c.utilization,
            c.mean_wait,
            c.mean_sojourn,
            c.mean_queue_len,
            c.mean_in_system
        );
    }
    println!();
    for w in &r.workers {
        println!(
            "{:<10} planned {:>4.0}%  unplanned {:>4.0}%{}",
            w.name,
            100.0 * w.planned_utilization,
            100.0 * w.unplanned_utilization,
            if w.constraint { "  (constraint)" } else { "" }
        );
    }
    let m = &r.run;
    let hours = |x: Option<f64>| x.map_or("–".to_string(), |v| format!("{:.1} h", v / 60.0));
    println!();
    println!(
        "throughput/day   {}",
        m.throughput_per_day
            .iter()
            .map(|(k, v)| format!("{k} {v:.2}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "lead time        p50 {}, p85 {}",
        hours(m.lead_time_p50),
        hours(m.lead_time_p85)
    );
    println!(
        "WIP              mean {:.1}, now {} (+{} in backlog)",
        m.mean_wip, m.wip, m.backlog
    );
    println!(
        "deploys          {} ({:.1}/day), change failure rate {:.0}%",
        m.deploys,
        m.deploys_per_day,
        100.0 * m.change_failure_rate
    );
    println!(
        "outages          {} raised, {} fixed, MTTR {}",
        m.outages,
        m.outages_resolved,
        hours(m.mean_time_to_restore)
    );
    println!(
        "unplanned work   {:.1} worker-hours, {:.1} h downtime, cost {:.0}",
        m.unplanned_work_hours, m.downtime_hours, m.unplanned_cost
    );
    println!("value delivered  {:.0}", m.value_delivered);
    println!(
        "score            {:.0}  {}",
        r.score,
        "★".repeat(r.stars as usize)
    );
}

/// The headline metrics of a replication run, as a table: mean ± 95% half-width.
pub(super) fn print_replications(reps: &Replications, seconds: f64, threads: usize) {
    println!(
        "{}: {} replications from base seed {} ({:.2} s on {} threads)",
        reps.level,
        reps.seeds.len(),
        reps.base_seed,
        seconds,
        threads
    );
    println!();
    println!("{:<40} {:>14} {:>12}", "metric", "mean", "± 95% CI");
    for (name, e) in &reps.metrics {
        let hw = e.half_width.map_or("–".to_string(), |h| format!("{h:.4}"));
        println!("{name:<40} {:>14.4} {hw:>12}", e.mean);
    }
}
