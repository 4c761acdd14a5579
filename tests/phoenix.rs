//! The Phoenix mechanics, each on a small level whose timeline can be worked out on paper:
//! change management, the incident procedure and culture, postmortems, technical debt,
//! improvement work, release control, due dates.

use flowkata::sim::{Action, Level, OutageCause, ReleaseRule, Simulation, WorkType};

fn level(src: &str) -> Level {
    Level::parse("test.ron", src).unwrap_or_else(|e| panic!("{e}"))
}

/// One change every 100 minutes (first at t = 100), prepared at `ops` in 10 minutes by Wes,
/// deployed alone (batch 1) in 10 minutes by Ann. `{risk}`, `{changes}`, `{outages}` and
/// `{extra}` are filled in by each test.
fn pipeline(risk: &str, changes: &str, outages: &str, extra: &str) -> Level {
    level(&format!(
        r#"Level(
    id: "pipe", title: "t", days: 10,
    systems: ["pos", "web"],
    centers: [
        (id: "ops", name: "Ops"),
        (id: "deploy", name: "Deploy", deploy: (batch_size: 1, setup: Fixed(10.0), failure_probability: 0.0)),
    ],
    workers: [
        (name: "Wes", skills: {{"ops": 1.0, "outages": 1.0}}),
        (name: "Ann", skills: {{"deploy": 1.0}}),
    ],
    arrivals: [(name: "c", work_type: Change, interarrival: Fixed(100.0), systems: ["pos"],
        risk: {risk}, route: [(center: "ops", effort: Fixed(10.0)), (center: "deploy")], value: 1.0)],
    changes: {changes},
    outages: {outages},
    {extra}
)"#
    ))
}

const NO_OUTAGES: &str = "(fix_effort: Fixed(60.0), cost_per_hour: 60.0)";

#[test]
fn high_risk_changes_wait_for_the_board_and_standard_ones_can_be_pre_approved() {
    // The board meets at the start of each day (every 480 minutes from t = 0).
    let changes = "(board: (every_days: 1.0))";
    let lv = pipeline("(standard: 0.0, high: 1.0)", changes, NO_OUTAGES, "");
    let mut sim = Simulation::new(lv, 1);
    // Change 1 reaches the deploy step at t = 110 and waits for the meeting at t = 480.
    sim.advance_to(470.0);
    assert_eq!(sim.report().run.deploys, 0);
    assert_eq!(sim.change_board_view().unwrap().waiting, 4); // arrived at 100, 200, 300, 400
    sim.advance_to(500.0);
    // At 480 all four are approved; deploys of 10 minutes each run 480–520.
    assert_eq!(sim.report().run.deploys, 2);
    assert_eq!(sim.change_board_view().unwrap().waiting, 0);

    // Standard changes wait too, unless pre-approved.
    let lv = pipeline("(standard: 1.0)", changes, NO_OUTAGES, "");
    let mut sim = Simulation::new(lv.clone(), 1);
    sim.advance_to(300.0);
    assert_eq!(sim.report().run.deploys, 0);
    sim.apply(Action::PreApproveStandard { on: true }).unwrap();
    sim.advance_to(320.0); // the two waiting ones are released at 300 and deploy by 320
    assert_eq!(sim.report().run.deploys, 2);

    // Meeting every quarter day (120 minutes): change 1 (waiting from 110) goes at 120.
    let mut sim = Simulation::new(lv, 1);
    sim.apply(Action::SetBoardInterval { every_days: 0.25 })
        .unwrap();
    sim.advance_to(1.0); // the first meeting, at 0, finds nothing to approve
    assert_eq!(sim.next_board_meeting(), Some(120.0));
    sim.advance_to(131.0);
    assert_eq!(sim.report().run.deploys, 1);
}

#[test]
fn the_board_approves_at_most_its_quota_per_meeting() {
    let changes = "(board: (every_days: 1.0, approvals_per_meeting: 1))";
    let lv = pipeline("(standard: 0.0, medium: 1.0)", changes, NO_OUTAGES, "");
    let mut sim = Simulation::new(lv, 1);
    sim.advance_to(960.0 + 30.0);
    // Meetings at 480 and 960, one approval each.
    assert_eq!(sim.report().run.deploys, 2);
}

#[test]
fn two_changes_to_one_system_in_one_window_collide() {
    // p = 0, so only collisions can fail a deploy; every collision fails it.
    let changes = "(collision_window: 150.0, collision_probability: 1.0)";
    let outages = "(fix_effort: Fixed(5.0), cost_per_hour: 60.0)";
    let lv = pipeline("(standard: 1.0)", changes, outages, "");
    let mut sim = Simulation::new(lv.clone(), 1);
    // Deploys at 120 and 220 touch "pos" 100 minutes apart: the second collides.
    sim.advance_to(200.0);
    assert_eq!(sim.report().run.change_failure_rate, 0.0);
    sim.advance_to(230.0);
    let r = sim.report();
    assert_eq!((r.run.deploys, r.run.collisions), (2, 1));
    assert_eq!(
        sim.outages()[0].cause,
        OutageCause::FailedDeploy {
            changes: 1,
            collisions: 1
        }
    );
    // With a window of 50 minutes they are apart: no collision, no failure.
    let lv = pipeline(
        "(standard: 1.0)",
        "(collision_window: 50.0, collision_probability: 1.0)",
        outages,
        "",
    );
    let mut sim = Simulation::new(lv, 1);
    sim.advance_to(1000.0);
    assert_eq!(sim.report().run.collisions, 0);
    assert!(sim.outages().is_empty());
}

#[test]
fn off_board_changes_skip_the_wait_but_slow_the_diagnosis() {
    // Standard changes fail with p = 1 (risk factor 1). The board meets daily; bypassing it
    // deploys at once, and the resulting outage's diagnosis (30 minutes) doubles.
    let changes = "(board: (every_days: 1.0), off_board_allowed: true)";
    let outages = "(fix_effort: Fixed(20.0), diagnose: Fixed(30.0), cost_per_hour: 60.0)";
    let mut lv = pipeline("(standard: 1.0)", changes, outages, "");
    lv.centers[1].deploy.as_mut().unwrap().failure_probability = 1.0;
    let mut sim = Simulation::new(lv.clone(), 1);
    sim.apply(Action::BypassBoard { on: true }).unwrap();
    sim.advance_to(121.0);
    let o = &sim.outages()[0];
    assert!(o.off_board);
    assert_eq!(o.diagnosis, 60.0);
    // Wes diagnoses 120–180 and fixes 180–200.
    sim.advance_to(201.0);
    assert_eq!(sim.outages()[0].resolved_at, Some(200.0));
    assert_eq!(sim.report().run.off_board_changes, 1);

    // Through the board: waits for the meeting at 480, and the diagnosis is 30 minutes.
    let mut sim = Simulation::new(lv.clone(), 1);
    sim.advance_to(479.0);
    assert!(sim.outages().is_empty());
    sim.advance_to(491.0);
    assert_eq!(sim.outages()[0].diagnosis, 30.0);

    // A level that does not allow it refuses the command.
    let lv = pipeline("(standard: 1.0)", "(board: (every_days: 1.0))", outages, "");
    let mut sim = Simulation::new(lv, 1);
    assert!(sim.apply(Action::BypassBoard { on: true }).is_err());
}

/// Every deploy fails (p = 1). Detection takes 40 minutes before the culture's factor,
/// diagnosis 30, fix 20.
fn incident_level(culture: &str, extra: &str) -> Level {
    let outages = "(fix_effort: Fixed(20.0), diagnose: Fixed(30.0), detect: Fixed(40.0), cost_per_hour: 60.0, postmortem: (work: Fixed(50.0), recurrence_factor: 0.25))";
    let mut lv = pipeline(
        "(standard: 1.0)",
        "()",
        outages,
        &format!("culture: {culture}, {extra}"),
    );
    lv.centers[1].deploy.as_mut().unwrap().failure_probability = 1.0;
    lv
}

#[test]
fn an_outage_is_detected_then_diagnosed_then_fixed() {
    let mut sim = Simulation::new(incident_level("Generative", ""), 1);
    // The first deploy fails at t = 120; detected at 160; Wes diagnoses 160–190, fixes
    // 190–210.
    sim.advance_to(150.0);
    assert_eq!(sim.outages().len(), 1);
    assert_eq!(sim.known_outages().count(), 0, "not yet noticed");
    assert!(
        sim.apply(Action::Postmortem { outage: 1 }).is_err(),
        "unknown to the player"
    );
    sim.advance_to(170.0);
    let o = sim.known_outages().next().unwrap().clone();
    assert_eq!(o.detected_at, Some(160.0));
    assert_eq!(
        sim.outage_phase(&o).0,
        flowkata::sim::OutagePhase::Diagnosing
    );
    sim.advance_to(195.0);
    let o = sim.outages()[0].clone();
    assert_eq!(sim.outage_phase(&o).0, flowkata::sim::OutagePhase::Fixing);
    sim.advance_to(211.0);
    assert_eq!(sim.outages()[0].resolved_at, Some(210.0));
    // Downtime counts from the failure, detection included: 90 minutes.
    assert!((sim.outage_cost(&sim.outages()[0]) - 90.0).abs() < 1e-9);
    assert_eq!(sim.report().run.mean_time_to_detect, Some(40.0));
}

#[test]
fn culture_changes_how_fast_outages_are_noticed() {
    for (culture, detect) in [
        ("Generative", 40.0),
        ("Bureaucratic", 60.0),
        ("Pathological", 120.0),
    ] {
        let mut sim = Simulation::new(incident_level(culture, ""), 1);
        sim.advance_to(250.0);
        assert_eq!(
            sim.outages()[0].detected_at,
            Some(120.0 + detect),
            "{culture}"
        );
    }
}

#[test]
fn monitoring_shortens_detection() {
    let extra = r#"improvements: [(id: "monitoring", name: "Monitoring", work: Fixed(30.0), by: Skill("deploy"), effect: Detection(factor: 0.25))]"#;
    let mut sim = Simulation::new(incident_level("Generative", extra), 1);
    sim.apply(Action::FundImprovement {
        id: "monitoring".into(),
    })
    .unwrap();
    // Ann builds monitoring 0–30; the deploy at 110–120 fails and is seen after 10 minutes.
    sim.advance_to(200.0);
    assert_eq!(sim.detect_factor(), 0.25);
    assert_eq!(sim.outages()[0].detected_at, Some(130.0));
    assert!(
        sim.apply(Action::FundImprovement {
            id: "monitoring".into()
        })
        .is_err(),
        "one round only"
    );
}

#[test]
fn postmortems_lower_recurrence_as_the_culture_allows() {
    for (culture, expected) in [("Generative", 0.25), ("Bureaucratic", 0.5)] {
        let mut sim = Simulation::new(incident_level(culture, ""), 1);
        sim.advance_to(250.0);
        assert!(
            sim.apply(Action::Postmortem { outage: 1 }).is_ok(),
            "{culture}"
        );
        assert!(
            sim.apply(Action::Postmortem { outage: 1 }).is_err(),
            "only once"
        );
        sim.advance_to(479.0);
        let pos = 0;
        assert!(
            (sim.recurrence()[pos] - expected).abs() < 1e-12,
            "{culture}: {:?}",
            sim.recurrence()
        );
        assert_eq!(sim.report().run.postmortems_done, 1);
    }
    let mut sim = Simulation::new(incident_level("Pathological", ""), 1);
    sim.advance_to(300.0);
    let err = sim.apply(Action::Postmortem { outage: 1 }).unwrap_err();
    assert!(err.0.contains("pathological"), "{err}");
}

/// A deploy-free level for debt: QA can be skipped, outages strike at a base rate that debt
/// raises.
fn debt_level(debt: &str) -> Level {
    level(&format!(
        r#"Level(
    id: "debt", title: "t", days: 10,
    centers: [(id: "dev", name: "Dev"), (id: "qa", name: "QA", skippable: true)],
    workers: [(name: "Ana", skills: {{"dev": 1.0, "outages": 1.0}}), (name: "Kim", skills: {{"qa": 1.0}})],
    arrivals: [(name: "f", work_type: Business, interarrival: Fixed(60.0),
        route: [(center: "dev", effort: Fixed(30.0)), (center: "qa", effort: Fixed(30.0))], value: 100.0)],
    outages: (base_rate_per_day: 1.0, fix_effort: Fixed(1.0), cost_per_hour: 1.0),
    debt: {debt},
)"#
    ))
}

#[test]
fn skipping_qa_and_expediting_add_debt_that_raises_the_outage_rate() {
    let lv = debt_level("(per_skipped_step: 2.0, per_expedite: 5.0, outage_rate_per_point: 0.5)");
    let mut sim = Simulation::new(lv, 1);
    assert_eq!(sim.outage_rate_per_day(), 1.0);
    sim.apply(Action::SkipStep {
        center: "qa".into(),
        on: true,
    })
    .unwrap();
    sim.advance_to(600.0);
    // Items finished dev at 90, 150, …, 570: ten skipped QA, 2 points each.
    let r = sim.report();
    assert_eq!(r.centers[1].arrivals, 0);
    assert_eq!(r.run.skipped_steps, 9);
    assert_eq!(sim.debt(), 18.0);
    assert!((sim.outage_rate_per_day() - (1.0 + 0.5 * 18.0)).abs() < 1e-9);
    // Expedite the next arrival while it waits: item ids count arrivals (and jobs).
    sim.advance_to(660.0);
    let waiting = sim.center_views()[0].queue.first().map(|i| i.id);
    if let Some(id) = waiting {
        sim.apply(Action::Expedite { item: id }).unwrap();
        assert_eq!(sim.debt(), 23.0);
    }
    assert!(
        sim.apply(Action::SkipStep {
            center: "dev".into(),
            on: true
        })
        .is_err()
    );
}

#[test]
fn debt_compounds_and_overload_adds_to_it() {
    // 10 points at 10% a day: after 2 workdays, 10·e^0.2, exactly, with no other source.
    let lv = debt_level("(initial: 10.0, interest_per_day: 0.1, outage_rate_per_point: 0.0)");
    let mut sim = Simulation::new(lv, 1);
    sim.advance_to(960.0);
    assert!(
        (sim.debt() - 10.0 * (0.2f64).exp()).abs() < 1e-9,
        "{}",
        sim.debt()
    );
    // Overload: arrivals every 10 minutes swamp dev (30 minutes each); WIP passes 2 at once
    // and keeps growing, so every hourly tick from t = 60 adds 1 point.
    let mut lv =
        debt_level("(overload_wip: 2, per_overload_hour: 1.0, outage_rate_per_point: 0.0)");
    lv.arrivals[0].interarrival = flowkata::sim::Dist::Fixed(10.0);
    let mut sim = Simulation::new(lv, 1);
    sim.advance_to(600.0);
    assert_eq!(sim.debt(), 10.0);
}

/// The outage count over a long run with constant debt D matches the rate base·(1 + kD):
/// with 20 points and k = 0.05, 2 outages a day over 2000 days, 4000 expected. Poisson
/// standard deviation √4000 ≈ 63 (1.6%); 6% is over three and a half of them.
#[test]
fn debt_raises_the_outage_rate_as_specified() {
    let mut lv = debt_level("(initial: 20.0, outage_rate_per_point: 0.05)");
    lv.days = 2000.0;
    lv.arrivals[0].interarrival = flowkata::sim::Dist::Fixed(100_000.0);
    let mut sim = Simulation::new(lv, 3);
    sim.run_to_end();
    let n = sim.outages().len() as f64;
    assert!((n / 4000.0 - 1.0).abs() < 0.06, "{n} outages");
}

/// Brent alone knows ops. Documenting his knowledge (his time: 60 minutes a round) makes
/// Wes able to work there, 0.5 faster each round, up to 1.
#[test]
fn documenting_the_constraints_knowledge_costs_his_time_and_spreads_his_skill() {
    let lv = level(
        r#"Level(
    id: "doc", title: "t", days: 10,
    centers: [(id: "ops", name: "Ops")],
    workers: [(name: "Brent", skills: {"ops": 1.0}, constraint: true), (name: "Wes", skills: {"outages": 1.0})],
    arrivals: [(name: "c", work_type: Change, interarrival: Fixed(1000.0), route: [(center: "ops", effort: Fixed(10.0))])],
    improvements: [(id: "document-brent", name: "Document Brent's knowledge", work: Fixed(60.0), by: Constraint,
        effect: ShareKnowledge(learners: ["Wes"], skills: ["ops"], step: 0.5, max_speed: 1.0), max_rounds: 3)],
)"#,
    );
    let mut sim = Simulation::new(lv, 1);
    let wes = sim.worker_index("Wes").unwrap();
    let ops = 0;
    assert_eq!(sim.worker_speed(wes, ops), None);
    assert_eq!(sim.capacity(ops), 1);
    for _ in 0..3 {
        sim.apply(Action::FundImprovement {
            id: "document-brent".into(),
        })
        .unwrap();
    }
    sim.advance_to(61.0);
    assert_eq!(sim.worker_speed(wes, ops), Some(0.5));
    assert_eq!(sim.capacity(ops), 2, "ops now has two people");
    sim.advance_to(200.0);
    assert_eq!(sim.worker_speed(wes, ops), Some(1.0), "capped at max_speed");
    let r = sim.report();
    assert!((r.workers[0].improvement_utilization - 180.0 / 200.0).abs() < 1e-9);
    assert_eq!(r.run.improvements_done, 3);
}

/// With 20% of time reserved and a repeatable improvement always funded by the plan, a
/// saturated worker spends about 20% of the time on it (each round is 30 minutes, so the
/// share overshoots by at most one round over the run).
#[test]
fn the_improvement_share_reserves_that_share_of_time() {
    let lv = level(
        r#"Level(
    id: "share", title: "t", days: 10,
    centers: [(id: "dev", name: "Dev")],
    workers: [(name: "Ana", skills: {"dev": 1.0})],
    arrivals: [(name: "f", work_type: Business, interarrival: Fixed(5.0), route: [(center: "dev", effort: Fixed(10.0))])],
    improvements: [(id: "tidy", name: "Tidy up", work: Fixed(30.0), by: Anyone, effect: Nothing, max_rounds: 1000)],
    improvement_share: 0.2,
)"#,
    );
    let mut sim = Simulation::new(lv, 1);
    sim.run_to_end();
    let share = sim.report().workers[0].improvement_utilization;
    assert!((share - 0.2).abs() <= 30.0 / 4800.0 + 1e-9, "{share}");
    // Without the share, the funded rounds wait behind older planned work: one round only
    // (funded at t = 0, before any item arrived).
    let mut lv = sim.level().clone();
    lv.improvement_share = 0.0;
    let mut sim = Simulation::new(lv, 1);
    sim.apply(Action::FundImprovement { id: "tidy".into() })
        .unwrap();
    sim.run_to_end();
    assert_eq!(sim.report().run.improvements_done, 1);
}

#[test]
fn deployment_and_test_automation_change_setup_and_defect_rate() {
    let extra = r#"improvements: [
        (id: "deploy-automation", name: "Deployment automation", work: Fixed(20.0), by: Skill("deploy"), effect: SetupTime(center: "deploy", factor: 0.5)),
        (id: "test-automation", name: "Test automation", work: Fixed(20.0), by: Skill("ops"), effect: DefectRate(factor: 0.5)),
    ]"#;
    let lv = pipeline("(standard: 1.0)", "()", NO_OUTAGES, extra);
    let mut sim = Simulation::new(lv, 1);
    for id in ["deploy-automation", "test-automation"] {
        sim.apply(Action::FundImprovement { id: id.into() })
            .unwrap();
    }
    // Both finish at t = 20. The first change is at ops 100–110 and deploys 110–115: half
    // of the 10-minute setup.
    sim.advance_to(114.0);
    assert_eq!(sim.report().run.deploys, 0);
    sim.advance_to(115.0);
    assert_eq!(sim.report().run.deploys, 1);
    assert_eq!(sim.setup_factor(1), 0.5);
    assert_eq!(sim.defect_factor(), 0.5);
}

/// Test automation halves p: with p = 0.2 per change, 1000 deploys of one change fail
/// 200 times before and 100 after (binomial sd ≈ 13 and 9.5; 30% is over 3 sd).
#[test]
fn test_automation_halves_the_change_failure_rate() {
    let extra = r#"improvements: [(id: "test-automation", name: "Test automation", work: Fixed(1.0), by: Skill("ops"), effect: DefectRate(factor: 0.5))]"#;
    let outages = "(fix_effort: Fixed(1.0), cost_per_hour: 60.0)";
    let mut lv = pipeline("(standard: 1.0)", "()", outages, extra);
    lv.centers[1].deploy.as_mut().unwrap().failure_probability = 0.2;
    lv.days = 100_000.0 / 480.0;
    let rate = |fund: bool| {
        let mut sim = Simulation::new(lv.clone(), 9);
        if fund {
            sim.apply(Action::FundImprovement {
                id: "test-automation".into(),
            })
            .unwrap();
        }
        sim.run_to_end();
        sim.report().run.change_failure_rate
    };
    let (before, after) = (rate(false), rate(true));
    assert!((before - 0.2).abs() < 0.2 * 0.3, "{before}");
    assert!((after - 0.1).abs() < 0.1 * 0.3, "{after}");
}

/// A level with a drum: Brent alone staffs ops, behind dev. Work arrives every 10 minutes;
/// ops takes 60 minutes.
fn dbr_level() -> Level {
    level(
        r#"Level(
    id: "dbr", title: "t", days: 5,
    centers: [(id: "dev", name: "Dev"), (id: "ops", name: "Ops")],
    workers: [(name: "Ana", skills: {"dev": 1.0}), (name: "Raj", skills: {"dev": 1.0}), (name: "Brent", skills: {"ops": 1.0}, constraint: true)],
    arrivals: [
        (name: "Features", work_type: Business, interarrival: Fixed(10.0), route: [(center: "dev", effort: Fixed(15.0)), (center: "ops", effort: Fixed(60.0))], value: 10.0, due_days: 1.0, late_value: 2.0),
        (name: "Changes", work_type: Change, interarrival: Fixed(240.0), route: [(center: "dev", effort: Fixed(5.0))], value: 1.0),
    ],
)"#,
    )
}

#[test]
fn drum_buffer_rope_ties_release_to_the_constraint() {
    let mut push = Simulation::new(dbr_level(), 1);
    push.run_to_end();
    let mut dbr = Simulation::new(dbr_level(), 1);
    assert_eq!(dbr.drum(), Some(1));
    dbr.apply(Action::SetRelease {
        rule: ReleaseRule::DrumBufferRope { buffer: 3 },
    })
    .unwrap();
    // The rope counted from the board's views, not from the engine's own counter: every
    // released feature still at dev (queued, in service or blocked) has the drum ahead, and
    // so has everything at ops (the drum, the last step). Changes never visit the drum.
    let on_rope = |sim: &Simulation| {
        let v = sim.center_views();
        let at_dev = v[0]
            .queue
            .iter()
            .chain(&v[0].in_service)
            .chain(&v[0].blocked)
            .filter(|i| i.work_type == WorkType::Business)
            .count();
        (at_dev + v[1].queue.len() + v[1].in_service.len() + v[1].blocked.len()) as u32
    };
    let mut most = 0;
    while !dbr.is_finished() {
        let t = dbr.now() + 7.0;
        dbr.advance_to(t);
        let counted = on_rope(&dbr);
        assert_eq!(counted, dbr.rope_len(), "at t = {}", dbr.now());
        most = most.max(counted);
    }
    // Features arrive six times as fast as Brent finishes them, so the rope fills to its
    // buffer and never past it.
    assert_eq!(most, 3, "the rope reached {most} items for a buffer of 3");
    let mut push_rope = Simulation::new(dbr_level(), 1);
    push_rope.advance_to(600.0);
    assert!(
        on_rope(&push_rope) > 3,
        "without the rope, more than the buffer is ahead of the drum"
    );
    // Same output at the drum, far less WIP: the queue waits in the backlog instead.
    let (p, d) = (push.report(), dbr.report());
    let done = |r: &flowkata::sim::RunReport| r.run.completed["Business"];
    assert!(done(&d) + 1 >= done(&p), "{} vs {}", done(&d), done(&p));
    assert!(
        d.run.mean_wip < p.run.mean_wip / 5.0,
        "{} vs {}",
        d.run.mean_wip,
        p.run.mean_wip
    );
}

#[test]
fn freeze_holds_projects_while_changes_flow() {
    let mut sim = Simulation::new(dbr_level(), 1);
    sim.apply(Action::Freeze { on: true }).unwrap();
    sim.advance_to(1000.0);
    let r = sim.report();
    assert_eq!(r.run.completed["Business"], 0);
    assert_eq!(r.run.completed["Change"], 4);
    sim.apply(Action::Freeze { on: false }).unwrap();
    sim.advance_to(1200.0);
    assert!(sim.report().run.completed["Business"] > 0);
}

#[test]
fn refused_work_never_enters() {
    let mut sim = Simulation::new(dbr_level(), 1);
    sim.apply(Action::SetIntake {
        stream: "Features".into(),
        accept: false,
    })
    .unwrap();
    sim.advance_to(100.0);
    let r = sim.report();
    assert_eq!(r.run.refused, 10);
    assert_eq!(r.run.arrived[&format!("{:?}", WorkType::Business)], 10);
    assert_eq!(sim.wip(), 0);
    assert!(
        sim.apply(Action::SetIntake {
            stream: "Nope".into(),
            accept: false
        })
        .is_err()
    );
    // Refusing from the backlog: hold work, let some arrive, refuse the oldest.
    let mut sim = Simulation::new(dbr_level(), 1);
    sim.apply(Action::HoldWork { hold: true }).unwrap();
    sim.advance_to(35.0);
    let first = sim.backlog_views()[0].id;
    sim.apply(Action::Refuse { item: first }).unwrap();
    assert_eq!(sim.backlog_len(), 2);
    assert!(sim.apply(Action::Refuse { item: first }).is_err());
}

#[test]
fn late_business_projects_earn_their_late_value() {
    // Brent takes 60 minutes per feature, and one arrives every 10: most are late (due one
    // day after arrival). On-time ones earn 10, late ones 2.
    let mut sim = Simulation::new(dbr_level(), 1);
    sim.run_to_end();
    let r = sim.report();
    assert!(r.run.late > 0 && r.run.on_time > 0, "{:?}", r.run);
    let changes = r.run.completed["Change"] as f64;
    let expected = r.run.on_time as f64 * 10.0 + r.run.late as f64 * 2.0 + changes;
    assert!((r.run.value_delivered - expected).abs() < 1e-9);
}

#[test]
fn batch_size_of_a_batch_center_is_a_player_decision() {
    let lv = level(
        r#"Level(
    id: "b", title: "t", days: 1,
    centers: [(id: "test", name: "Test run", batch: (size: 5, setup: Fixed(30.0)))],
    workers: [(name: "Kim", skills: {"test": 1.0})],
    arrivals: [(name: "c", work_type: Change, interarrival: Fixed(10.0), route: [(center: "test", effort: Fixed(2.0))])],
)"#,
    );
    let mut sim = Simulation::new(lv, 1);
    sim.advance_to(49.0);
    assert_eq!(
        sim.center_views()[0].in_service.len(),
        0,
        "4 waiting, batch of 5"
    );
    sim.advance_to(50.0);
    assert_eq!(sim.center_views()[0].in_service.len(), 5);
    // A batch of 5 takes 30 + 5·2 = 40 minutes: done at 90.
    sim.advance_to(90.0);
    assert_eq!(sim.report().centers[0].completions, 5);
    sim.apply(Action::SetBatchSize {
        size: 2,
        center: Some("test".into()),
    })
    .unwrap();
    assert!(
        sim.apply(Action::SetWipLimit {
            center: "test".into(),
            limit: Some(3)
        })
        .is_err()
    );
}

/// An internal IT project stream whose items carry an improvement: each finished project
/// is one round of it (here: 4 points of debt paid down per project), up to its 3 rounds.
#[test]
fn finished_internal_projects_change_the_system() {
    let lv = level(
        r#"Level(
    id: "internal", title: "t", days: 1,
    centers: [(id: "ops", name: "Ops")],
    workers: [(name: "Wes", skills: {"ops": 1.0})],
    arrivals: [(name: "Internal IT projects", work_type: Internal, interarrival: Fixed(100.0),
        route: [(center: "ops", effort: Fixed(50.0))], improvement: "pay-debt")],
    improvements: [(id: "pay-debt", name: "Pay down debt", work: Fixed(60.0), by: Anyone, effect: PayDebt(points: 4.0), max_rounds: 3)],
    debt: (initial: 20.0, outage_rate_per_point: 0.0),
)"#,
    );
    let mut sim = Simulation::new(lv, 1);
    // Projects arrive at 100, 200, 300, 400 and finish 50 minutes later.
    sim.advance_to(460.0);
    assert_eq!(sim.report().run.completed["Internal"], 4);
    assert_eq!(
        sim.debt(),
        8.0,
        "three rounds of 4 points, the fourth project changes nothing"
    );
    assert_eq!(sim.rounds_done(), &[3]);
    // An internal project stream with an improvement is checked: only Internal work.
    let bad = r#"Level(id: "x", title: "t", days: 1, centers: [(id: "ops", name: "Ops")],
        workers: [(name: "Wes", skills: {"ops": 1.0})],
        arrivals: [(name: "f", work_type: Business, interarrival: Fixed(100.0),
            route: [(center: "ops", effort: Fixed(50.0))], improvement: "pay-debt")],
        improvements: [(id: "pay-debt", name: "P", work: Fixed(1.0), by: Anyone, effect: PayDebt(points: 4.0))],
        debt: (outage_rate_per_point: 0.0))"#;
    let e = Level::parse("x.ron", bad).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("arrivals[0].improvement"));
}
