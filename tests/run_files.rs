//! Run files: a run written down verifies when replayed, and every kind of change to it is
//! caught and named (a figure, a command, the level, the versions).

use flowkata::sim::run_file::{ENGINE_VERSION, RunFile, VerifyError};
use flowkata::sim::{Action, Assignee, Level, Simulation, level::EMBEDDED};

fn source(id: &str) -> &'static str {
    EMBEDDED.iter().find(|(i, _, _)| *i == id).unwrap().2
}

/// A phoenix run saved mid-play, after commands at several times, one naming an outage.
fn mid_play() -> RunFile {
    let mut sim = Simulation::new(Level::embedded("phoenix").unwrap(), 5);
    sim.advance_to(100.25);
    sim.apply(Action::ProtectConstraint { on: true }).unwrap();
    while sim.open_outages().next().is_none() {
        let t = sim.now() + 10.0;
        sim.advance_to(t);
    }
    let id = sim.open_outages().next().unwrap().id;
    sim.apply(Action::Triage {
        outage: id,
        to: Assignee::Worker("Wes".into()),
    })
    .unwrap();
    sim.advance_to(2345.678);
    RunFile::record(&sim, source("phoenix"), "The Red Team")
}

#[test]
fn a_run_saved_mid_play_verifies_and_reads_back_exactly() {
    let run = mid_play();
    assert_eq!(run.sim_time, 2345.678);
    assert_eq!(run.commands.len(), 2);
    assert!(
        run.level.source.is_none(),
        "a shipped level is named, not carried"
    );
    let back = RunFile::parse(&run.to_json()).unwrap();
    assert_eq!(back, run);
    let sim = back.verify().expect("verifies");
    assert_eq!(sim.now(), 2345.678);
    assert_eq!(sim.state_hash(), run.state_hash);
}

#[test]
fn a_custom_level_is_carried_whole_and_verifies_without_the_file() {
    let src = source("mm1").replace("days: 5", "days: 2");
    let level = Level::parse("my-level.ron", &src).unwrap();
    let mut sim = Simulation::new(level, 3);
    sim.run_to_end();
    let run = RunFile::record(&sim, &src, "");
    assert_eq!(run.level.source.as_deref(), Some(src.as_str()));
    run.verify().expect("verifies from the carried level");
}

/// Applies `edit` to the JSON of a good run file and returns why it no longer verifies.
fn tampered(edit: impl Fn(&mut serde_json::Value)) -> VerifyError {
    let mut v: serde_json::Value = serde_json::from_str(&mid_play().to_json()).unwrap();
    edit(&mut v);
    match RunFile::parse(&v.to_string()) {
        Err(e) => e,
        Ok(run) => run.verify().expect_err("a changed file must not verify"),
    }
}

#[test]
fn a_hand_edited_score_is_caught_and_named() {
    let e = tampered(|v| v["headline"]["score"] = serde_json::json!(1e9));
    assert!(
        matches!(&e, VerifyError::Mismatch { field, .. } if field == "headline.score"),
        "{e}"
    );
}

#[test]
fn a_hand_edited_command_is_caught() {
    // Protecting the constraint later: the figures were recorded for the earlier time.
    let e = tampered(|v| v["commands"][0]["at"] = serde_json::json!(200.0));
    assert!(matches!(e, VerifyError::Mismatch { .. }), "{e}");
    // Removing a command.
    let e = tampered(|v| {
        v["commands"].as_array_mut().unwrap().remove(0);
    });
    assert!(matches!(e, VerifyError::Mismatch { .. }), "{e}");
    // A command after the recorded time.
    let e = tampered(|v| v["commands"][1]["at"] = serde_json::json!(5000.0));
    assert!(matches!(e, VerifyError::BadCommands(_)), "{e}");
}

#[test]
fn versions_and_levels_are_reported_as_such_not_as_tampering() {
    let e = tampered(|v| v["format_version"] = serde_json::json!(99));
    assert_eq!(e, VerifyError::NewerFormat { found: 99 });
    let e = tampered(|v| v["engine_version"] = serde_json::json!(ENGINE_VERSION + 1));
    assert_eq!(
        e,
        VerifyError::OtherEngine {
            found: ENGINE_VERSION + 1
        }
    );
    let e = tampered(|v| v["level"]["id"] = serde_json::json!("atlantis"));
    assert_eq!(e, VerifyError::UnknownLevel("atlantis".into()));
    let e = tampered(|v| v["level"]["content_hash"] = serde_json::json!("0"));
    assert_eq!(e, VerifyError::LevelChanged("phoenix".into()));
    let e = tampered(|v| v["kind"] = serde_json::json!("something else"));
    assert!(matches!(e, VerifyError::NotARun(_)), "{e}");
    assert!(matches!(
        RunFile::parse("not json"),
        Err(VerifyError::NotARun(_))
    ));
}
