//! The improvement-kata drill in the core, without Bevy: plan, play and review each round;
//! the clock stops at a round's end; a round's result is its target's metric measured over
//! that round; what is measured live agrees with the verified replay (`measure_rounds`).

use flowkata::sim::challenge::{Goal, Metric};
use flowkata::sim::kata::{self, Drill, DrillPhase, DrillRun, KataRound, Storyboard};
use flowkata::sim::{Action, Level, RunReport, Simulation, WorkType};

const DRILL: Drill = Drill {
    rounds: 2,
    round_days: 0.5,
};

fn level() -> Level {
    Level::embedded("first-day")
        .unwrap()
        .with_drill(DRILL)
        .unwrap()
}

fn round(current: Vec<kata::Figure>) -> KataRound {
    KataRound {
        current_condition: current,
        target: Goal {
            metric: Metric::ThroughputPerDay,
            at_least: Some(1.0),
            at_most: None,
        },
        obstacle: "favours".into(),
        experiment: "refuse them".into(),
        prediction: 10.0,
        result: None,
        learned: String::new(),
    }
}

/// Planned items completed by the report's time.
fn planned_done(r: &RunReport) -> u64 {
    WorkType::PLANNED
        .iter()
        .map(|t| r.run.completed.get(t.key()).copied().unwrap_or(0))
        .sum()
}

#[test]
fn a_drill_is_planned_played_and_reviewed_round_by_round() {
    let mpd = level().calendar.minutes_per_day;
    let end1 = DRILL.boundary(1, mpd);
    let end2 = DRILL.boundary(2, mpd);
    let mut sim = Simulation::new(level(), 1);
    let mut story = Storyboard::default();
    let mut drill = DrillRun::default();

    // Round 1 has no plan: the clock may not move.
    assert_eq!(drill.phase(&sim, &story), DrillPhase::Plan { round: 0 });
    assert_eq!(drill.clock_limit(&sim, Some(&story), 100.0), None);
    let current = drill.current_condition(&sim, 0).to_vec();
    assert_eq!(current.len(), Metric::kata_metrics().len());
    story.rounds.push(round(current));
    sim.apply(Action::SetIntake {
        stream: "Favours for marketing".into(),
        accept: false,
    })
    .unwrap();

    // Planned, it plays, and the clock never runs past the round's end.
    assert_eq!(drill.phase(&sim, &story), DrillPhase::Play { round: 0 });
    assert_eq!(drill.clock_limit(&sim, Some(&story), 100.0), Some(100.0));
    assert_eq!(drill.clock_limit(&sim, Some(&story), 1e9), Some(end1));
    sim.advance_to(100.0);
    assert_eq!(drill.after_advance(&sim, Some(&mut story)), None);
    sim.advance_to(drill.clock_limit(&sim, Some(&story), 1e9).unwrap());
    assert_eq!(sim.now(), end1);

    // At the end: measured once, then reviewed.
    assert_eq!(drill.after_advance(&sim, Some(&mut story)), Some(0));
    assert_eq!(
        drill.after_advance(&sim, Some(&mut story)),
        None,
        "measured once"
    );
    assert_eq!(drill.phase(&sim, &story), DrillPhase::Review { round: 0 });
    let done1 = planned_done(&sim.report());
    assert!(done1 > 0, "first-day completes work in half a day");
    assert_eq!(
        story.rounds[0].result,
        Some(done1 as f64 / DRILL.round_days),
        "the result is items done per workday over the round"
    );
    // Round 2 has no plan yet: the clock stays.
    assert_eq!(drill.clock_limit(&sim, Some(&story), 1e9), None);
    drill.end_review();
    assert_eq!(drill.phase(&sim, &story), DrillPhase::Plan { round: 1 });

    // Round 2's current condition is measured over round 1: its throughput is round 1's
    // result, reached by another path.
    let current = drill.current_condition(&sim, 1).to_vec();
    let throughput = current
        .iter()
        .find(|f| f.metric == Metric::ThroughputPerDay)
        .unwrap();
    assert_eq!(throughput.value, story.rounds[0].result);
    story.rounds.push(round(current));
    sim.advance_to(drill.clock_limit(&sim, Some(&story), 1e9).unwrap());
    assert_eq!(sim.now(), end2);
    assert!(sim.is_finished());
    assert_eq!(drill.after_advance(&sim, Some(&mut story)), Some(1));
    let done2 = planned_done(&sim.report()) - done1;
    assert_eq!(
        story.rounds[1].result,
        Some(done2 as f64 / DRILL.round_days),
        "round 2's result counts only what round 2 completed"
    );
    drill.end_review();
    assert_eq!(drill.phase(&sim, &story), DrillPhase::Done);

    // What the live drill measured is what the verified replay measures.
    let (_, replayed) = kata::measure_rounds(&level(), 1, sim.commands(), sim.now()).unwrap();
    assert_eq!(drill.reports(), replayed.as_slice());
    assert_eq!(
        kata::storyboard_difference(&level(), 1, &story, &replayed),
        None
    );
    // And a run resumed from its commands knows both rounds were measured.
    assert_eq!(DrillRun::resume(&sim).reports(), replayed.as_slice());
}

#[test]
fn without_a_drill_the_clock_is_free_and_nothing_is_measured() {
    let mut sim = Simulation::new(Level::embedded("first-day").unwrap(), 1);
    let mut drill = DrillRun::default();
    assert_eq!(drill.clock_limit(&sim, None, 1e9), Some(1e9));
    sim.advance_to(480.0);
    assert_eq!(drill.after_advance(&sim, None), None);
    assert!(drill.reports().is_empty());
    assert_eq!(drill.phase(&sim, &Storyboard::default()), DrillPhase::Done);
}
