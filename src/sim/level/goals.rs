//! The challenge as a level states it: goals (a [`Metric`] with a bound), their units, and
//! hints with their [`Trigger`]s. These are the level file's types; measuring a metric in a
//! run's report, evaluating a goal and watching a run for hints are the measures' job
//! ([`crate::sim::challenge`]).

use serde::{Deserialize, Serialize};

use super::WorkType;

/// What a goal measures. Values come from the run's report ([`crate::sim::RunReport`], by `Metric::measure`); times are in the units
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

    /// Whether a goal on this metric counts as met when there is nothing to measure: yes
    /// for the times of things that went wrong (no failed deploy, nothing to recover from),
    /// no for everything else (nothing deployed or completed is not a short lead time).
    pub fn met_when_empty(&self) -> bool {
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
