//! `flowkata-cli balance`: policies compared over the same seeds.

use super::*;

/// `balance`: policies named on the command line, or the level's files under
/// `tests/policies/`; `none` first; the baseline is `naive` where there is one.
pub(super) fn balance(
    level: Option<&str>,
    files: &[String],
    replications: u32,
    seed: Option<u64>,
    threads: Option<usize>,
    json: bool,
) -> Result<(), InputError> {
    match level {
        Some(level) => balance_level(level, files, replications, seed, threads, json),
        None => {
            for id in flowkata::sim::campaign::campaign_levels() {
                balance_level(id, files, replications, seed, threads, json)?;
                println!();
            }
            Ok(())
        }
    }
}

/// `balance` of one level.
pub(super) fn balance_level(
    level: &str,
    files: &[String],
    replications: u32,
    seed: Option<u64>,
    threads: Option<usize>,
    json: bool,
) -> Result<(), InputError> {
    use flowkata::sim::balance::{Policy, balance};
    let level = Level::load(level)?;
    let seed = seed.unwrap_or(level.seed);
    let mut files = files.to_vec();
    if files.is_empty() {
        let prefix = format!("{}-", level.id);
        if let Ok(dir) = std::fs::read_dir("tests/policies") {
            let mut found: Vec<String> = dir
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.extension().is_some_and(|x| x == "ron")
                        && p.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.starts_with(&prefix))
                })
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            found.sort();
            files = found;
        }
    }
    let mut policies = vec![Policy {
        name: "none".into(),
        commands: Vec::new(),
    }];
    for f in &files {
        let stem = std::path::Path::new(f)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(f);
        let name = stem
            .strip_prefix(&format!("{}-", level.id))
            .unwrap_or(stem)
            .to_string();
        policies.push(Policy {
            name,
            commands: load_log(Some(f))?,
        });
    }
    let baseline = policies.iter().position(|p| p.name == "naive").unwrap_or(0);
    let threads = threads_or_all(threads);
    let b = balance(&level, &policies, baseline, seed, replications, threads)
        .map_err(|m| InputError::argument("--policy / --replications", m))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&b).expect("serializes"));
        return Ok(());
    }
    println!(
        "{} ({}): {} paired seeds from base seed {seed}; baseline: {}",
        level.title,
        level.id,
        b.seeds.len(),
        b.baseline
    );
    println!(
        "{:<12} {:>8} {:>14} {:>10} {:>12} {:>6} {:>6} {:>6} {:>6} {:>6}",
        "policy",
        "commands",
        "mean score",
        "±95%",
        format!("beats {}", b.baseline),
        "goals",
        "0★",
        "1★",
        "2★",
        "3★"
    );
    let pct = |x: f64| format!("{:.0}%", 100.0 * x);
    for p in &b.policies {
        println!(
            "{:<12} {:>8} {:>14.0} {:>10} {:>12} {:>6} {:>6} {:>6} {:>6} {:>6}",
            p.name,
            p.commands,
            p.score.mean,
            p.score.half_width.map_or("–".into(), |h| format!("{h:.0}")),
            pct(p.beats_baseline),
            pct(p.all_goals_met),
            pct(p.stars[0]),
            pct(p.stars[1]),
            pct(p.stars[2]),
            pct(p.stars[3])
        );
    }
    println!("score percentiles (p10 p25 p50 p75 p90):");
    for p in &b.policies {
        let q = p.score_quantiles;
        println!(
            "    {:<12} {:>9.0} {:>9.0} {:>9.0} {:>9.0} {:>9.0}",
            p.name, q[0], q[1], q[2], q[3], q[4]
        );
    }
    for (k, g) in level.goals.iter().enumerate() {
        println!("goal {}: {}", k + 1, g.label());
        for p in &b.policies {
            let gb = &p.goals[k];
            let unit = g.metric.unit();
            println!(
                "    {:<12} met on {:>4} of seeds; mean {}",
                p.name,
                pct(gb.met),
                gb.value
                    .as_ref()
                    .map_or("–".into(), |v| unit.format(v.mean))
            );
        }
    }
    Ok(())
}
