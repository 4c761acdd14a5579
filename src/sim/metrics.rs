//! Metrics of a run: per work center, per worker, and for the whole value stream.
//!
//! Time averages are exact integrals of piecewise-constant state over sim time, not samples.
//! Per-center figures are the ones queueing theory names: arrival count, completions,
//! utilization ρ, mean queue wait Wq, mean time in the center W (sojourn), time-average queue
//! length Lq and time-average number in the center L. Little's law L = λW ties them together.

use std::collections::BTreeMap;

use serde::Serialize;

use super::challenge::{GoalResult, stars};
use super::dora::FourKeys;
pub use super::engine::{CenterStats, Sample};
use super::engine::{SimTime, Simulation};
use super::level::WorkType;

/// One center's figures. Means with nothing to average are 0.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CenterReport {
    /// Center id.
    pub id: String,
    /// Items that entered the center.
    pub arrivals: u64,
    /// Items that left it.
    pub completions: u64,
    /// ρ: busy worker-time / (servers × elapsed time), 0–1, where servers is the center's
    /// capacity (parallel slots).
    pub utilization: f64,
    /// Wq: mean wait in the queue before service starts, sim minutes, over started items.
    pub mean_wait: f64,
    /// W: mean time from entering to leaving the center, sim minutes, over departed items.
    pub mean_sojourn: f64,
    /// Lq: time-average number waiting in the queue, items.
    pub mean_queue_len: f64,
    /// L: time-average number in the center (queued, in service, blocked), items.
    pub mean_in_system: f64,
    /// Time-average number of finished items blocked here because the next center had no
    /// room, items.
    pub mean_blocked: f64,
    /// Parallel slots (servers).
    pub servers: u32,
}

/// One worker's figures.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct WorkerReport {
    /// Name.
    pub name: String,
    /// Whether this worker is the constraint.
    pub constraint: bool,
    /// Fraction of elapsed time spent on planned work, 0–1.
    pub planned_utilization: f64,
    /// Fraction of elapsed time spent fixing outages, 0–1.
    pub unplanned_utilization: f64,
    /// Fraction of elapsed time spent on improvement work (part of planned), 0–1.
    pub improvement_utilization: f64,
}

/// Everything `flowkata-cli run --json` prints, and what the debrief shows.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RunReport {
    /// Level id.
    pub level: String,
    /// Seed of the run.
    pub seed: u64,
    /// Sim minutes elapsed.
    pub sim_time: SimTime,
    /// Workdays elapsed (sim_time / minutes per day).
    pub days: f64,
    /// Per center, in level order.
    pub centers: Vec<CenterReport>,
    /// Per worker, in level order.
    pub workers: Vec<WorkerReport>,
    /// The run's value-stream metrics.
    pub run: RunMetrics,
    /// Score, money: value of completed planned work − cost of unplanned work.
    pub score: f64,
    /// Stars earned, 0–3: none unless every goal is met, then one per score threshold
    /// reached ([`crate::sim::challenge::stars`]).
    pub stars: u8,
    /// The level's goals, in level order, with their values now and whether they are met.
    pub goals: Vec<GoalResult>,
    /// The DORA four keys and their tiers.
    pub dora: FourKeys,
}

/// Value-stream metrics of a run.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RunMetrics {
    /// Completions per workday, by work type (`Business`, `Internal`, `Change`, `Unplanned`).
    pub throughput_per_day: BTreeMap<String, f64>,
    /// Completions so far, by work type.
    pub completed: BTreeMap<String, u64>,
    /// Arrivals so far, by work type (outages count as unplanned arrivals).
    pub arrived: BTreeMap<String, u64>,
    /// Median lead time (arrival to completion) of completed planned items, sim minutes;
    /// nearest-rank percentile, within 0.1% (see `LeadTimes`). `null` when nothing completed.
    pub lead_time_p50: Option<f64>,
    /// 85th percentile lead time, sim minutes, nearest rank, within 0.1%. `null` when nothing
    /// completed.
    pub lead_time_p85: Option<f64>,
    /// Time-average WIP (items released and not completed), items.
    pub mean_wip: f64,
    /// WIP at the end, items.
    pub wip: u32,
    /// Items held in the backlog at the end.
    pub backlog: u32,
    /// Deploys completed.
    pub deploys: u64,
    /// Deploys per workday (DORA: deployment frequency).
    pub deploys_per_day: f64,
    /// Failed deploys / deploys, 0–1 (DORA: change failure rate); 0 with no deploys.
    pub change_failure_rate: f64,
    /// Outages raised.
    pub outages: u64,
    /// Outages fixed.
    pub outages_resolved: u64,
    /// Mean time to restore of fixed outages, sim minutes; `null` if none fixed.
    pub mean_time_to_restore: Option<f64>,
    /// Median lead time for changes (DORA): arrival to deploy of deployed items, sim
    /// minutes, nearest rank within 0.1%; `null` before the first deploy.
    pub change_lead_time_p50: Option<f64>,
    /// Mean failed deployment recovery time (DORA 2024): failed deploy's outage raised to
    /// fixed, sim minutes; `null` until one is fixed.
    pub failed_deployment_recovery_time: Option<f64>,
    /// Worker-hours spent fixing outages (60 sim minutes an hour).
    pub unplanned_work_hours: f64,
    /// Hours outages were open, summed over outages.
    pub downtime_hours: f64,
    /// Cost of unplanned work, money: cost per hour × downtime hours.
    pub unplanned_cost: f64,
    /// Value of completed planned work, money.
    pub value_delivered: f64,
    /// Arrivals refused (intake closed, or refused from the backlog).
    pub refused: u64,
    /// Arrivals lost because the first center was full (`lost_when_full`).
    pub lost: u64,
    /// Completed items with a due date that made it, and that were late.
    pub on_time: u64,
    /// Completed items with a due date completed after it.
    pub late: u64,
    /// Collisions: pairs of changes to one system deployed within one window.
    pub collisions: u64,
    /// Changes deployed off the change advisory board.
    pub off_board_changes: u64,
    /// Mean time from failure to detection of detected outages, sim minutes; `null` if none.
    pub mean_time_to_detect: Option<f64>,
    /// Improvement rounds finished.
    pub improvements_done: u64,
    /// Postmortems held.
    pub postmortems_done: u64,
    /// Items expedited.
    pub expedites: u64,
    /// Steps skipped (skipped QA).
    pub skipped_steps: u64,
    /// Technical debt at the end, points.
    pub debt: f64,
    /// Highest technical debt during the run, points.
    pub debt_peak: f64,
}

fn by_type<T: Copy>(values: &[T; 4]) -> BTreeMap<String, T> {
    WorkType::ALL
        .iter()
        .map(|t| (t.key().to_string(), values[t.index()]))
        .collect()
}

impl RunReport {
    /// Computes the report of `sim` as of its current time.
    pub fn of(sim: &Simulation) -> RunReport {
        let level = sim.level();
        let t = sim.now();
        let per = |x: f64| if t > 0.0 { x / t } else { 0.0 };
        let days = t / level.calendar.minutes_per_day;
        let per_day = |x: f64| if days > 0.0 { x / days } else { 0.0 };
        let mean = |sum: f64, n: u64| if n > 0 { sum / n as f64 } else { 0.0 };

        let mut area_wip = 0.0;
        let centers = (0..level.centers.len())
            .map(|c| {
                let s = sim.center_stats_now(c);
                area_wip += s.area_in_system;
                CenterReport {
                    id: level.centers[c].id.clone(),
                    arrivals: s.arrivals,
                    completions: s.completions,
                    utilization: sim.center_utilization(c),
                    mean_wait: mean(s.sum_wait, s.started),
                    mean_sojourn: mean(s.sum_sojourn, s.completions),
                    mean_queue_len: per(s.area_queue),
                    mean_in_system: per(s.area_in_system),
                    mean_blocked: per(s.area_blocked),
                    servers: sim.capacity(c),
                }
            })
            .collect();
        let workers = level
            .workers
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let (planned, unplanned, improving) = sim.worker_busy_by_index(i);
                WorkerReport {
                    name: w.name.clone(),
                    constraint: w.constraint,
                    planned_utilization: per(planned),
                    unplanned_utilization: per(unplanned),
                    improvement_utilization: per(improving),
                }
            })
            .collect();

        let tot = &sim.totals;
        let unplanned_minutes: f64 = (0..level.workers.len())
            .map(|i| sim.worker_busy_by_index(i).1)
            .sum();
        let downtime: f64 = sim
            .outages()
            .iter()
            .map(|o| o.resolved_at.unwrap_or(t) - o.raised_at)
            .sum();
        let resolved = tot.completed[WorkType::Unplanned.index()];
        let throughput = [0, 1, 2, 3].map(|i| per_day(tot.completed[i] as f64));
        let score = sim.score();
        let last_wip = sim.wip();
        let lead = [0.50, 0.85].map(|p| tot.lead_times.quantile(p));
        let mut report = RunReport {
            level: level.id.clone(),
            seed: sim.seed(),
            sim_time: t,
            days,
            centers,
            workers,
            run: RunMetrics {
                throughput_per_day: by_type(&throughput),
                completed: by_type(&tot.completed),
                arrived: by_type(&tot.arrived),
                lead_time_p50: lead[0],
                lead_time_p85: lead[1],
                mean_wip: per(area_wip),
                wip: last_wip,
                backlog: sim.backlog_len() as u32,
                deploys: tot.deploys,
                deploys_per_day: per_day(tot.deploys as f64),
                change_failure_rate: if tot.deploys > 0 {
                    tot.failed_deploys as f64 / tot.deploys as f64
                } else {
                    0.0
                },
                outages: sim.outages().len() as u64,
                outages_resolved: resolved,
                mean_time_to_restore: (resolved > 0)
                    .then(|| tot.restore_time_sum / resolved as f64),
                change_lead_time_p50: tot.change_lead_times.quantile(0.5),
                failed_deployment_recovery_time: (tot.deploy_restored > 0)
                    .then(|| tot.deploy_restore_sum / tot.deploy_restored as f64),
                unplanned_work_hours: unplanned_minutes / 60.0,
                downtime_hours: downtime / 60.0,
                unplanned_cost: sim.unplanned_cost(),
                value_delivered: tot.value,
                refused: tot.refused,
                lost: tot.lost,
                on_time: tot.on_time,
                late: tot.late,
                collisions: tot.collisions,
                off_board_changes: tot.off_board_changes,
                mean_time_to_detect: (tot.detected > 0)
                    .then(|| tot.detect_time_sum / tot.detected as f64),
                improvements_done: tot.improvements_done,
                postmortems_done: tot.postmortems_done,
                expedites: tot.expedites,
                skipped_steps: tot.skipped_steps,
                debt: sim.debt(),
                debt_peak: tot.debt_peak,
            },
            score,
            stars: 0,
            goals: Vec::new(),
            dora: FourKeys::default(),
        };
        let per_day_minutes = level.calendar.minutes_per_day;
        // The four keys first: goals on DORA metrics read them.
        report.dora = FourKeys::of(&report, per_day_minutes);
        report.goals = level
            .goals
            .iter()
            .map(|g| g.evaluate(&report, per_day_minutes, sim.is_finished()))
            .collect();
        report.stars = stars(level, score, &report.goals);
        report
    }
}

impl Simulation {
    /// The final (or current) metrics of the run.
    pub fn report(&self) -> RunReport {
        RunReport::of(self)
    }

    /// A SHA-256 over the run's metrics, the internal counters that any divergence would
    /// change (events processed, items created, every random stream's position) and the
    /// command log, as hex. Equal hashes mean the same run, bit for bit, from the same
    /// commands: a run file's hash also attests its commands, so an edited command that
    /// happens to change nothing is still caught.
    pub fn state_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        #[derive(Serialize)]
        struct Digestible<'a> {
            report: &'a RunReport,
            events: u64,
            next_item: u64,
            seq: u64,
            rng: Vec<String>,
            outages: &'a [super::engine::Outage],
            jobs: &'a [super::engine::Job],
            samples: &'a [Sample],
            debt: f64,
            commands: &'a [super::command::Command],
        }
        let report = self.report();
        let p = self.hash_parts();
        let d = Digestible {
            report: &report,
            events: p.events,
            next_item: p.next_item,
            seq: p.seq,
            rng: p.rng,
            outages: p.outages,
            jobs: p.jobs,
            samples: p.samples,
            debt: p.debt,
            commands: p.commands,
        };
        let bytes = serde_json::to_vec(&d).expect("state serializes");
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// The nearest-rank `p`-quantile (0 < p ≤ 1) of `sorted` (ascending, not empty): the value
/// at rank ⌈p·n⌉ (Hyndman and Fan, "Sample quantiles in statistical packages", 1996, the
/// inverse of the empirical distribution).
pub fn nearest_rank(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// The nearest-rank quantiles of `xs` (not empty, any order) at each of `ps`
/// ([`nearest_rank`]).
pub fn nearest_rank_quantiles<const N: usize>(xs: &[f64], ps: [f64; N]) -> [f64; N] {
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    ps.map(|p| nearest_rank(&sorted, p))
}
