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
use super::engine::{SimTime, Simulation};
use super::level::WorkType;

/// Running integrals and counts of one center. Areas are in item·minutes.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CenterStats {
    /// Items that entered the center.
    pub arrivals: u64,
    /// Items that left the center (moved on or completed).
    pub completions: u64,
    /// Items (or deploy batch members) whose service started.
    pub started: u64,
    /// Sum of queue waits of started items, sim minutes.
    pub sum_wait: f64,
    /// Sum of times in the center of departed items, sim minutes.
    pub sum_sojourn: f64,
    /// ∫ queue length dt.
    pub area_queue: f64,
    /// ∫ number in the center dt (queued + in service + blocked).
    pub area_in_system: f64,
    /// ∫ busy workers dt.
    pub area_busy: f64,
    /// ∫ blocked items (done here, waiting for room downstream) dt.
    pub area_blocked: f64,
    /// Sim time the areas are integrated up to.
    pub last_change: SimTime,
}

/// A snapshot of the run every [`super::engine::SAMPLE_INTERVAL`] sim minutes, for charts.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Sample {
    /// Sim minutes.
    pub t: SimTime,
    /// Items released and not completed.
    pub wip: u32,
    /// Items arrived and held in the backlog.
    pub backlog: u32,
    /// Planned items completed so far (business, internal, changes).
    pub completed: u64,
    /// Deploys so far.
    pub deploys: u64,
    /// Outages not yet fixed.
    pub open_outages: u32,
    /// Cost of unplanned work so far, money.
    pub unplanned_cost: f64,
    /// Score so far, money.
    pub score: f64,
    /// Technical debt, points.
    pub debt: f64,
}

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

/// Lead times of completed items, kept as an HdrHistogram (Gil Tene's HdrHistogram, the
/// `hdrhistogram` crate) instead of one number per item: a run of a million customers then
/// needs kilobytes instead of megabytes, recording is a few integer operations, and a
/// percentile is one pass over the buckets, however long the run.
///
/// Values are recorded in thousandths of a sim minute with 3 significant decimal digits, so
/// a reported percentile is within 0.1% (and 0.001 minutes) of the exact nearest-rank
/// percentile of the recorded lead times. Integer arithmetic only: the same on every
/// platform.
#[derive(Clone, Debug)]
pub(crate) struct LeadTimes {
    hist: hdrhistogram::Histogram<u64>,
}

impl Default for LeadTimes {
    fn default() -> Self {
        Self {
            // Auto-resizing from 1 unit up: any lead time fits.
            hist: hdrhistogram::Histogram::new(3).expect("3 significant digits is valid"),
        }
    }
}

impl LeadTimes {
    /// Recording units per sim minute.
    const UNITS_PER_MINUTE: f64 = 1000.0;

    /// Records one lead time, sim minutes (≥ 0).
    pub(crate) fn record(&mut self, minutes: f64) {
        // Rounded half up; `as` saturates, so a negative or NaN time (never produced) would
        // count as 0.
        let units = (minutes * Self::UNITS_PER_MINUTE + 0.5) as u64;
        // The histogram grows to fit; only a value it cannot grow to is clamped.
        if self.hist.record(units).is_err() {
            self.hist.saturating_record(units);
        }
    }

    /// Number of lead times recorded.
    #[cfg(test)]
    fn len(&self) -> u64 {
        self.hist.len()
    }

    /// The nearest-rank `p`-quantile (0 < p ≤ 1), sim minutes: the value with at least
    /// ⌈p·n⌉ recorded lead times at or below it, to within the precision above (the middle
    /// of its bucket). `None` before anything was recorded.
    pub(crate) fn quantile(&self, p: f64) -> Option<f64> {
        if self.hist.is_empty() {
            return None;
        }
        let v = self.hist.median_equivalent(self.hist.value_at_quantile(p));
        Some(v as f64 / Self::UNITS_PER_MINUTE)
    }
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
            .map(|g| g.evaluate(&report, per_day_minutes))
            .collect();
        report.stars = stars(level, score, &report.goals);
        report
    }
}

#[cfg(test)]
mod tests {
    use super::LeadTimes;

    /// The exact nearest-rank percentile: the value at rank ⌈p·n⌉ of the sorted values.
    fn exact(sorted: &[f64], p: f64) -> f64 {
        let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1]
    }

    #[test]
    fn lead_time_percentiles_are_within_their_stated_precision() {
        let mut lt = LeadTimes::default();
        assert_eq!(lt.quantile(0.5), None);
        // A small set, with ties, where the nearest rank is easy to read off.
        for x in [15.0, 20.0, 35.0, 40.0, 50.0] {
            lt.record(x);
        }
        let near = |got: Option<f64>, want: f64| {
            let got = got.expect("recorded");
            assert!(
                (got - want).abs() <= want * 1e-3 + 1e-3,
                "{got} vs exact {want}"
            );
        };
        near(lt.quantile(0.5), 35.0);
        near(lt.quantile(0.85), 50.0);
        near(lt.quantile(0.05), 15.0);
        // Spread over eight orders of magnitude (0.01 minutes to a million), unsorted.
        let mut lt = LeadTimes::default();
        let mut xs = Vec::new();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            let x = 0.01 * 10f64.powf(8.0 * u);
            xs.push(x);
            lt.record(x);
        }
        assert_eq!(lt.len(), 20_000);
        xs.sort_by(f64::total_cmp);
        for p in [0.01, 0.25, 0.5, 0.85, 0.99, 1.0] {
            near(lt.quantile(p), exact(&xs, p));
        }
    }
}
