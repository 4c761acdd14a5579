//! `flowkata-cli`: the headless command line of the simulation core (no Bevy).
//!
//! - `flowkata-cli validate FILE...` checks level files.
//! - `flowkata-cli verify RUNFILE...` verifies run files (`run ... --save-run RUNFILE` writes
//!   one; `run --run RUNFILE` prints a verified run's report).
//! - `flowkata-cli run LEVEL [--seed N] [--days D] [--commands FILE] [--json]` plays a level
//!   (a file, or an embedded level's id) with a command log and prints the final metrics.
//! - `... run LEVEL --replications R [--threads T]` runs R independent replications (seeds
//!   derived from the base seed, in parallel) and prints each metric's mean and the
//!   half-width of its 95% confidence interval.
//! - `flowkata-cli balance LEVEL [--policy FILE]... [--replications R]` compares policies over
//!   the same seeds: mean score ± 95% CI, the share of seeds beating the naive policy, stars.
//! - `flowkata-cli soak LEVEL [--days 365] [--seed N] [--commands FILE] [--json]` runs a level
//!   long and checks that the engine's working state stays flat and every figure finite.
//! - `flowkata-cli speed LEVEL [--seed N]` times one run of a level through the engine and
//!   prints customers (completed items) per second as JSON: the peer comparison's measure.
//!
//! Exit codes: 0 success, 1 a level failed validation (`validate` only), 2 bad input. Every
//! field of the JSON output is documented in `docs/cli.md`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use flowkata::sim::replicate::{Replications, replicate};
use flowkata::sim::rules;
use flowkata::sim::{InputError, Level, RunReport, Simulation, parse_command_log};
use serde::Serialize;

#[derive(Parser)]
#[command(
    name = "flowkata-cli",
    version,
    about = "Headless runs of flowkata levels"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Verifies run files: replays each and compares its figures and state hash; prints one
    /// line per file and exits 0 only when every file verifies.
    Verify {
        /// Run files (JSON), or run links (`http://…/#run=…`).
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Compares several teams' runs: verifies each and prints one table ranked by score
    /// (runs on another level, seed or drill marked as not comparable), or the same as CSV
    /// or as a Markdown debrief pack. Exits 0 when every run verifies and all are
    /// comparable, 2 otherwise.
    Compare {
        /// Run files (JSON), or run links.
        #[arg(required = true)]
        runs: Vec<String>,
        /// Print CSV, one row per team.
        #[arg(long, conflicts_with = "markdown")]
        csv: bool,
        /// Print the Markdown debrief pack: the table, storyboards and each team's decisions.
        #[arg(long)]
        markdown: bool,
    },
    /// Prints a run file as a run link: the run compressed into the URL's fragment.
    Link {
        /// A run file (JSON).
        file: String,
        /// The game's address the link opens.
        #[arg(long, default_value = "http://127.0.0.1:8080/")]
        base: String,
    },
    /// Checks level files; exits 0 when every one is a valid level.
    Validate {
        /// Level files (RON).
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Runs a level to its end and prints the final metrics.
    Run {
        /// A level file, or the id of an embedded level (`first-day`, `brent`, `phoenix`, …).
        #[arg(required_unless_present = "run_file")]
        level: Option<String>,
        /// Replays a run file (it must verify) and prints its report, instead of a level.
        #[arg(long = "run", conflicts_with_all = ["level", "seed", "days", "commands", "replications", "save_run"])]
        run_file: Option<String>,
        /// Writes the run to this run file (JSON, see docs/runs.md) when it ends.
        #[arg(long)]
        save_run: Option<String>,
        /// The team name written into the run file.
        #[arg(long, default_value = "", requires = "save_run")]
        team: String,
        /// Seed of the random streams (default: the level's own seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Length of the run in workdays (default: the level's own length).
        #[arg(long, allow_negative_numbers = true)]
        days: Option<f64>,
        /// Play the level as an improvement-kata drill of this many rounds (with
        /// `--round-days`): it lasts rounds × round days, and standing decisions change only
        /// between rounds (docs/runs.md).
        #[arg(long, requires = "round_days", conflicts_with = "days")]
        rounds: Option<u32>,
        /// Workdays per round of the drill.
        #[arg(long, requires = "rounds", allow_negative_numbers = true)]
        round_days: Option<f64>,
        /// A command log (RON list of timed player commands) to apply during the run.
        #[arg(long)]
        commands: Option<String>,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
        /// Run this many independent replications (seeds derived from the base seed) and
        /// report each metric's mean and 95% confidence half-width.
        #[arg(long)]
        replications: Option<u32>,
        /// Threads for the replications (default: the available cores).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Compares policies over the same (paired) seeds: for each, the mean score with its 95%
    /// confidence half-width, the share of seeds on which it beats the baseline, and the
    /// share of seeds reaching each number of stars.
    Balance {
        /// A level file, or the id of an embedded level. Absent: every campaign level, in
        /// order (policies from `tests/policies/`).
        level: Option<String>,
        /// A policy: a command log of standing decisions, named by its file name (without
        /// the level's id). Repeat for more. Without any, every `tests/policies/LEVEL-*.ron`
        /// under the current directory. `none` (no decisions) is always compared too.
        #[arg(long = "policy")]
        policies: Vec<String>,
        /// Paired seeds (replications) per policy.
        #[arg(long, default_value_t = 100)]
        replications: u32,
        /// Base seed of the replications (default: the level's own seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Threads (default: the available cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Runs a level for a long time and checks that the engine's working state stays flat,
    /// its recorded history grows at most linearly and no figure becomes NaN or infinite;
    /// prints the footprint at 20 checkpoints. Exits 0 when every check holds, 2 otherwise.
    Soak {
        /// A level file, or the id of an embedded level.
        level: String,
        /// Length of the run in workdays.
        #[arg(long, default_value_t = 365.0, allow_negative_numbers = true)]
        days: f64,
        /// Seed (default: the level's own seed).
        #[arg(long)]
        seed: Option<u64>,
        /// A command log to apply (standing decisions, such as a good policy).
        #[arg(long)]
        commands: Option<String>,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Luck versus skill: replays a run's standing decisions (every command that does not
    /// name an outage or an item) on other seeds, and the level with no decisions on the same
    /// seeds; prints the share of seeds on which the decisions beat doing nothing, the run's
    /// score as a percentile of what its decisions earn, and both score bands.
    Luck {
        /// A level file, or the id of an embedded level.
        #[arg(required_unless_present = "run_file")]
        level: Option<String>,
        /// Analyses a run file (it must verify) instead of a level, seed and command log.
        #[arg(long = "run", conflicts_with_all = ["level", "seed", "commands"])]
        run_file: Option<String>,
        /// Seed of the run (default: the level's own seed).
        #[arg(long)]
        seed: Option<u64>,
        /// The run's command log (RON list of timed commands); none: no decisions.
        #[arg(long)]
        commands: Option<String>,
        /// Other seeds to replay the decisions and the baseline on.
        #[arg(long, default_value_t = rules::LUCK_DEFAULT_REPLICATIONS)]
        replications: u32,
        /// Print one JSON object (with every seed's scores) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Times one run of a level (parse, run to the end, report) and prints the customers
    /// completed per wall-clock second as JSON.
    Speed {
        /// A level file, or the id of an embedded level.
        level: String,
        /// Seed (default: the level's own seed).
        #[arg(long)]
        seed: Option<u64>,
    },
}

/// The JSON object printed by `run --json`.
#[derive(Serialize)]
struct RunOutput<'a> {
    #[serde(flatten)]
    report: &'a RunReport,
    commands: usize,
    events: u64,
    state_hash: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Cmd::Validate { files } => validate(&files),
        Cmd::Verify { files } => verify(&files),
        Cmd::Compare {
            runs,
            csv,
            markdown,
        } => compare(&runs, csv, markdown),
        Cmd::Link { file, base } => link(&file, &base),
        Cmd::Speed { level, seed } => exit_code(speed(&level, seed)),
        Cmd::Luck {
            level,
            run_file,
            seed,
            commands,
            replications,
            json,
        } => exit_code(luck(
            level.as_deref(),
            run_file.as_deref(),
            seed,
            commands.as_deref(),
            replications,
            json,
        )),
        Cmd::Balance {
            level,
            policies,
            replications,
            seed,
            threads,
            json,
        } => exit_code(balance(
            level.as_deref(),
            &policies,
            replications,
            seed,
            threads,
            json,
        )),
        Cmd::Soak {
            level,
            days,
            seed,
            commands,
            json,
        } => exit_code(soak(&level, days, seed, commands.as_deref(), json)),
        Cmd::Run {
            run_file: Some(file),
            json,
            ..
        } => exit_code(replay_run_file(&file, json)),
        Cmd::Run {
            level,
            run_file: None,
            save_run,
            team,
            seed,
            days,
            rounds,
            round_days,
            commands,
            json,
            replications,
            threads,
        } => exit_code(run(
            level.as_deref().unwrap_or_default(),
            seed,
            days,
            rounds
                .zip(round_days)
                .map(|(rounds, round_days)| flowkata::sim::kata::Drill { rounds, round_days }),
            commands.as_deref(),
            json,
            replications.map(|r| (r, threads)),
            save_run.as_deref().map(|f| (f, team.as_str())),
        )),
    }
}

/// What `speed` prints.
#[derive(Serialize)]
struct SpeedOutput {
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

fn speed(level: &str, seed: Option<u64>) -> Result<(), InputError> {
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

fn validate(files: &[String]) -> ExitCode {
    let mut bad = 0;
    for f in files {
        let result = std::fs::read_to_string(f)
            .map_err(|e| InputError::file(f, format!("cannot read: {e}")))
            .and_then(|src| Level::parse(f, &src));
        match result {
            Ok(level) => println!("ok: {f} ({})", level.id),
            Err(e) => {
                eprintln!("error: {e}");
                bad += 1;
            }
        }
    }
    all_or_two(bad)
}

/// Exit code 0 when no file failed (`validate`, `verify`); 2 otherwise.
fn all_or_two(failures: usize) -> ExitCode {
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// Exit code 0 on success; 2, with the error on stderr, otherwise.
fn exit_code(result: Result<(), InputError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// An error naming the level when the run stopped on its event budget before its end.
fn finished(sim: &Simulation) -> Result<(), InputError> {
    match sim.halted() {
        Some(e) => Err(InputError::file(&sim.level().id, e.to_string())),
        None => Ok(()),
    }
}

/// `threads`, or every core the machine offers.
fn threads_or_all(threads: Option<usize>) -> usize {
    threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    })
}

/// The end of a run in sim minutes: `days` workdays (within a level's own range of days),
/// or the level's own length.
///
/// # Errors
/// `--days` out of range, or long enough to expect more events than any run may take.
fn run_end(level: &Level, days: Option<f64>) -> Result<f64, InputError> {
    let arg_error = |message: String| InputError::argument("--days", message);
    let end = match days {
        None => level.duration(),
        Some(d) if d > rules::LEVEL_DAYS.min && d <= rules::LEVEL_DAYS.max => {
            d * level.calendar.minutes_per_day
        }
        Some(d) => {
            return Err(arg_error(format!(
                "must be a number of workdays in ({}, {}], got {d}",
                rules::LEVEL_DAYS.min,
                rules::LEVEL_DAYS.max
            )));
        }
    };
    let expected = level.expected_events(end);
    if expected > rules::MAX_EXPECTED_EVENTS {
        return Err(arg_error(format!(
            "a run this long would take about {expected:.1e} events, more than the {:.0e} any run may take",
            rules::MAX_EXPECTED_EVENTS
        )));
    }
    Ok(end)
}

/// The command log at `path`, or none.
fn load_log(path: Option<&str>) -> Result<Vec<flowkata::sim::Command>, InputError> {
    match path {
        None => Ok(Vec::new()),
        Some(path) => {
            let src = std::fs::read_to_string(path)
                .map_err(|e| InputError::file(path, format!("cannot read: {e}")))?;
            parse_command_log(path, &src)
        }
    }
}

/// `balance`: policies named on the command line, or the level's files under
/// `tests/policies/`; `none` first; the baseline is `naive` where there is one.
fn balance(
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
fn balance_level(
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

/// `soak`: an error when any check failed (each problem is printed first).
fn soak(
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

#[allow(clippy::too_many_arguments)]
fn run(
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

/// `luck`: the luck-versus-skill analysis of a run given as level, seed and command log, or
/// as a run file.
fn luck(
    level: Option<&str>,
    run_file: Option<&str>,
    seed: Option<u64>,
    commands: Option<&str>,
    replications: u32,
    json: bool,
) -> Result<(), InputError> {
    rules::LUCK_REPLICATIONS
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

/// `run --run FILE`: the run file's replay, once it verifies.
fn replay_run_file(file: &str, json: bool) -> Result<(), InputError> {
    let sim = verified(file).map_err(|m| InputError::file(file, m))?;
    print_run(&sim, sim.commands().len(), json);
    Ok(())
}

/// Reads and verifies a run file; the replayed run, or why not.
/// The text of a run given on the command line: a run link as it is, else the file's text
/// (refused unread above `rules::MAX_RUN_FILE_BYTES`).
fn run_text(arg: &str) -> Result<String, String> {
    use flowkata::sim::run_file::LINK_KEY;
    if arg.contains(&format!("#{LINK_KEY}")) {
        return Ok(arg.to_string());
    }
    flowkata::sim::run_file::read_capped(std::path::Path::new(arg))
}

fn verified(file: &str) -> Result<Simulation, String> {
    use flowkata::sim::run_file::RunFile;
    let text = run_text(file)?;
    let run = RunFile::parse_any(&text).map_err(|e| e.to_string())?;
    run.verify().map_err(|e| e.to_string())
}

/// `compare`: the table, CSV or Markdown; exit 0 only when all verify and compare.
fn compare(runs: &[String], csv: bool, markdown: bool) -> ExitCode {
    use flowkata::sim::compare::{COLUMNS, compare};
    let mut inputs = Vec::new();
    let mut unreadable = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        let name = if r.contains('#') {
            format!("link {}", i + 1)
        } else {
            r.clone()
        };
        match run_text(r) {
            Ok(text) => inputs.push((name, text)),
            Err(e) => unreadable.push(format!("{name}: {e}")),
        }
    }
    let cmp = compare(&inputs);
    if csv {
        print!("{}", cmp.to_csv());
    } else if markdown {
        print!("{}", cmp.to_markdown());
    } else {
        if let Some(k) = &cmp.key {
            println!("Runs on {}.", k.label());
        }
        // rank, team, score, stars, deploys/day, lead p85, status
        println!(
            "{:>4}  {:<20} {:>10} {:>5} {:>8} {:>9}  status",
            "rank", "team", COLUMNS[3], "stars", "deploy/d", "p85 days"
        );
        for row in cmp.rows() {
            println!(
                "{:>4}  {:<20} {:>10} {:>5} {:>8} {:>9}  {}",
                row[0], row[1], row[3], row[4], row[7], row[12], row[2]
            );
        }
    }
    for u in &unreadable {
        eprintln!("unreadable: {u}");
    }
    let bad = unreadable.len()
        + cmp
            .entries
            .iter()
            .filter(|e| !e.verified() || !e.comparable)
            .count();
    all_or_two(bad)
}

/// `link`: the run file as a run link.
fn link(file: &str, base: &str) -> ExitCode {
    use flowkata::sim::run_file::RunFile;
    match run_text(file).and_then(|t| RunFile::parse(&t).map_err(|e| e.to_string())) {
        Ok(run) => {
            println!("{}", run.to_link(base));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {file}: {e}");
            ExitCode::from(2)
        }
    }
}

/// `verify`: one line per file; exit 0 only when all verify.
fn verify(files: &[String]) -> ExitCode {
    let mut bad = 0;
    for (i, arg) in files.iter().enumerate() {
        let link = format!("link {}", i + 1);
        let f = if arg.contains('#') { &link } else { arg };
        match verified(arg) {
            Ok(sim) => {
                let r = sim.report();
                println!(
                    "verified: {f} ({}, seed {}, {} commands, score {:.0}, {} stars)",
                    r.level,
                    r.seed,
                    sim.commands().len(),
                    r.score,
                    r.stars
                );
            }
            Err(m) => {
                println!("NOT verified: {f}: {m}");
                bad += 1;
            }
        }
    }
    all_or_two(bad)
}

/// Prints a finished (or replayed) run: a table, or the JSON of `run --json`.
fn print_run(sim: &Simulation, commands: usize, json: bool) {
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

fn print_table(sim: &Simulation, r: &RunReport) {
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
fn print_replications(reps: &Replications, seconds: f64, threads: usize) {
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
