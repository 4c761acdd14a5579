//! The campaign's core: decisions a level offers, staffing and alternative routes (and the
//! precedence when decisions meet), goals and stars, hints, and the DORA keys, each on a
//! small hand-made level whose timeline can be worked out on paper.

use flowkata::sim::challenge::{HintWatcher, stars};
use flowkata::sim::dora::Tier;
use flowkata::sim::{Action, Activity, Assignee, Level, Simulation};

fn level(src: &str) -> Level {
    Level::parse("test.ron", src).unwrap_or_else(|e| panic!("{e}"))
}

fn activity(sim: &Simulation, name: &str) -> Activity {
    sim.worker_views()
        .into_iter()
        .find(|w| w.name == name)
        .unwrap()
        .activity
}

/// Items arrive every 100 minutes (first at t = 100) and need 30 minutes at `dev`, then
/// 30 at `ops`. Ana can do both, Bo only `dev`; an outage strikes at t = 150 (a fixed
/// 480-minute gap from a base rate of one a day) and takes 60 minutes to fix. Ana fixes at
/// speed 1, Wes at speed 0.5; Brent (the constraint) is the only other `ops` worker.
const STAFF: &str = r#"Level(
    id: "staff", title: "t", days: 2,
    centers: [(id: "dev", name: "Dev"), (id: "ops", name: "Ops")],
    workers: [
        (name: "Ana", skills: {"dev": 1.0, "ops": 1.0, "outages": 1.0}),
        (name: "Brent", skills: {"ops": 1.0, "outages": 1.0}, constraint: true),
        (name: "Wes", skills: {"outages": 0.5}),
    ],
    arrivals: [(name: "work", work_type: Change, interarrival: Fixed(100.0),
        route: [(center: "dev", effort: Fixed(30.0)), (center: "ops", effort: Fixed(30.0))], value: 1.0)],
    outages: (fix_effort: Fixed(60.0), cost_per_hour: 60.0),
    decisions: [Staffing, ProtectConstraint, Triage],
)"#;

#[test]
fn a_staffed_worker_works_only_at_their_posts() {
    let mut sim = Simulation::new(level(STAFF), 1);
    sim.apply(Action::SetStaffing {
        worker: "Ana".into(),
        posts: Some(vec!["ops".into()]),
    })
    .unwrap();
    // At t = 110 the first item waits at dev, and Ana may not take it: nobody else can.
    sim.advance_to(110.0);
    assert_eq!(activity(&sim, "Ana"), Activity::Idle);
    assert_eq!(sim.queue_len(0), 1);
    // Back to the standing rule: she takes it at once.
    sim.apply(Action::SetStaffing {
        worker: "Ana".into(),
        posts: None,
    })
    .unwrap();
    assert!(matches!(activity(&sim, "Ana"), Activity::Working { .. }));
    assert_eq!(sim.policy().staffing[0], None);
}

#[test]
fn staffing_is_refused_outside_a_workers_skills_and_for_unknown_names() {
    let mut sim = Simulation::new(level(STAFF), 1);
    for (worker, post) in [("Wes", "dev"), ("Bo", "dev"), ("Ana", "nowhere")] {
        let e = sim
            .apply(Action::SetStaffing {
                worker: worker.into(),
                posts: Some(vec![post.into()]),
            })
            .expect_err("refused");
        assert!(e.0.contains(worker) || e.0.contains(post), "{e}");
    }
    assert!(sim.commands().is_empty(), "a refused command is not logged");
}

/// Precedence: an explicit triage beats staffing, staffing beats protecting the
/// constraint, and protection beats the standing rule.
#[test]
fn decisions_meet_in_their_documented_precedence() {
    // The first change deploys at t = 1000–1010 and the deploy always fails: one outage,
    // whose fix (600 minutes) outlasts the check at t = 1011.
    let failing = r#"Level(
        id: "prec", title: "t", days: 1,
        centers: [(id: "deploy", name: "Deploy", deploy: (batch_size: 1, setup: Fixed(10.0), failure_probability: 1.0))],
        workers: [
            (name: "Brent", skills: {"deploy": 1.0, "outages": 2.0}, constraint: true),
            (name: "Ana", skills: {"deploy": 1.0, "outages": 1.0}),
            (name: "Wes", skills: {"outages": 0.5}),
        ],
        arrivals: [(name: "c", work_type: Change, interarrival: Fixed(1000.0), route: [(center: "deploy")], value: 1.0)],
        outages: (fix_effort: Fixed(600.0), cost_per_hour: 60.0),
        decisions: [Staffing, ProtectConstraint, Triage],
    )"#;
    let lv = level(failing);
    let who_fixes = |setup: &[Action]| {
        let mut sim = Simulation::with_duration(lv.clone(), 1, 1200.0);
        for a in setup {
            sim.apply(a.clone()).unwrap();
        }
        sim.advance_to(1011.0);
        assert_eq!(sim.outages().len(), 1, "the deploy at t = 1000–1010 failed");
        sim.worker_views()
            .into_iter()
            .find(|w| matches!(w.activity, Activity::FixingOutage { .. }))
            .map(|w| w.name)
    };
    let staff = |w: &str, posts: &[&str]| Action::SetStaffing {
        worker: w.into(),
        posts: Some(posts.iter().map(|p| p.to_string()).collect()),
    };
    let protect = Action::ProtectConstraint { on: true };
    // 4. The standing rule: the fastest fixer, Brent.
    assert_eq!(who_fixes(&[]).as_deref(), Some("Brent"));
    // 3. Protection: not the constraint, the fastest of the others.
    assert_eq!(
        who_fixes(std::slice::from_ref(&protect)).as_deref(),
        Some("Ana")
    );
    // 2. Staffing beats protection: Brent assigned to outages takes it although protected;
    //    Ana staffed away from outages is skipped by the standing rule.
    assert_eq!(
        who_fixes(&[protect.clone(), staff("Brent", &["outages"])]).as_deref(),
        Some("Brent")
    );
    assert_eq!(
        who_fixes(&[protect.clone(), staff("Ana", &["deploy"])]).as_deref(),
        Some("Wes")
    );
    // 1. An explicit triage beats staffing: Ana takes the outage she was triaged to.
    let mut sim = Simulation::with_duration(lv.clone(), 1, 1200.0);
    sim.apply(staff("Ana", &["deploy"])).unwrap();
    sim.apply(protect).unwrap();
    sim.advance_to(1011.0);
    sim.apply(Action::Triage {
        outage: 1,
        to: Assignee::Worker("Ana".into()),
    })
    .unwrap();
    assert_eq!(activity(&sim, "Ana"), Activity::FixingOutage { outage: 1 });
}

/// Two routes for one stream: the usual one through `slow` (effort 100) and an alternative
/// through `fast` (effort 10). Efforts are exponential, so they are random draws.
const ROUTES: &str = r#"Level(
    id: "routes", title: "t", days: 5,
    centers: [(id: "slow", name: "Slow"), (id: "fast", name: "Fast"), (id: "other", name: "Other")],
    workers: [(name: "A", skills: {"slow": 1.0}), (name: "B", skills: {"fast": 1.0}), (name: "C", skills: {"other": 1.0})],
    arrivals: [
        (name: "work", work_type: Change, interarrival: Exponential(mean: 60.0),
            route: [(center: "slow", effort: Exponential(mean: 30.0))],
            alternatives: [(name: "express", route: [(center: "fast", effort: Exponential(mean: 10.0))])],
            value: 1.0),
        (name: "others", work_type: Business, interarrival: Exponential(mean: 50.0),
            route: [(center: "other", effort: Exponential(mean: 20.0))], value: 1.0),
    ],
    decisions: [Routes],
)"#;

#[test]
fn a_route_choice_sends_new_items_along_it_and_never_shifts_the_random_streams() {
    let lv = level(ROUTES);
    let usual = {
        let mut sim = Simulation::new(lv.clone(), 7);
        sim.run_to_end();
        sim.report()
    };
    let express = {
        let mut sim = Simulation::new(lv.clone(), 7);
        sim.apply(Action::ChooseRoute {
            stream: "work".into(),
            route: "express".into(),
        })
        .unwrap();
        assert_eq!(sim.policy().routes, vec!["express", "usual"]);
        sim.run_to_end();
        sim.report()
    };
    assert!(usual.centers[0].arrivals > 0 && usual.centers[1].arrivals == 0);
    assert!(express.centers[0].arrivals == 0 && express.centers[1].arrivals > 0);
    // The same arrivals on both routes, and the other stream is untouched: its every
    // figure is the same, because every route's efforts are drawn on each arrival.
    assert_eq!(usual.centers[0].arrivals, express.centers[1].arrivals);
    assert_eq!(usual.centers[2], express.centers[2]);
    // The express route is chosen for items that arrive after the choice.
    let mut sim = Simulation::new(lv.clone(), 7);
    sim.advance_to(1000.0);
    let before = sim.report().centers[0].arrivals;
    sim.apply(Action::ChooseRoute {
        stream: "work".into(),
        route: "express".into(),
    })
    .unwrap();
    sim.run_to_end();
    let r = sim.report();
    assert_eq!(r.centers[0].arrivals, before);
    assert!(r.centers[1].arrivals > 0);
    let e = Simulation::new(lv, 7)
        .apply(Action::ChooseRoute {
            stream: "work".into(),
            route: "teleport".into(),
        })
        .expect_err("no such route");
    assert!(e.0.contains("teleport"), "{e}");
}

#[test]
fn a_decision_the_level_does_not_offer_is_refused_with_its_name() {
    let mut sim = Simulation::new(level(ROUTES), 1);
    let e = sim
        .apply(Action::HoldWork { hold: true })
        .expect_err("not offered");
    assert!(e.0.contains("HoldWork"), "{e}");
    // Replaying a log with it fails the same way.
    let log = vec![flowkata::sim::Command {
        at: 0.0,
        action: Action::HoldWork { hold: true },
    }];
    assert!(Simulation::replay(level(ROUTES), 1, &log).is_err());
}

/// One queue served at a fixed 10 minutes per item, items every 20 minutes (from t = 20):
/// utilization just under 0.5, no queue wait, about 24 deploys a day through a deploy step
/// that never fails.
const GOALS: &str = r#"Level(
    id: "goals", title: "t", days: 2,
    centers: [(id: "work", name: "W"), (id: "deploy", name: "D", deploy: (batch_size: 1, setup: Fixed(0.0), failure_probability: 0.0))],
    workers: [(name: "A", skills: {"work": 1.0, "deploy": 1.0})],
    arrivals: [(name: "c", work_type: Change, interarrival: Fixed(20.0),
        route: [(center: "work", effort: Fixed(10.0)), (center: "deploy")], value: 10.0)],
    goals: [
        (metric: DeploysPerDay, at_least: 20.0),
        (metric: Utilization(center: "work"), at_most: 0.4),
    ],
    scoring: (stars: (100.0, 200.0, 300.0)),
)"#;

#[test]
fn goals_are_measured_and_the_first_star_needs_every_goal() {
    let mut sim = Simulation::new(level(GOALS), 1);
    sim.run_to_end();
    let r = sim.report();
    assert_eq!(r.goals.len(), 2);
    // 960 minutes, an arrival every 20 from t = 20: 47 deployed (the 48th at t = 960 is
    // still in work), so 23.5 deploys a day: met.
    assert_eq!(r.goals[0].value, Some(23.5));
    assert!(r.goals[0].met);
    // Utilization 0.5 > 0.4: not met, so no star although the score passes every threshold.
    let rho = r.goals[1].value.unwrap();
    assert!((rho - 470.0 / 960.0).abs() < 1e-9, "{rho}");
    assert!(!r.goals[1].met);
    assert!(r.score > 300.0);
    assert_eq!(r.stars, 0);
    // With the goal met, the thresholds count.
    let mut met = r.goals.clone();
    met[1].met = true;
    assert_eq!(stars(sim.level(), r.score, &met), 3);
    assert_eq!(stars(sim.level(), 150.0, &met), 1);
    assert_eq!(r.goals[0].label, "deploys per day ≥ 20.0");
}

#[test]
fn dora_keys_are_measured_on_deployed_changes() {
    let mut sim = Simulation::new(level(GOALS), 1);
    sim.run_to_end();
    let r = sim.report();
    // Lead time for changes: 10 minutes of work, then the deploy at once: 10 minutes.
    let lead = r.run.change_lead_time_p50.unwrap();
    assert!((lead - 10.0).abs() < 0.02, "{lead}");
    assert_eq!(r.dora.change_lead_time_days.tier, Some(Tier::Elite));
    assert_eq!(r.dora.deployment_frequency.tier, Some(Tier::Elite));
    assert_eq!(r.dora.change_fail_rate.value, Some(0.0));
    assert_eq!(r.dora.recovery_time_hours.value, None, "nothing failed");
}

#[test]
fn a_hint_is_due_once_after_its_trigger_held_long_enough() {
    let src = GOALS.replace(
        "scoring:",
        r#"hints: [
            (when: After(minutes: 100.0), text: "first"),
            (when: QueueAbove(center: "work", items: 0), for_minutes: 5.0, text: "never: no queue"),
            (when: Busy(worker: "A"), for_minutes: 8.0, text: "busy"),
        ],
        scoring:"#,
    );
    let lv = level(&src);
    let mut sim = Simulation::new(lv.clone(), 1);
    let mut watch = HintWatcher::new(&lv);
    let mut seen = Vec::new();
    // A is busy 20–30, 40–50, ...: checked every minute, "busy" is due at t = 28.
    for t in 1..=200 {
        sim.advance_to(t as f64);
        for i in watch.check(&sim) {
            seen.push((t, lv.hints[i].text.clone()));
        }
    }
    assert_eq!(
        seen,
        vec![(28, "busy".to_string()), (100, "first".to_string())]
    );
}

#[test]
fn a_culture_improvement_changes_detection_and_enables_postmortems() {
    let src = r#"Level(
        id: "cult", title: "t", days: 1, culture: Pathological,
        centers: [(id: "w", name: "W")],
        workers: [(name: "A", skills: {"w": 1.0, "outages": 1.0})],
        arrivals: [(name: "c", work_type: Change, interarrival: Fixed(1000.0), route: [(center: "w", effort: Fixed(1.0))])],
        outages: (fix_effort: Fixed(10.0), cost_per_hour: 1.0, postmortem: (work: Fixed(5.0), recurrence_factor: 0.5)),
        improvements: [(id: "culture", name: "C", work: Fixed(10.0), by: Anyone, effect: Culture(to: Generative))],
    )"#;
    let mut sim = Simulation::new(level(src), 1);
    assert_eq!(sim.culture(), flowkata::sim::Culture::Pathological);
    sim.apply(Action::PostmortemPractice { on: true }).unwrap();
    sim.apply(Action::FundImprovement {
        id: "culture".into(),
    })
    .unwrap();
    sim.advance_to(11.0);
    assert_eq!(sim.culture(), flowkata::sim::Culture::Generative);
    assert!(sim.policy().postmortem_practice);
}

#[test]
fn outage_hints_follow_the_outage() {
    // The first change deploys at t = 1000–1010 and fails; Brent, the fastest fixer, takes
    // the outage at once (600 minutes of work at speed 2: fixed at t = 1310).
    let src = r#"Level(
        id: "hinted", title: "t", days: 3,
        centers: [(id: "deploy", name: "Deploy", deploy: (batch_size: 1, setup: Fixed(10.0), failure_probability: 1.0))],
        workers: [
            (name: "Brent", skills: {"deploy": 1.0, "outages": 2.0}, constraint: true),
            (name: "Ana", skills: {"deploy": 1.0, "outages": 1.0}),
        ],
        arrivals: [(name: "c", work_type: Change, interarrival: Fixed(1000.0), route: [(center: "deploy")], value: 1.0)],
        outages: (fix_effort: Fixed(600.0), cost_per_hour: 60.0),
        hints: [
            (when: ConstraintOnOutage, text: "brent"),
            (when: OutageOpenLonger(minutes: 100.0), text: "long"),
            (when: WipAbove(items: 5), text: "never"),
        ],
    )"#;
    let lv = level(src);
    let mut sim = Simulation::new(lv.clone(), 1);
    let mut watch = HintWatcher::new(&lv);
    let mut seen = Vec::new();
    for t in (0..=1400).step_by(10) {
        sim.advance_to(t as f64);
        for i in watch.check(&sim) {
            seen.push((t, lv.hints[i].text.as_str()));
        }
    }
    assert_eq!(seen, vec![(1010, "brent"), (1120, "long")]);
}
