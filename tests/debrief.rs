//! The debrief's views (`sim::debrief`) and the luck analysis (`sim::luck`), checked against
//! the run's own independent records, hand counts and published queueing results.

use flowkata::sim::debrief::{self, EventKind, Stage, WaitModel};
use flowkata::sim::luck::{LuckJob, StandingPolicy, luck, run_policy};
use flowkata::sim::{Action, Assignee, Command, Dist, Level, OutageCause, Simulation};

fn phoenix_with_decisions(seed: u64) -> Simulation {
    let mut sim = Simulation::new(Level::embedded("phoenix").unwrap(), seed);
    sim.keep_item_history();
    sim.advance_to(600.0);
    sim.apply(Action::ProtectConstraint { on: true }).unwrap();
    sim.apply(Action::SetBatchSize {
        size: 2,
        center: None,
    })
    .unwrap();
    sim.advance_to(3000.0);
    if let Some(o) = sim.outages().iter().find(|o| o.resolved_at.is_none()) {
        let id = o.id;
        let _ = sim.apply(Action::Triage {
            outage: id,
            to: Assignee::Worker("Sam".into()),
        });
    }
    sim.run_to_end();
    sim
}

/// The CFD's bands are the work in each stage: at every sample, the center bands add up to
/// the WIP and the backlog band is the backlog, both sampled by the engine independently of
/// the per-center counts; the done band counts completions up to the sample.
#[test]
fn cfd_bands_add_up_to_the_items_in_the_system() {
    for (level, seed) in [
        ("phoenix", 3),
        ("brent", 1),
        ("penny-game", 2),
        ("swat-team", 5),
    ] {
        let mut sim = Simulation::new(Level::embedded(level).unwrap(), seed);
        sim.keep_item_history();
        sim.run_to_end();
        check_bands(&sim, level);
    }
    check_bands(&phoenix_with_decisions(11), "phoenix with decisions");
}

fn check_bands(sim: &Simulation, what: &str) {
    let cfd = debrief::cfd(sim);
    let samples = sim.samples();
    assert_eq!(cfd.t.len(), samples.len());
    assert_eq!(cfd.bands.first().unwrap().stage, Stage::Done);
    assert_eq!(cfd.bands.last().unwrap().stage, Stage::Backlog);
    assert_eq!(cfd.bands.len(), sim.level().centers.len() + 2);
    for (s, sample) in samples.iter().enumerate() {
        let in_centers: f64 = cfd
            .bands
            .iter()
            .filter(|b| matches!(b.stage, Stage::Center(_)))
            .map(|b| b.count[s])
            .sum();
        assert_eq!(in_centers, f64::from(sample.wip), "{what}: sample {s}");
        assert_eq!(
            cfd.bands.last().unwrap().count[s],
            f64::from(sample.backlog)
        );
        let done = sim
            .completions()
            .iter()
            .filter(|c| c.completed_at <= sample.t)
            .count();
        assert_eq!(cfd.bands[0].count[s], done as f64);
        // The top edge is everything that entered and did not leave unfinished.
        let top = cfd.edges().last().unwrap()[s];
        assert_eq!(top, done as f64 + f64::from(sample.wip + sample.backlog));
    }
    // Cumulative counts never fall.
    for c in 0..sim.level().centers.len() {
        for s in 1..samples.len() {
            let (a, b) = (sim.center_counts_at(s - 1)[c], sim.center_counts_at(s)[c]);
            assert!(b.arrivals >= a.arrivals && b.departures >= a.departures);
        }
    }
    let planned_done: u64 = ["Business", "Internal", "Change"]
        .iter()
        .map(|k| sim.report().run.completed.get(*k).copied().unwrap_or(0))
        .sum();
    let scatter = debrief::lead_scatter(sim);
    assert_eq!(scatter.points.len() as u64, planned_done, "{what}");
    // The scatter's lines are the report's percentiles.
    let run = sim.report().run;
    assert_eq!(
        (scatter.p50, scatter.p85),
        (run.lead_time_p50, run.lead_time_p85)
    );
}

/// Little's law L = λW on the recorded band of an M/M/1 queue: the band's mean over the
/// hourly samples equals the arrival rate times the mean time in the center. The run is
/// 1,000 workdays (about 384,000 customers at λ = 0.8/min, μ = 1/min). The time average of
/// L over T minutes has a standard deviation of about √(2ρ(1+ρ)/(μ(1−ρ)⁴T)) = 0.06 items
/// (Whitt, "Planning queueing simulations", Management Science 35, 1989), 1.5% of L = 4, and
/// hourly sampling of the same path adds less than that; 5% is over three of those.
#[test]
fn littles_law_holds_on_the_recorded_bands() {
    let level = Level::embedded("mm1").unwrap();
    let mpd = level.calendar.minutes_per_day;
    let mut sim = Simulation::with_duration(level, 9, 1000.0 * mpd);
    sim.run_to_end();
    let cfd = debrief::cfd(&sim);
    let band = cfd
        .bands
        .iter()
        .find(|b| b.stage == Stage::Center(0))
        .unwrap();
    let l_band = band.count.iter().sum::<f64>() / band.count.len() as f64;
    let r = sim.report();
    let lambda = r.centers[0].arrivals as f64 / sim.now();
    let lw = lambda * r.centers[0].mean_sojourn;
    assert!(
        (l_band - lw).abs() / lw < 0.05,
        "band mean {l_band:.3} vs λW {lw:.3}"
    );
    // And M/M/1's L = ρ/(1 − ρ) = 4 at ρ = 0.8, within the same 5%.
    assert!((l_band - 4.0).abs() / 4.0 < 0.05, "band mean {l_band:.3}");
}

/// Where the time went: every worker's six parts add up to the elapsed time, at every
/// sample and at the end; the outage part is the report's unplanned work.
#[test]
fn time_use_adds_up_to_the_elapsed_time() {
    for sim in [phoenix_with_decisions(4), {
        let mut s = Simulation::new(Level::embedded("ten-deploys").unwrap(), 2);
        s.run_to_end();
        s
    }] {
        let samples = sim.samples();
        for (s, sample) in samples.iter().enumerate() {
            for u in sim.time_use_at(s) {
                assert!((u.total() - sample.t).abs() < 1e-6, "{u:?} at {}", sample.t);
                assert!(u.parts().iter().all(|(_, m)| *m >= 0.0), "{u:?}");
            }
        }
        let r = sim.report();
        let outage_hours: f64 = debrief::time_use(&sim)
            .iter()
            .map(|w| w.total.outages / 60.0)
            .sum();
        assert!(
            (outage_hours - r.run.unplanned_work_hours).abs() < 1e-6,
            "{outage_hours} vs {}",
            r.run.unplanned_work_hours
        );
        let first = debrief::time_use(&sim);
        assert!(first[0].constraint, "the constraint comes first");
        let series = debrief::time_use_series(&sim, 0);
        for (_, u) in &series {
            assert!((u.total() - 1.0).abs() < 1e-9, "shares add to 1: {u:?}");
        }
    }
}

/// Setups: `ten-deploys` has a fixed setup of 40 minutes per deploy at speed 1, so the setup
/// time worked is 40 minutes per finished deploy, plus at most 40 for each batch in progress
/// (two deploy workers). Interrupted setups (outages) resume where they stopped.
#[test]
fn setup_time_is_forty_minutes_a_deploy() {
    let mut sim = Simulation::new(Level::embedded("ten-deploys").unwrap(), 6);
    sim.apply(Action::SetBatchSize {
        size: 2,
        center: None,
    })
    .unwrap();
    sim.run_to_end();
    let setup: f64 = debrief::time_use(&sim).iter().map(|w| w.total.setup).sum();
    let deploys = sim.deploy_log().len() as f64;
    assert!(deploys > 20.0, "{deploys}");
    assert!(
        setup >= 40.0 * deploys - 1e-6 && setup <= 40.0 * deploys + 80.0 + 1e-6,
        "setup {setup} for {deploys} deploys"
    );
}

/// Blocked: work waits where a worker may work but cannot start. In `penny-game` the test
/// rig waits for a batch of ten, so Kim is blocked while it fills and never with batches of
/// one (an idle Kim starts any change at once). In `wip-limits` a WIP limit of 1 on QA fills
/// the developers' slots with finished work that cannot move on.
#[test]
fn waiting_for_a_batch_or_a_wip_limit_is_blocked_time() {
    let blocked = |level: &str, worker: &str, action: Option<Action>| {
        let mut sim = Simulation::new(Level::embedded(level).unwrap(), 3);
        if let Some(a) = action {
            sim.apply(a).unwrap();
        }
        sim.run_to_end();
        let w = sim.worker_index(worker).unwrap();
        sim.time_use(w).blocked
    };
    let batch = |size| {
        Some(Action::SetBatchSize {
            size,
            center: Some("test".into()),
        })
    };
    let mpd = Level::embedded("penny-game")
        .unwrap()
        .calendar
        .minutes_per_day;
    assert!(blocked("penny-game", "Kim", batch(10)) > mpd);
    assert_eq!(blocked("penny-game", "Kim", batch(1)), 0.0);
    let qa = |limit| {
        Some(Action::SetWipLimit {
            center: "qa".into(),
            limit,
        })
    };
    let (none, tight) = (
        blocked("wip-limits", "Ana", None),
        blocked("wip-limits", "Ana", qa(Some(1))),
    );
    assert!(tight > none + 60.0, "tight {tight} vs none {none}");
}

/// The reference curves: Erlang C against hand-worked values (M/M/2 at a = 1: Wq/S = 1/3;
/// M/M/3 at a = 2: C = 4/9, Wq/S = 4/9), and c = 1 reduces to ρ/(1 − ρ).
#[test]
fn erlang_c_matches_hand_worked_values() {
    assert!((debrief::erlang_c_wait(2, 0.5) - 1.0 / 3.0).abs() < 1e-12);
    assert!((debrief::erlang_c_wait(3, 2.0 / 3.0) - 4.0 / 9.0).abs() < 1e-12);
    for rho in [0.1, 0.5, 0.9, 0.99] {
        let want = rho / (1.0 - rho);
        assert!((debrief::erlang_c_wait(1, rho) - want).abs() < 1e-9 * want.max(1.0));
        assert!((WaitModel::Mm1.wait_in_services(rho).unwrap() - want).abs() < 1e-12);
    }
    // Large c does not overflow: M/M/200 at ρ = 0.9 waits far less than M/M/1.
    let w = debrief::erlang_c_wait(200, 0.9);
    assert!(w.is_finite() && w < 0.01, "{w}");
    assert_eq!(WaitModel::Mm1.wait_in_services(1.0), None);
}

/// A long M/M/1 run sits on its M/M/1 curve, and the same queue with fixed service times is
/// modelled as G/G/1 with cs² = 0, where Kingman's formula is exact (Pollaczek–Khinchine for
/// M/D/1: Wq/S = ρ/(2(1 − ρ))). Over 1,000 workdays at ρ = 0.8 the mean wait's relative
/// standard error is about 3% (Whitt 1989, as above), so 10% is over three of those.
#[test]
fn measured_waits_sit_on_their_curves() {
    let mut level = Level::embedded("mm1").unwrap();
    let days = 1000.0 * level.calendar.minutes_per_day;
    for deterministic in [false, true] {
        if deterministic {
            level.arrivals[0].route[0].effort = Dist::Fixed(1.0);
        }
        let mut sim = Simulation::with_duration(level.clone(), 21, days);
        sim.run_to_end();
        let w = &debrief::wait_curves(&sim)[0];
        if deterministic {
            assert_eq!(
                w.model,
                WaitModel::AllenCunneen {
                    servers: 1,
                    ca2: 1.0,
                    cs2: 0.0
                }
            );
        } else {
            assert_eq!(w.model, WaitModel::Mm1);
        }
        let curve = w.model.wait_in_services(w.utilization).unwrap();
        let measured = w.wait_in_services.unwrap();
        assert!(
            (measured - curve).abs() / curve < 0.10,
            "{:?}: ρ {:.3}, measured {measured:.3}, curve {curve:.3}",
            w.model,
            w.utilization
        );
    }
}

/// Batch centers and the deploy step get no curve, and say why; phoenix's centers are
/// labelled, the constraint marked.
#[test]
fn batch_centers_have_no_curve() {
    let sim = phoenix_with_decisions(2);
    let curves = debrief::wait_curves(&sim);
    let deploy = sim.deploy_center().unwrap();
    assert!(matches!(curves[deploy].model, WaitModel::None(_)));
    assert!(curves[deploy].model.label().contains("batches"));
    assert!(curves.iter().any(|c| c.constraint));
    assert!(
        curves
            .iter()
            .filter(|c| !matches!(c.model, WaitModel::None(_)))
            .all(|c| c.model.wait_in_services(0.5).unwrap() > 0.0)
    );
}

/// DORA over the run, against counts by hand from the deploy log and the outages; failed
/// deploys in the deploy log match the outages raised by failed deploys.
#[test]
fn dora_series_counts_each_window() {
    let sim = phoenix_with_decisions(8);
    let mpd = sim.level().calendar.minutes_per_day;
    let series = debrief::dora_series(&sim);
    assert_eq!(series.len(), (sim.now() / mpd).floor() as usize);
    for p in &series {
        let from = (p.t - 5.0 * mpd).max(0.0);
        let n = sim
            .deploy_log()
            .iter()
            .filter(|d| d.at > from && d.at <= p.t)
            .count();
        let failed = sim
            .deploy_log()
            .iter()
            .filter(|d| d.at > from && d.at <= p.t && d.failed)
            .count();
        assert!((p.deploys_per_day - n as f64 * mpd / (p.t - from)).abs() < 1e-9);
        assert_eq!(
            p.change_fail_rate,
            (n > 0).then(|| failed as f64 / n as f64)
        );
    }
    let failed_log: Vec<f64> = sim
        .deploy_log()
        .iter()
        .filter(|d| d.failed)
        .map(|d| d.at)
        .collect();
    let failed_outages: Vec<f64> = sim
        .outages()
        .iter()
        .filter(|o| matches!(o.cause, OutageCause::FailedDeploy { .. }))
        .map(|o| o.raised_at)
        .collect();
    assert_eq!(failed_log, failed_outages);
    assert_eq!(sim.deploy_log().len() as u64, sim.report().run.deploys);
}

/// The timeline holds every outage's raise, detection and fix, every deploy and every
/// command, in time order.
#[test]
fn the_timeline_holds_every_event_in_order() {
    let sim = phoenix_with_decisions(5);
    let events = debrief::timeline(&sim);
    assert!(events.windows(2).all(|w| w[0].t <= w[1].t));
    let count = |f: fn(&EventKind) -> bool| events.iter().filter(|e| f(&e.kind)).count();
    assert_eq!(
        count(|k| matches!(k, EventKind::Command(_))),
        sim.commands().len()
    );
    assert_eq!(
        count(|k| matches!(k, EventKind::OutageRaised { .. })),
        sim.outages().len()
    );
    assert_eq!(
        count(|k| matches!(k, EventKind::OutageFixed { .. })),
        sim.outages()
            .iter()
            .filter(|o| o.resolved_at.is_some())
            .count()
    );
    assert_eq!(
        count(|k| matches!(k, EventKind::Deploy { .. })) as u64,
        sim.report().run.deploys
    );
    let board = Simulation::new(Level::embedded("change-board").unwrap(), 1);
    let mut board = board;
    board.run_to_end();
    assert!(!board.board_meetings().is_empty());
}

/// Recording the history changes nothing about the run: a run advanced in one go and one
/// advanced in uneven steps agree on every record.
#[test]
fn history_does_not_depend_on_frames() {
    let level = Level::embedded("phoenix").unwrap();
    let mut whole = Simulation::new(level.clone(), 13);
    whole.keep_item_history();
    whole.run_to_end();
    let mut bare = Simulation::new(level.clone(), 13);
    bare.run_to_end();
    assert_eq!(
        whole.state_hash(),
        bare.state_hash(),
        "keeping items changes nothing"
    );
    assert!(bare.completions().is_empty() && !whole.completions().is_empty());
    let mut steps = Simulation::new(level, 13);
    steps.keep_item_history();
    let mut t = 0.0;
    while !steps.is_finished() {
        t += 37.3;
        steps.advance_to(t);
    }
    assert_eq!(whole.state_hash(), steps.state_hash());
    assert_eq!(whole.completions(), steps.completions());
    assert_eq!(whole.deploy_log(), steps.deploy_log());
    for s in 0..whole.samples().len() {
        assert_eq!(whole.center_counts_at(s), steps.center_counts_at(s));
        assert_eq!(whole.time_use_at(s), steps.time_use_at(s));
    }
}

fn commands(src: &str) -> Vec<Command> {
    flowkata::sim::parse_command_log("test.ron", src).unwrap()
}

/// The standing policy leaves out exactly the commands that name an outage or an item.
#[test]
fn the_standing_policy_leaves_out_operational_commands() {
    let log = commands(
        r#"[
        (at: 0.0, action: ProtectConstraint(on: true)),
        (at: 100.0, action: Triage(outage: 1, to: Worker("Sam"))),
        (at: 200.0, action: Expedite(item: 4)),
        (at: 300.0, action: SetBatchSize(size: 2, center: None)),
    ]"#,
    );
    let p = StandingPolicy::of(&log);
    assert_eq!(p.kept.len(), 2);
    assert_eq!(p.left_out.len(), 2);
    assert_eq!(p.left_out_phrase(), "1 triage, 1 expedite");
}

/// Each replication's scores equal independent runs with the same seed: the policy's the
/// replay of the standing commands, the baseline's a run with no commands. The run's own
/// seed is never among them, and the shares count the seeds by hand.
#[test]
fn replications_equal_independent_runs() {
    let level = Level::embedded("brent").unwrap();
    let log = commands("[(at: 0.0, action: ProtectConstraint(on: true))]");
    let r = luck(&level, 5, &log, 24).unwrap();
    assert_eq!(r.seeds.len(), 24);
    assert!(!r.seeds.contains(&5));
    let mut wins = 0;
    for (i, &seed) in r.seeds.iter().enumerate() {
        let p = Simulation::replay(level.clone(), seed, &log)
            .unwrap()
            .score();
        let b = Simulation::replay(level.clone(), seed, &[])
            .unwrap()
            .score();
        assert_eq!(r.policy_scores[i], p);
        assert_eq!(r.baseline_scores[i], b);
        wins += usize::from(p > b);
    }
    assert_eq!(r.beats_baseline, wins as f64 / 24.0);
    let actual = Simulation::replay(level.clone(), 5, &log).unwrap().score();
    assert_eq!(r.actual_score, actual);
    let below = r.policy_scores.iter().filter(|&&s| s < actual).count();
    let equal = r.policy_scores.iter().filter(|&&s| s == actual).count();
    assert_eq!(
        r.percentile,
        100.0 * (below as f64 + 0.5 * equal as f64) / 24.0
    );
    assert!(r.policy_band.windows(2).all(|w| w[0] <= w[1]));
    // No decisions: the policy is the baseline, tied on every seed.
    let none = luck(&level, 5, &[], 10).unwrap();
    assert_eq!(none.beats_baseline, 0.0);
    assert_eq!(none.ties, 1.0);
}

/// A standing command another seed refuses is skipped and counted, never fatal; the job runs
/// in steps and gives the same report as in one go.
#[test]
fn refused_commands_are_skipped_and_counted() {
    let level = Level::embedded("brent").unwrap();
    // Refused on every seed: brent offers no batch-size decision.
    let log = commands("[(at: 10.0, action: SetBatchSize(size: 2, center: None))]");
    let (_, skipped) = run_policy(&level, 1, &log);
    assert_eq!(skipped, 1);
    let mut job = LuckJob::new(&level, 1, &log, 0.0, 6).unwrap();
    let mut steps = 0;
    while !job.step(4) {
        steps += 1;
    }
    assert_eq!(steps, 1, "6 seeds in steps of 4");
    let r = job.report().unwrap();
    assert_eq!((r.skipped, r.seeds_with_skips), (6, 6));
    assert!(r.caveat().contains("refused on 6 seeds"), "{}", r.caveat());
    let mut once = LuckJob::new(&level, 1, &log, 0.0, 6).unwrap();
    once.step(usize::MAX);
    assert_eq!(once.report().unwrap().policy_scores, r.policy_scores);
    assert!(LuckJob::new(&level, 1, &log, 0.0, 0).is_err());
}
