//! A level's challenge: one to three measurable goals stated in the level file, the rule
//! that turns score and goals into stars, and hints triggered by the state of a run.
//!
//! A goal is a [`Metric`] of the run's report with a bound (`at_least` or `at_most`), in
//! the terms of the level's idea: "ten or more deploys a day", "change failure rate at most
//! 15%". The HUD shows each goal's current value, the debrief which goals were met, and
//! [`stars`] gives the first star only when every goal is met.
//!
//! (The kata drills' *target condition* is the team's own next step toward this challenge;
//! Rother, *Toyota Kata*, 2009. The two are kept apart: a level states a challenge.)

use serde::Serialize;

use super::engine::Simulation;
pub use super::level::{Goal, HintSpec, Metric, Trigger, Unit};
use super::level::{Level, WorkType};
use super::metrics::RunReport;

impl Metric {
    /// The metric's value in a report, in its unit; `None` when there is nothing to measure
    /// yet (no change deployed, no outage fixed, nothing completed). The DORA metrics are
    /// the report's `dora` keys, which must be filled in first.
    pub fn measure(&self, report: &RunReport, minutes_per_day: f64) -> Option<f64> {
        let r = &report.run;
        let days = |m: Option<f64>| m.map(|m| m / minutes_per_day);
        let hours = |m: Option<f64>| m.map(|m| m / 60.0);
        let center = |id: &str| report.centers.iter().find(|c| c.id == id);
        match self {
            Metric::DeploysPerDay => Some(r.deploys_per_day),
            // DORA's keys as `sim::dora` defines and maps them (the report's `dora`).
            Metric::ChangeFailureRate => report.dora.change_fail_rate.value,
            Metric::ChangeLeadTimeDays => report.dora.change_lead_time_days.value,
            Metric::RecoveryTimeHours => report.dora.recovery_time_hours.value,
            Metric::LeadTimeP85Days => days(r.lead_time_p85),
            Metric::LeadTimeP50Days => days(r.lead_time_p50),
            Metric::ThroughputPerDay => Some(
                WorkType::PLANNED
                    .iter()
                    .map(|t| r.throughput_per_day.get(t.key()).copied().unwrap_or(0.0))
                    .sum(),
            ),
            Metric::MeanWip => Some(r.mean_wip),
            Metric::ConstraintOutageShare => report
                .workers
                .iter()
                .filter(|w| w.constraint)
                .map(|w| w.unplanned_utilization)
                .reduce(f64::max),
            Metric::QueueWaitHours { center: id } => center(id)
                .filter(|c| c.arrivals > 0)
                .map(|c| c.mean_wait / 60.0),
            Metric::Utilization { center: id } => center(id).map(|c| c.utilization),
            Metric::TimeToRestoreHours => hours(r.mean_time_to_restore),
            Metric::TimeToDetectHours => hours(r.mean_time_to_detect),
            Metric::Debt => Some(r.debt),
            Metric::UnplannedCost => Some(r.unplanned_cost),
            Metric::OnTimeShare => {
                let n = r.on_time + r.late;
                (n > 0).then(|| r.on_time as f64 / n as f64)
            }
            Metric::Collisions => Some(r.collisions as f64),
            Metric::Completed { work_type } => {
                Some(r.completed.get(work_type.key()).copied().unwrap_or(0) as f64)
            }
            Metric::Score => Some(report.score),
        }
    }
}

/// A goal's standing in a run: its value now and whether it is met.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GoalResult {
    /// The goal as a sentence: `deploys per day ≥ 10.0`.
    pub label: String,
    /// The metric's value now, in its unit; `null` when there is nothing to measure yet.
    pub value: Option<f64>,
    /// The value formatted in its unit (`—` when there is none).
    pub shown: String,
    /// Whether the goal is met.
    pub met: bool,
}
impl Goal {
    /// The goal's standing in `report`.
    pub fn evaluate(&self, report: &RunReport, minutes_per_day: f64) -> GoalResult {
        let value = self.metric.measure(report, minutes_per_day);
        GoalResult {
            label: self.label(),
            value,
            shown: value.map_or("—".into(), |v| self.metric.unit().format(v)),
            met: self.met_by(value),
        }
    }
}

/// Stars of a run: none unless every goal is met; then one per score threshold reached
/// (`scoring.stars`, ascending). So the first star needs every goal met and the first
/// threshold, and a high score without the goals earns nothing: the challenge is the point.
pub fn stars(level: &Level, score: f64, goals: &[GoalResult]) -> u8 {
    if goals.iter().any(|g| !g.met) {
        return 0;
    }
    level.scoring.stars.iter().filter(|s| score >= **s).count() as u8
}
impl Trigger {
    /// Whether the trigger holds in `sim` now.
    pub fn holds(&self, sim: &Simulation) -> bool {
        let level = sim.level();
        match self {
            Trigger::After { minutes } => sim.now() >= *minutes,
            Trigger::QueueAbove { center, items } => level
                .center_index(center)
                .is_some_and(|c| sim.queue_len(c) > *items as usize),
            Trigger::WipAbove { items } => sim.wip() > *items,
            Trigger::BacklogAbove { items } => sim.backlog_len() > *items as usize,
            Trigger::Busy { worker } => sim.worker_index(worker).is_some_and(|w| sim.is_busy(w)),
            Trigger::ConstraintOnOutage => sim.constraint_on_outage(),
            Trigger::OutageOpenLonger { minutes } => sim
                .open_outages()
                .any(|o| sim.now() - o.raised_at > *minutes),
            Trigger::DebtAbove { points } => sim.debt() > *points,
        }
    }
}

/// Watches a run for the level's hints. It is presentation state, outside the simulation:
/// watching never changes a run. Call [`HintWatcher::check`] as the run advances (each
/// frame); a hint is due once its trigger has held for its `for_minutes` of sim time
/// between checks, and is returned once only.
#[derive(Clone, Debug, Default)]
pub struct HintWatcher {
    /// By hint: the sim time its trigger started holding, while it holds.
    since: Vec<Option<f64>>,
    /// By hint: whether it was already given.
    given: Vec<bool>,
}

impl HintWatcher {
    /// A watcher for `level`'s hints, none given yet.
    pub fn new(level: &Level) -> Self {
        Self {
            since: vec![None; level.hints.len()],
            given: vec![false; level.hints.len()],
        }
    }

    /// The indices (into `level.hints`) of hints that became due since the last check.
    pub fn check(&mut self, sim: &Simulation) -> Vec<usize> {
        let now = sim.now();
        let mut due = Vec::new();
        for (i, hint) in sim.level().hints.iter().enumerate() {
            if self.given.get(i).copied().unwrap_or(true) {
                continue;
            }
            if hint.when.holds(sim) {
                let start = *self.since[i].get_or_insert(now);
                if now - start >= hint.for_minutes {
                    self.given[i] = true;
                    due.push(i);
                }
            } else {
                self.since[i] = None;
            }
        }
        due
    }
}
