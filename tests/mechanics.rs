//! The mechanics of the engine, each on a small hand-made level whose timeline can be worked
//! out on paper.

use flowkata::sim::{Action, Activity, Assignee, Level, Simulation};

fn level(src: &str) -> Level {
    Level::parse("test.ron", src).unwrap_or_else(|e| panic!("{e}"))
}

/// Changes arrive every 100 minutes (first at t = 100). Brent prepares each at `ops` (90
/// minutes), then Wes deploys it alone (batch 1, 10 minutes) and the deploy always fails. The
/// outage takes 60 minutes at nominal speed; Brent fixes at speed 1, Wes at 0.5.
///
/// Timeline: item 1 at ops 100–190, deploy 190–200 fails → outage #1 at t = 200, just after
/// item 2 arrived (t = 200, scheduled earlier, so it runs first) and Brent started it.
const INTERRUPT: &str = r#"Level(
    id: "interrupt", title: "t", days: 10,
    centers: [
        (id: "ops", name: "Ops"),
        (id: "deploy", name: "Deploy", deploy: (batch_size: 1, setup: Fixed(10.0), failure_probability: 1.0)),
    ],
    workers: [
        (name: "Brent", skills: {"ops": 1.0, "outages": 1.0}, constraint: true),
        (name: "Wes", skills: {"deploy": 1.0, "outages": 0.5}),
    ],
    arrivals: [(name: "c", work_type: Change, interarrival: Fixed(100.0),
        route: [(center: "ops", effort: Fixed(90.0)), (center: "deploy")], value: 1.0)],
    outages: (fix_effort: Fixed(60.0), cost_per_hour: 60.0),
)"#;

fn activity(sim: &Simulation, name: &str) -> (Activity, usize) {
    let w = sim
        .worker_views()
        .into_iter()
        .find(|w| w.name == name)
        .unwrap();
    (w.activity, w.paused)
}

#[test]
fn an_outage_interrupts_brent_and_his_work_resumes_where_it_stopped() {
    let mut sim = Simulation::new(level(INTERRUPT), 1);
    sim.advance_to(201.0);
    assert_eq!(sim.outages().len(), 1);
    assert_eq!(
        activity(&sim, "Brent"),
        (Activity::FixingOutage { outage: 1 }, 1)
    );
    // The outage takes Brent 60 minutes (200–260); item 2 then needs its full 90 minutes.
    sim.advance_to(349.0);
    assert_eq!(sim.report().centers[0].completions, 1);
    sim.advance_to(351.0);
    assert_eq!(sim.report().centers[0].completions, 2);
    let o = &sim.outages()[0];
    assert_eq!(o.resolved_at, Some(260.0));
    // One hour of downtime at 60 per hour.
    assert!((sim.outage_cost(o) - 60.0).abs() < 1e-9);
}

#[test]
fn protecting_the_constraint_sends_outages_to_others() {
    let mut sim = Simulation::new(level(INTERRUPT), 1);
    sim.apply(Action::ProtectConstraint { on: true }).unwrap();
    sim.advance_to(201.0);
    assert!(matches!(
        activity(&sim, "Brent").0,
        Activity::Working { .. }
    ));
    assert_eq!(
        activity(&sim, "Wes").0,
        Activity::FixingOutage { outage: 1 }
    );
    // Brent is not interrupted: item 2 leaves ops at 290. Wes fixes at half speed: 200–320.
    sim.advance_to(291.0);
    assert_eq!(sim.report().centers[0].completions, 2);
    sim.advance_to(321.0);
    assert_eq!(sim.outages()[0].resolved_at, Some(320.0));
}

#[test]
fn triage_defers_reassigns_and_refuses_the_impossible() {
    let mut sim = Simulation::new(level(INTERRUPT), 1);
    sim.advance_to(201.0);
    sim.apply(Action::Triage {
        outage: 1,
        to: Assignee::Defer,
    })
    .unwrap();
    assert_eq!(
        activity(&sim, "Brent").0,
        Activity::Working {
            center: 0,
            work_type: flowkata::sim::WorkType::Change,
            item: 2
        }
    );
    assert_eq!(sim.outages()[0].state, flowkata::sim::OutageState::Deferred);
    sim.advance_to(250.0);
    assert_eq!(
        sim.outages()[0].state,
        flowkata::sim::OutageState::Deferred,
        "deferred outages wait"
    );
    sim.apply(Action::Triage {
        outage: 1,
        to: Assignee::Worker("Wes".into()),
    })
    .unwrap();
    assert_eq!(
        activity(&sim, "Wes").0,
        Activity::FixingOutage { outage: 1 }
    );
    // Brent worked on it for 1 minute (200–201) before the deferral: 59 minutes remain at
    // nominal speed, 118 at Wes's half speed, from t = 250.
    sim.advance_to(369.0);
    assert_eq!(sim.outages()[0].resolved_at, Some(368.0));

    let n = sim.commands().len();
    let bad = [
        Action::Triage {
            outage: 1,
            to: Assignee::Auto,
        },
        Action::Triage {
            outage: 99,
            to: Assignee::Auto,
        },
        Action::SetWipLimit {
            center: "nope".into(),
            limit: Some(1),
        },
        Action::SetWipLimit {
            center: "ops".into(),
            limit: Some(0),
        },
        Action::SetWipLimit {
            center: "deploy".into(),
            limit: Some(3),
        },
        Action::SetBatchSize {
            size: 0,
            center: None,
        },
    ];
    for a in bad {
        assert!(sim.apply(a.clone()).is_err(), "{a:?} should be refused");
    }
    assert_eq!(sim.commands().len(), n, "refused commands are not logged");
}

#[test]
fn triage_to_a_worker_without_the_skill_is_refused() {
    let src = INTERRUPT.replace(r#"(name: "Wes", skills: {"deploy": 1.0, "outages": 0.5}),"#,
        r#"(name: "Wes", skills: {"deploy": 1.0, "outages": 0.5}), (name: "Dev", skills: {"ops": 1.0}),"#);
    let mut sim = Simulation::new(level(&src), 1);
    sim.advance_to(201.0);
    let e = sim
        .apply(Action::Triage {
            outage: 1,
            to: Assignee::Worker("Dev".into()),
        })
        .unwrap_err();
    assert!(e.0.contains("cannot fix outages"), "{e}");
    assert!(
        sim.apply(Action::Triage {
            outage: 1,
            to: Assignee::Worker("Nobody".into())
        })
        .is_err()
    );
}

/// Two centers in a line: `a` takes 10 minutes, `b` 100 minutes; an item arrives every
/// 20 minutes. `b` is the bottleneck.
const LINE: &str = r#"Level(
    id: "line", title: "t", days: 5,
    centers: [(id: "a", name: "A", wip_limit: 3), (id: "b", name: "B", wip_limit: 1)],
    workers: [(name: "A", skills: {"a": 1.0}), (name: "B", skills: {"b": 1.0})],
    arrivals: [(name: "x", work_type: Business, interarrival: Fixed(20.0),
        route: [(center: "a", effort: Fixed(10.0)), (center: "b", effort: Fixed(100.0))])],
)"#;

#[test]
fn wip_limits_block_upstream_and_hold_the_rest_in_the_backlog() {
    let mut sim = Simulation::new(level(LINE), 1);
    for k in 1..200 {
        sim.advance_to(k as f64 * 7.3);
        let views = sim.center_views();
        let wip = |i: usize| {
            (views[i].queue.len() + views[i].in_service.len() + views[i].blocked.len()) as u32
        };
        assert!(
            wip(0) <= 3 && wip(1) <= 1,
            "WIP limits exceeded at t = {}",
            sim.now()
        );
    }
    // The first item reaches b at t = 30 (arrives at 20, 10 minutes at a); from then on b
    // finishes one item every 100 minutes. Everything else waits upstream or in the backlog.
    let r = sim.report();
    assert_eq!(
        r.centers[1].completions,
        ((sim.now() - 30.0) / 100.0) as u64
    );
    assert!(sim.backlog_len() > 40);
    // a's one worker is blocked holding a finished item (blocking after service); the rest
    // of a's WIP limit waits in its queue.
    let a = &sim.center_views()[0];
    assert_eq!((a.blocked.len(), a.queue.len()), (1, 2));
}

#[test]
fn held_work_stays_in_the_backlog_until_released() {
    let src = LINE
        .replace(", wip_limit: 3", "")
        .replace(", wip_limit: 1", "");
    let mut sim = Simulation::new(level(&src), 1);
    sim.apply(Action::HoldWork { hold: true }).unwrap();
    sim.advance_to(200.0);
    assert_eq!(sim.wip(), 0);
    assert_eq!(sim.backlog_len(), 10);
    sim.apply(Action::HoldWork { hold: false }).unwrap();
    assert_eq!(sim.backlog_len(), 0);
    assert_eq!(sim.wip(), 10);
}

#[test]
fn a_protected_constraint_leaves_work_others_can_do() {
    // Brent and Ana can both code; only Brent can do ops.
    let src = r#"Level(
        id: "p", title: "t", days: 1,
        centers: [(id: "dev", name: "Dev"), (id: "ops", name: "Ops")],
        workers: [(name: "Brent", skills: {"dev": 1.0, "ops": 1.0}, constraint: true), (name: "Ana", skills: {"dev": 1.0})],
        arrivals: [(name: "x", work_type: Business, interarrival: Fixed(10.0), route: [(center: "dev", effort: Fixed(50.0))])],
    )"#;
    let mut open = Simulation::new(level(src), 1);
    open.advance_to(25.0);
    assert!(matches!(
        activity(&open, "Brent").0,
        Activity::Working { center: 0, .. }
    ));
    let mut protected = Simulation::new(level(src), 1);
    protected
        .apply(Action::ProtectConstraint { on: true })
        .unwrap();
    protected.advance_to(25.0);
    assert_eq!(activity(&protected, "Brent").0, Activity::Idle);
    assert!(matches!(
        activity(&protected, "Ana").0,
        Activity::Working { .. }
    ));
}

#[test]
fn deploys_fail_with_probability_one_minus_one_minus_p_to_the_n() {
    // Batches of n = 5 changes with p = 0.1: P(fail) = 1 − 0.9⁵ = 0.40951. With about 4800
    // deploys the standard error of the observed rate is √(0.41 · 0.59 / 4800) ≈ 0.0071;
    // the tolerance 0.03 is over four standard errors.
    let src = r#"Level(
        id: "d", title: "t", days: 100,
        centers: [(id: "deploy", name: "Deploy", deploy: (batch_size: 5, setup: Fixed(1.0), failure_probability: 0.1))],
        workers: [(name: "W", skills: {"deploy": 1.0}), (name: "F", skills: {"outages": 1.0})],
        arrivals: [(name: "c", work_type: Change, interarrival: Fixed(2.0), route: [(center: "deploy")])],
        outages: (fix_effort: Fixed(0.0), cost_per_hour: 0.0),
    )"#;
    let sim = Simulation::replay(level(src), 9, &[]).unwrap();
    let r = sim.report();
    assert!(r.run.deploys > 4000, "{} deploys", r.run.deploys);
    let expected = 1.0 - 0.9f64.powi(5);
    assert!(
        (r.run.change_failure_rate - expected).abs() < 0.03,
        "rate {}",
        r.run.change_failure_rate
    );
    assert_eq!(
        r.run.outages as f64,
        (r.run.change_failure_rate * r.run.deploys as f64).round()
    );
}

#[test]
fn batch_size_sets_how_many_changes_each_deploy_releases() {
    let src = r#"Level(
        id: "d", title: "t", days: 1,
        centers: [(id: "deploy", name: "Deploy", deploy: (batch_size: 4, setup: Fixed(1.0), failure_probability: 0.0))],
        workers: [(name: "W", skills: {"deploy": 1.0})],
        arrivals: [(name: "c", work_type: Change, interarrival: Fixed(10.0), route: [(center: "deploy")])],
    )"#;
    // 47 changes arrive in 480 minutes (t = 10 … 470): 11 full batches of 4, 3 left waiting.
    let four = Simulation::replay(level(src), 1, &[]).unwrap().report();
    assert_eq!(four.run.deploys, 11);
    assert_eq!(four.run.completed["Change"], 44);
    let cmd = [flowkata::sim::Command {
        at: 0.0,
        action: Action::SetBatchSize {
            size: 1,
            center: None,
        },
    }];
    let one = Simulation::replay(level(src), 1, &cmd).unwrap().report();
    assert_eq!(one.run.deploys, 47);
}

/// One rule decides whether a batch fits a center (`rules::batch_fits`): a level may not set
/// a WIP limit below its deploy batch, and a player may not set a batch above it; the batch
/// control offers exactly the sizes the command accepts. Before
/// the rule was shared, `SetBatchSize` checked only the buffer, so a batch of 8 behind a WIP
/// limit of 4 was accepted and the deploy step never deployed again.
#[test]
fn a_batch_that_could_never_fill_is_refused_by_the_level_and_by_the_command() {
    let src = |wip: u32| {
        format!(
            r#"Level(
        id: "d", title: "t", days: 1,
        centers: [(id: "deploy", name: "Deploy", wip_limit: {wip}, deploy: (batch_size: 2, setup: Fixed(1.0), failure_probability: 0.0))],
        workers: [(name: "W", skills: {{"deploy": 1.0}})],
        arrivals: [(name: "c", work_type: Change, interarrival: Fixed(10.0), route: [(center: "deploy")])],
    )"#
        )
    };
    let err = Level::parse("test.ron", &src(1)).unwrap_err().to_string();
    assert!(
        err.contains("centers[0].wip_limit") && err.contains("would never fill a batch"),
        "{err}"
    );

    let mut sim = Simulation::new(level(&src(4)), 1);
    assert_eq!(sim.batch_sizes(0), Some(1..=4));
    let err = sim
        .apply(Action::SetBatchSize {
            size: 8,
            center: None,
        })
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("a WIP limit of 4 below the batch size (8) would never fill a batch"),
        "{err}"
    );
    sim.apply(Action::SetBatchSize {
        size: 4,
        center: None,
    })
    .unwrap();
    assert_eq!(sim.batch_sizes(0), Some(1..=4));
    let sizes = sim.batch_sizes(0).unwrap();
    for size in [*sizes.start(), *sizes.end()] {
        assert!(
            sim.clone()
                .apply(Action::SetBatchSize { size, center: None })
                .is_ok()
        );
    }
    let above = *sizes.end() + 1;
    assert!(
        sim.apply(Action::SetBatchSize {
            size: above,
            center: None
        })
        .is_err()
    );
}

/// The board's inspector: `item_detail` puts each item where the views list it, with its
/// route from the level and its age since arrival, and says expedite or refuse would be
/// accepted exactly when the command is (checked by applying it to a copy of the run).
#[test]
fn an_items_detail_agrees_with_the_views_and_with_the_commands() {
    let level = Level::embedded("phoenix").unwrap();
    let mut sim = Simulation::new(level, 11);
    // Held work fills the backlog; released, it fills the queues.
    sim.apply(Action::HoldWork { hold: true }).unwrap();
    sim.advance_to(700.0);
    let mut places = check_item_details(&sim);
    sim.apply(Action::HoldWork { hold: false }).unwrap();
    sim.advance_to(900.0);
    places.extend(check_item_details(&sim));
    for p in ["Backlog", "Queue", "Service"] {
        assert!(places.contains(p), "an item in {p}: {places:?}");
    }
    assert!(sim.item_detail(0).is_none() && sim.item_detail(1_000_000).is_none());
}

/// An item's waits as the inspector shows them agree with what a watcher of the board sees:
/// followed minute by minute from the backlog to done, each center's queue wait and the
/// time after its service began match the minutes at which the item was seen to change
/// place, within 1 minute either side (the watch's step: each change is seen at most one
/// minute late, at both ends of a span).
#[test]
fn an_items_waits_agree_with_its_moves_seen_minute_by_minute() {
    use flowkata::sim::ItemPlace;
    let level = Level::embedded("phoenix").unwrap();
    let mut sim = Simulation::new(level, 11);
    // Held work waits in the backlog; the last to arrive is followed once it is released.
    sim.apply(Action::HoldWork { hold: true }).unwrap();
    sim.advance_to(600.0);
    let id = sim.backlog_views().last().expect("a backlog item").id;
    sim.apply(Action::HoldWork { hold: false }).unwrap();
    // (center, first minute seen there, first minute seen in service, first minute seen
    // past it)
    let mut seen: Vec<(usize, f64, Option<f64>, Option<f64>)> = Vec::new();
    let mut last = None;
    while let Some(d) = sim.item_detail(id) {
        let t = sim.now();
        let (center, serving) = match d.place {
            ItemPlace::Backlog => (None, false),
            ItemPlace::Queue(c) | ItemPlace::AwaitingApproval(c) => (Some(c), false),
            ItemPlace::Service(c) | ItemPlace::Blocked(c) => (Some(c), true),
        };
        if let Some(c) = center {
            if seen.last().is_none_or(|s| s.0 != c) {
                if let Some(prev) = seen.last_mut() {
                    prev.3.get_or_insert(t);
                }
                seen.push((c, t, None, None));
            }
            let now = seen.last_mut().unwrap();
            if serving {
                now.2.get_or_insert(t);
            }
        }
        last = Some(d);
        assert!(t < 10_000.0, "#{id} is still under way");
        sim.advance_to(t + 1.0);
    }
    let d = last.expect("seen");
    assert!(d.visits.len() >= 2, "{:?}", d.visits);
    assert_eq!(
        d.visits.iter().map(|v| v.center).collect::<Vec<_>>(),
        seen.iter().map(|s| s.0).collect::<Vec<_>>()
    );
    for (v, s) in d.visits.iter().zip(&seen) {
        let started = s.2.expect("served");
        assert!(
            (v.wait - (started - s.1)).abs() <= 1.0 + 1e-9,
            "{v:?} seen {s:?}"
        );
        if let Some(left) = s.3 {
            assert!(
                (v.after - (left - started)).abs() <= 1.0 + 1e-9,
                "{v:?} seen {s:?}"
            );
        }
    }
}

/// Checks every listed item's detail; returns the kinds of place seen.
fn check_item_details(sim: &Simulation) -> std::collections::BTreeSet<String> {
    use flowkata::sim::ItemPlace;
    let mut places = std::collections::BTreeSet::new();
    let centers = sim.center_views();
    let mut listed: Vec<(u64, ItemPlace)> = sim
        .backlog_views()
        .iter()
        .map(|i| (i.id, ItemPlace::Backlog))
        .collect();
    for (c, v) in centers.iter().enumerate() {
        listed.extend(v.queue.iter().map(|i| (i.id, ItemPlace::Queue(c))));
        listed.extend(
            v.awaiting_approval
                .iter()
                .map(|i| (i.id, ItemPlace::AwaitingApproval(c))),
        );
        listed.extend(v.in_service.iter().map(|i| (i.id, ItemPlace::Service(c))));
        listed.extend(v.blocked.iter().map(|i| (i.id, ItemPlace::Blocked(c))));
    }
    assert!(listed.len() > 5, "{} items", listed.len());
    for (id, place) in listed {
        let d = sim.item_detail(id).expect("a listed item has a detail");
        assert_eq!(d.place, place, "#{id}");
        places.insert(format!("{place:?}").split('(').next().unwrap().to_string());
        assert!(
            d.age >= 0.0 && d.age <= sim.now() && d.here <= d.age + 1e-9,
            "#{id}"
        );
        let stream = sim
            .level()
            .arrivals
            .iter()
            .find(|a| a.name == d.stream)
            .expect("its stream");
        assert_eq!(d.item.work_type, stream.work_type);
        assert!(!d.route.is_empty());
        // Its visits: the route's centers in order (a skipped step is left out), the last
        // one where it is now and every earlier one left; they and the backlog make its age.
        let mut rest = d.route.iter();
        for v in &d.visits {
            assert!(
                rest.any(|&c| c == v.center),
                "#{id}: {:?} on {:?}",
                d.visits,
                d.route
            );
            assert!(v.wait >= 0.0 && v.after >= 0.0, "#{id}: {v:?}");
        }
        let total = d.in_backlog + d.visits.iter().map(|v| v.wait + v.after).sum::<f64>();
        assert!(
            (total - d.age).abs() < 1e-6,
            "#{id}: {total} against age {}",
            d.age
        );
        match (place, d.visits.split_last()) {
            (ItemPlace::Backlog, None) => assert_eq!(d.in_backlog, d.age),
            (ItemPlace::Queue(c) | ItemPlace::AwaitingApproval(c), Some((now, before))) => {
                assert_eq!((now.center, now.wait, now.after), (c, d.here, 0.0), "#{id}");
                assert!(!now.done && before.iter().all(|v| v.done), "#{id}");
            }
            (ItemPlace::Service(c) | ItemPlace::Blocked(c), Some((now, before))) => {
                assert_eq!(now.center, c, "#{id}");
                assert!((now.wait + now.after - d.here).abs() < 1e-9, "#{id}");
                assert!(!now.done && before.iter().all(|v| v.done), "#{id}");
            }
            (p, v) => panic!("#{id} at {p:?} with visits {v:?}"),
        }
        for (a, ok) in [
            (Action::Expedite { item: id }, d.expedite.is_ok()),
            (Action::Refuse { item: id }, d.refuse.is_ok()),
        ] {
            let mut copy = sim.clone();
            assert_eq!(
                copy.apply(a.clone()).is_ok(),
                ok,
                "#{id} {a:?} at {place:?}"
            );
        }
    }
    places
}
