//! The engine pinned by golden runs: `tests/golden/` holds run files of every shipped level
//! (its good policy, or no commands for a sandbox, on fixed seeds, and one drill), written by
//! `cargo xtask golden`. Each must verify. They are the stated exception to "no expected
//! value copied from the program's own output": they do not prove the engine right (the
//! queueing and mechanics tests do), they pin what it produces, so that a change which alters
//! what a shipped level and seed give cannot land without bumping `ENGINE_VERSION`, which
//! keeps every run a team handed in from reading as tampered.

use std::path::{Path, PathBuf};
use std::process::Command;

use flowkata::sim::Level;
use flowkata::sim::run_file::{ENGINE_VERSION, RunFile, VerifyError};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The golden run files of the current engine: `tests/golden/*.json`, sorted.
fn golden_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .expect("tests/golden exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> RunFile {
    let text = std::fs::read_to_string(path).unwrap();
    RunFile::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_golden_run_replays_to_what_it_recorded() {
    let files = golden_files();
    let mut failures = Vec::new();
    for path in &files {
        let run = read(path);
        assert_eq!(
            run.engine_version,
            ENGINE_VERSION,
            "{} was written by engine {}; `cargo xtask golden` writes them anew",
            path.display(),
            run.engine_version
        );
        if let Err(e) = run.verify() {
            failures.push(format!(
                "  {} ({} seed {}): {e}",
                path.display(),
                run.level.id,
                run.seed
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "the engine no longer produces what these golden runs recorded:\n{}\n\
         If the change is meant to alter what a level and seed produce, bump ENGINE_VERSION \
         in src/sim/run_file.rs (say why in its list), then run `cargo xtask golden` and \
         commit tests/golden/ (docs/runs.md, \"Changing the engine\"). If it is not, the \
         change broke determinism or a mechanic.",
        failures.join("\n")
    );
}

#[test]
fn every_shipped_level_has_golden_runs_and_a_drill_is_among_them() {
    let runs: Vec<RunFile> = golden_files().iter().map(|p| read(p)).collect();
    for level in Level::all_embedded() {
        let seeds = runs.iter().filter(|r| r.level.id == level.id).count();
        assert!(
            seeds >= 2,
            "level {:?} has {seeds} golden runs; `cargo xtask golden` writes two seeds of each level",
            level.id
        );
    }
    assert!(
        runs.iter()
            .any(|r| r.drill.is_some() && !r.commands.is_empty()),
        "no golden drill with a decision: the drill's round boundaries are not pinned"
    );
    assert!(
        runs.iter()
            .filter(|r| r.level.id == "phoenix")
            .all(|r| r.commands.len() >= 3),
        "phoenix's golden runs play its good policy, which touches several mechanics"
    );
}

/// A run from the previous engine is another engine's run: never "verified", never
/// "tampered", and `flowkata-cli verify` says so with the documented message and exit code.
#[test]
fn a_run_of_the_previous_engine_is_reported_as_another_engines() {
    let path = golden_dir().join("previous-engine/phoenix-good-seed1.json");
    let run = read(&path);
    assert!(run.engine_version < ENGINE_VERSION);
    assert_eq!(
        run.verify().err(),
        Some(VerifyError::OtherEngine {
            found: run.engine_version
        })
    );
    let out = Command::new(env!("CARGO_BIN_EXE_flowkata-cli"))
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("NOT verified")
            && text.contains(&format!(
                "played on engine version {}, this build is engine version {ENGINE_VERSION}",
                run.engine_version
            ))
            && !text.contains("tampered"),
        "{text}"
    );
}
