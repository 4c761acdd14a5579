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

mod balance;
mod compare;
mod link;
mod luck;
mod run;
mod soak;
mod speed;
mod validate;
mod verify;

use balance::balance;
use compare::compare;
use link::link;
use luck::luck;
use run::{replay_run_file, run};
use soak::soak;
use speed::speed;
use validate::validate;
use verify::verify;

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
        Some(d) => {
            rules::check_days(d).map_err(arg_error)?;
            d * level.calendar.minutes_per_day
        }
    };
    rules::check_expected_events(level.expected_events(end))
        .map_err(|m| arg_error(format!("a run this long would take {m}")))?;
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
