//! Determinism: a run is a function of level + seed + command log, whatever the frame rate.

use flowkata::sim::{Action, Assignee, Level, Simulation};
use proptest::prelude::*;

/// A level that offers every decision.
fn open_level() -> Level {
    Level::embedded("phoenix").unwrap()
}

/// A live session: the shell advances in frames and applies commands as the player clicks.
fn live_session(frames: &[f64]) -> Simulation {
    let mut sim = Simulation::new(open_level(), 7);
    let mut t = 0.0;
    for (i, dt) in frames.iter().enumerate() {
        t += dt;
        sim.advance_to(t);
        if i == 3 {
            sim.apply(Action::ProtectConstraint { on: true }).unwrap();
        }
        if i == 7 {
            sim.apply(Action::SetBatchSize {
                size: 1,
                center: None,
            })
            .unwrap();
        }
        if i == 9 {
            sim.apply(Action::SetWipLimit {
                center: "dev".into(),
                limit: Some(2),
            })
            .unwrap();
        }
        // Triage the first open outage to Sam as soon as there is one.
        if let Some(o) = sim.outages().iter().find(|o| o.resolved_at.is_none()) {
            let id = o.id;
            if !sim
                .commands()
                .iter()
                .any(|c| matches!(c.action, Action::Triage { .. }))
            {
                sim.apply(Action::Triage {
                    outage: id,
                    to: Assignee::Worker("Sam".into()),
                })
                .unwrap();
            }
        }
    }
    sim.run_to_end();
    sim
}

#[test]
fn same_seed_and_commands_same_hash() {
    let a = Simulation::replay(open_level(), 3, &[]).unwrap();
    let b = Simulation::replay(open_level(), 3, &[]).unwrap();
    assert_eq!(a.state_hash(), b.state_hash());
    assert_eq!(a.report(), b.report());
}

#[test]
fn another_seed_gives_another_run() {
    let a = Simulation::replay(open_level(), 3, &[]).unwrap();
    let b = Simulation::replay(open_level(), 4, &[]).unwrap();
    assert_ne!(a.state_hash(), b.state_hash());
}

#[test]
fn commands_change_the_run() {
    let a = Simulation::replay(open_level(), 3, &[]).unwrap();
    let protect = [flowkata::sim::Command {
        at: 0.0,
        action: Action::ProtectConstraint { on: true },
    }];
    let b = Simulation::replay(open_level(), 3, &protect).unwrap();
    assert_ne!(a.state_hash(), b.state_hash());
}

#[test]
fn replaying_the_command_log_of_a_live_session_reproduces_it() {
    let frames: Vec<f64> = (0..400).map(|i| 5.0 + (i % 7) as f64 * 3.3).collect();
    let live = live_session(&frames);
    assert!(
        live.commands().len() >= 4,
        "the session should have logged its commands"
    );
    let replayed = Simulation::replay(open_level(), 7, live.commands()).unwrap();
    assert_eq!(live.state_hash(), replayed.state_hash());
}

#[test]
fn player_commands_do_not_change_arrivals_or_base_outages() {
    // Two very different policies meet the same arrivals and the same base-rate outages
    // (on brent, which has no technical debt to change the outage rate), offered every
    // decision.
    let mut brent = Level::embedded("brent").unwrap();
    brent.decisions = None;
    let a = Simulation::replay(brent.clone(), 11, &[]).unwrap();
    let cmds = [
        flowkata::sim::Command {
            at: 0.0,
            action: Action::ProtectConstraint { on: true },
        },
        flowkata::sim::Command {
            at: 10.0,
            action: Action::HoldWork { hold: true },
        },
        flowkata::sim::Command {
            at: 900.0,
            action: Action::HoldWork { hold: false },
        },
    ];
    let b = Simulation::replay(brent, 11, &cmds).unwrap();
    assert_ne!(a.state_hash(), b.state_hash());
    assert_eq!(
        a.report().run.arrived["Business"],
        b.report().run.arrived["Business"]
    );
    assert_eq!(
        a.report().run.arrived["Change"],
        b.report().run.arrived["Change"]
    );
    let base_times = |s: &Simulation| -> Vec<u64> {
        s.outages()
            .iter()
            .filter(|o| o.cause == flowkata::sim::OutageCause::BaseRate)
            .map(|o| o.raised_at.to_bits())
            .collect()
    };
    assert_eq!(base_times(&a), base_times(&b));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// The frame rate and the speed setting never change the outcome: advancing in any
    /// sequence of steps ends in the same state as one jump to the end.
    #[test]
    fn any_frame_sequence_gives_the_same_run(steps in proptest::collection::vec(0.01f64..400.0, 1..60)) {
        let whole = Simulation::replay(Level::embedded("ten-deploys").unwrap(), 5, &[]).unwrap();
        let mut sim = Simulation::new(Level::embedded("ten-deploys").unwrap(), 5);
        let mut t = 0.0;
        for dt in steps {
            t += dt;
            sim.advance_to(t);
        }
        sim.run_to_end();
        prop_assert_eq!(whole.state_hash(), sim.state_hash());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
    /// On phoenix (debt that compounds at hourly ticks, a change board on a schedule, an
    /// outage rate that changes with debt, improvement work), applying the good policy while
    /// advancing in arbitrary frames ends in the same state as replaying its log in one go.
    #[test]
    fn phoenix_frames_do_not_change_the_run(steps in proptest::collection::vec(0.5f64..600.0, 1..40)) {
        let src = std::fs::read_to_string("tests/policies/phoenix-good.ron").unwrap();
        let log = flowkata::sim::parse_command_log("phoenix-good.ron", &src).unwrap();
        let level = Level::embedded("phoenix").unwrap();
        let whole = Simulation::replay(level.clone(), 3, &log).unwrap();
        let mut sim = Simulation::new(level, 3);
        sim.apply_log(&log).unwrap();
        let mut t = sim.now();
        for dt in steps {
            t += dt;
            sim.advance_to(t);
        }
        sim.run_to_end();
        prop_assert_eq!(sim.state_hash(), whole.state_hash());
    }
}
