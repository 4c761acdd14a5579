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

use serde::{Deserialize, Serialize};

use super::engine::Simulation;
use super::level::{Level, WorkType};
use super::metrics::RunReport;

/// What a goal measures. Values come from the run's [`RunReport`]; times are in the units
/// of the variant's name (workdays or hours of sim time).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Metric {
    /// Deploys per workday (DORA: deployment frequency).
    DeploysPerDay,
    /// Failed deploys / deploys, 0–1 (DORA: change failure rate).
    ChangeFailureRate,
    /// Median lead time for changes, workdays: from an item's arrival to its deploy, over
    /// items that were deployed (DORA's definition; see [`crate::sim::dora`]).
    ChangeLeadTimeDays,
    /// Mean failed deployment recovery time, hours: from a failed deploy's outage to its
    /// fix (DORA, 2024).
    RecoveryTimeHours,
    /// 85th percentile lead time of completed planned items, workdays.
    LeadTimeP85Days,
    /// Median lead time of completed planned items, workdays.
    LeadTimeP50Days,
    /// Planned items completed per workday (throughput).
    ThroughputPerDay,
    /// Time-average WIP, items.
    MeanWip,
    /// Share of the constraint workers' time spent fixing outages, 0–1 (the busiest one).
    ConstraintOutageShare,
    /// Mean queue wait Wq at a center, hours.
    QueueWaitHours { center: String },
    /// Utilization ρ of a center, 0–1.
    Utilization { center: String },
    /// Mean time to restore of all fixed outages, hours.
    TimeToRestoreHours,
    /// Mean time from failure to detection, hours.
    TimeToDetectHours,
    /// Technical debt at the end, points.
    Debt,
    /// Cost of unplanned work, money.
    UnplannedCost,
    /// Share of completed items with a due date that made it, 0–1.
    OnTimeShare,
    /// Collisions: pairs of changes to one system deployed in one window.
    Collisions,
    /// Items of one work type completed.
    Completed { work_type: WorkType },
    /// Score, money.
    Score,
}

/// The unit a metric's value is shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A share 0–1, shown as a percentage.
    Share,
    /// Workdays.
    Days,
    /// Hours.
    Hours,
    /// Money.
    Money,
    /// A count or a rate, shown with one decimal.
    Number,
}

impl Metric {
    /// A short human name, with the center's id where it has one.
    pub fn label(&self) -> String {
        match self {
            Metric::DeploysPerDay => "deploys per day".into(),
            Metric::ChangeFailureRate => "change failure rate".into(),
            Metric::ChangeLeadTimeDays => "lead time for changes".into(),
            Metric::RecoveryTimeHours => "failed deployment recovery time".into(),
            Metric::LeadTimeP85Days => "lead time p85".into(),
            Metric::LeadTimeP50Days => "lead time p50".into(),
            Metric::ThroughputPerDay => "items done per day".into(),
            Metric::MeanWip => "mean WIP".into(),
            Metric::ConstraintOutageShare => "constraint's time on outages".into(),
            Metric::QueueWaitHours { center } => format!("queue wait at {center}"),
            Metric::Utilization { center } => format!("utilization of {center}"),
            Metric::TimeToRestoreHours => "time to restore".into(),
            Metric::TimeToDetectHours => "time to detect".into(),
            Metric::Debt => "technical debt".into(),
            Metric::UnplannedCost => "cost of unplanned work".into(),
            Metric::OnTimeShare => "on time".into(),
            Metric::Collisions => "collisions".into(),
            Metric::Completed { work_type } => format!("{}s done", work_type.label()),
            Metric::Score => "score".into(),
        }
    }

    /// The unit of the metric's value.
    pub fn unit(&self) -> Unit {
        match self {
            Metric::ChangeFailureRate
            | Metric::ConstraintOutageShare
            | Metric::Utilization { .. }
            | Metric::OnTimeShare => Unit::Share,
            Metric::ChangeLeadTimeDays | Metric::LeadTimeP85Days | Metric::LeadTimeP50Days => {
                Unit::Days
            }
            Metric::RecoveryTimeHours
            | Metric::QueueWaitHours { .. }
            | Metric::TimeToRestoreHours
            | Metric::TimeToDetectHours => Unit::Hours,
            Metric::UnplannedCost | Metric::Score => Unit::Money,
            _ => Unit::Number,
        }
    }

    /// The center id the metric names, if any (for validation).
    pub fn center(&self) -> Option<&str> {
        match self {
            Metric::QueueWaitHours { center } | Metric::Utilization { center } => Some(center),
            _ => None,
        }
    }

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

    /// Whether a goal on this metric counts as met when there is nothing to measure: yes
    /// for the times of things that went wrong (no failed deploy, nothing to recover from),
    /// no for everything else (nothing deployed or completed is not a short lead time).
    fn met_when_empty(&self) -> bool {
        matches!(
            self,
            Metric::ChangeFailureRate
                | Metric::RecoveryTimeHours
                | Metric::TimeToRestoreHours
                | Metric::TimeToDetectHours
        )
    }
}

impl Unit {
    /// Formats `v` in this unit: `12%`, `1.5 days`, `3.2 h`, `$1,200`, `4.0`.
    pub fn format(self, v: f64) -> String {
        match self {
            Unit::Share => format!("{:.0}%", v * 100.0),
            Unit::Days => format!("{v:.2} days"),
            Unit::Hours => format!("{v:.1} h"),
            Unit::Money => format!("${v:.0}"),
            Unit::Number => format!("{v:.1}"),
        }
    }
}

/// One goal of a level's challenge: a metric and exactly one bound.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// What is measured.
    pub metric: Metric,
    /// Met when the value is at least this (in the metric's unit).
    #[serde(default)]
    pub at_least: Option<f64>,
    /// Met when the value is at most this (in the metric's unit).
    #[serde(default)]
    pub at_most: Option<f64>,
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
    /// The goal as a sentence with its bound in the metric's unit.
    pub fn label(&self) -> String {
        let unit = self.metric.unit();
        match (self.at_least, self.at_most) {
            (Some(lo), _) => format!("{} ≥ {}", self.metric.label(), unit.format(lo)),
            (_, Some(hi)) => format!("{} ≤ {}", self.metric.label(), unit.format(hi)),
            _ => self.metric.label(),
        }
    }

    /// Whether `value` meets the goal (see [`Metric::measure`] for `None`).
    pub fn met_by(&self, value: Option<f64>) -> bool {
        match value {
            None => self.metric.met_when_empty(),
            Some(v) => {
                self.at_least.is_none_or(|lo| v >= lo) && self.at_most.is_none_or(|hi| v <= hi)
            }
        }
    }

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

/// A hint: a sentence shown once when its trigger has held for `for_minutes` of sim time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HintSpec {
    /// What makes the hint due.
    pub when: Trigger,
    /// Sim minutes the trigger must hold without a break. Default 0: at once.
    #[serde(default)]
    pub for_minutes: f64,
    /// The hint, one or two sentences.
    pub text: String,
}

/// A state of the run that can make a hint due.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Trigger {
    /// From this sim minute on.
    After { minutes: f64 },
    /// More than `items` waiting in a center's queue.
    QueueAbove { center: String, items: u32 },
    /// More than `items` released and not done.
    WipAbove { items: u32 },
    /// More than `items` held in the backlog.
    BacklogAbove { items: u32 },
    /// A worker busy (with any task) without a break.
    Busy { worker: String },
    /// A constraint worker fixing or holding an outage.
    ConstraintOnOutage,
    /// An outage open (raised and not fixed) for more than this many sim minutes.
    OutageOpenLonger { minutes: f64 },
    /// Technical debt above this many points.
    DebtAbove { points: f64 },
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
