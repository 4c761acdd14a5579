//! `flowkata-cli luck`: luck versus skill, a run's policy against the baseline over other seeds.

use super::*;

/// `luck`: the luck-versus-skill analysis of a run given as level, seed and command log, or
/// as a run file.
pub(super) fn luck(
    level: Option<&str>,
    run_file: Option<&str>,
    seed: Option<u64>,
    commands: Option<&str>,
    replications: u32,
    json: bool,
) -> Result<(), InputError> {
    rules::REPLICATIONS
        .check(replications)
        .map_err(|e| InputError::argument("--replications", e))?;
    let (level, seed, log, source) = match run_file {
        Some(file) => {
            let sim = verified(file).map_err(|m| InputError::file(file, m))?;
            let log = sim.commands().to_vec();
            (sim.level().clone(), sim.seed(), log, file.to_string())
        }
        None => {
            let level = Level::load(level.unwrap_or_default())?;
            let seed = seed.unwrap_or(level.seed);
            let log = load_log(commands)?;
            (level, seed, log, commands.unwrap_or("commands").to_string())
        }
    };
    let started = std::time::Instant::now();
    let r = flowkata::sim::luck::luck(&level, seed, &log, replications)
        .map_err(|m| InputError::file(&source, m))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&r).expect("serializes"));
        return Ok(());
    }
    println!(
        "luck: {} (seed {seed}), {} other seeds in {:.2} s",
        level.title,
        r.seeds.len(),
        started.elapsed().as_secs_f64()
    );
    println!("this run's score: {:.0}", r.actual_score);
    println!("{}", r.skill_sentence());
    println!("{}", r.luck_sentence());
    println!("{}", r.caveat());
    println!(
        "{:<16} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "score band", "p5", "p25", "p50", "p75", "p95"
    );
    for (name, band) in [
        ("your decisions", r.policy_band),
        ("no decisions", r.baseline_band),
    ] {
        println!(
            "{name:<16} {:>10.0} {:>10.0} {:>10.0} {:>10.0} {:>10.0}",
            band[0], band[1], band[2], band[3], band[4]
        );
    }
    Ok(())
}
