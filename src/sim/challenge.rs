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
use super::rules;

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

/// A goal's status in a run, by one rule for every goal ([`GoalStatus::of`]): "too early"
/// while its metric has no data, then "on track" or "off track" while the run goes on, then
/// "met" or "missed" once it has ended. The HUD and the debrief show it in words as well as
/// color; the page publishes its [`key`](GoalStatus::key).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GoalStatus {
    /// The metric has no value yet, or less than [`rules::GOAL_WARMUP_DAYS`] of the run
    /// has passed: a bound on a rate or a mean says nothing about a run that has not yet
    /// done a day's work.
    TooEarly,
    /// The run goes on and the goal holds now.
    OnTrack,
    /// The run goes on and the goal does not hold now.
    OffTrack,
    /// The run has ended and the goal holds.
    Met,
    /// The run has ended and the goal does not hold.
    Missed,
}

impl GoalStatus {
    /// The status of a goal whose rule gives `met` for the metric's `value` (`None`: no
    /// data yet), `elapsed_days` workdays into a run that has `ended` or not. At the end
    /// the goal is met or missed whatever the data ([`Goal::met_by`] decides a metric with
    /// no data: met for one that counts failures, missed otherwise).
    pub fn of(met: bool, value: Option<f64>, elapsed_days: f64, ended: bool) -> GoalStatus {
        match (ended, met) {
            (true, true) => GoalStatus::Met,
            (true, false) => GoalStatus::Missed,
            _ if value.is_none() || elapsed_days < rules::GOAL_WARMUP_DAYS => GoalStatus::TooEarly,
            (false, true) => GoalStatus::OnTrack,
            (false, false) => GoalStatus::OffTrack,
        }
    }

    /// Its id, as the page state and the JSON report write it: `too-early`, `on-track`,
    /// `off-track`, `met` or `missed`.
    pub fn key(self) -> &'static str {
        match self {
            GoalStatus::TooEarly => "too-early",
            GoalStatus::OnTrack => "on-track",
            GoalStatus::OffTrack => "off-track",
            GoalStatus::Met => "met",
            GoalStatus::Missed => "missed",
        }
    }

    /// Its words for the HUD and the debrief: "too early", "on track", "off track", "met",
    /// "missed".
    pub fn words(self) -> &'static str {
        match self {
            GoalStatus::TooEarly => "too early",
            GoalStatus::OnTrack => "on track",
            GoalStatus::OffTrack => "off track",
            GoalStatus::Met => "met",
            GoalStatus::Missed => "missed",
        }
    }

    /// Whether the status is good news (on track or met): the HUD's green.
    pub fn is_good(self) -> bool {
        matches!(self, GoalStatus::OnTrack | GoalStatus::Met)
    }

    /// Whether the status is bad news (off track or missed): the HUD's red.
    pub fn is_bad(self) -> bool {
        matches!(self, GoalStatus::OffTrack | GoalStatus::Missed)
    }
}

/// A goal's standing in a run: its value now, whether it is met and its status.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GoalResult {
    /// The goal as a sentence: `deploys per day ≥ 10.0`.
    pub label: String,
    /// The metric's value now, in its unit; `null` when there is nothing to measure yet.
    pub value: Option<f64>,
    /// The value formatted in its unit (`—` when there is none).
    pub shown: String,
    /// Whether the goal holds by its bound now (at the end: whether it is met).
    pub met: bool,
    /// Its status: too early, on or off track, met or missed. Not serialized: it follows
    /// from `value`, `met` and the report's time, and the report's bytes are what the state
    /// hash digests ([`Simulation::state_hash`](crate::sim::Simulation::state_hash)), which
    /// a presentation field must not change.
    #[serde(skip_serializing)]
    pub status: GoalStatus,
}
impl Goal {
    /// The goal's standing in `report` (with `minutes_per_day` sim minutes to a workday),
    /// in a run that has `ended` or not.
    pub fn evaluate(&self, report: &RunReport, minutes_per_day: f64, ended: bool) -> GoalResult {
        let value = self.metric.measure(report, minutes_per_day);
        let met = self.met_by(value);
        GoalResult {
            label: self.label(),
            value,
            shown: value.map_or("—".into(), |v| self.metric.unit().format(v)),
            met,
            status: GoalStatus::of(met, value, report.days, ended),
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
/// Why a run earned the stars it did, by the [`stars`] rule, for the debrief's verdict:
/// every reason it fell short and what the next star needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// Stars earned, 0–3.
    pub stars: u8,
    /// The goals not met (indices into the level's goals, in level order): each alone
    /// withholds every star.
    pub missed: Vec<usize>,
    /// The lowest star threshold the score is below, money (`None`: the score reaches all
    /// three). With every goal met, the score the next star needs.
    pub next_threshold: Option<f64>,
    /// The first star's threshold, money: with the goals, what a pass needs.
    pub first_threshold: f64,
    /// The run's score, money.
    pub score: f64,
}

impl Verdict {
    /// The verdict of a run of `level` with `report`.
    pub fn of(level: &Level, report: &RunReport) -> Verdict {
        let missed = (report.goals.iter().enumerate())
            .filter(|(_, g)| !g.met)
            .map(|(i, _)| i)
            .collect();
        let next_threshold = level
            .scoring
            .stars
            .iter()
            .copied()
            .find(|&t| report.score < t);
        Verdict {
            stars: report.stars,
            missed,
            next_threshold,
            first_threshold: level.scoring.stars[0],
            score: report.score,
        }
    }

    /// Whether the run passed: at least one star.
    pub fn passed(&self) -> bool {
        self.stars > 0
    }
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
    /// By hint: the sim time it was given, once it was.
    given_at: Vec<Option<f64>>,
}

impl HintWatcher {
    /// A watcher for `level`'s hints, none given yet.
    pub fn new(level: &Level) -> Self {
        Self {
            since: vec![None; level.hints.len()],
            given_at: vec![None; level.hints.len()],
        }
    }

    /// Whether hint `i`, once given, is to be withdrawn now: it has been shown for at
    /// least [`rules::HINT_MIN_MINUTES`] of sim time and its trigger no longer holds, so
    /// it would speak of something the board no longer shows. (A hint on time alone,
    /// [`Trigger::After`], always holds and stays until dismissed.)
    pub fn withdrawn(&self, i: usize, sim: &Simulation) -> bool {
        let Some(at) = self.given_at.get(i).copied().flatten() else {
            return false;
        };
        sim.now() - at >= rules::HINT_MIN_MINUTES && !sim.level().hints[i].when.holds(sim)
    }

    /// The indices (into `level.hints`) of hints that became due since the last check.
    pub fn check(&mut self, sim: &Simulation) -> Vec<usize> {
        let now = sim.now();
        let mut due = Vec::new();
        for (i, hint) in sim.level().hints.iter().enumerate() {
            if self.given_at.get(i).is_none_or(Option::is_some) {
                continue;
            }
            if hint.when.holds(sim) {
                let start = *self.since[i].get_or_insert(now);
                if now - start >= hint.for_minutes {
                    self.given_at[i] = Some(now);
                    due.push(i);
                }
            } else {
                self.since[i] = None;
            }
        }
        due
    }
}
