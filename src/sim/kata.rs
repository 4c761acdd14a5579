//! Improvement-kata drills: a run split into rounds, and the team's storyboard.
//!
//! A **drill** ([`Drill`]) plays a level for `rounds` rounds of `round_days` workdays each
//! (the run lasts rounds × round_days, whatever the level's own length). Standing decisions
//! (WIP limits, batch sizes, the release rule, staffing, …: every [`Action`](crate::sim::Action) that is not
//! [operational](crate::sim::Action::is_operational)) change only between rounds, as the kata's
//! experiment; the core refuses them during a round, so a replayed log cannot go around the
//! rule. Operational decisions (triage, expedite, refuse, a postmortem) stay available.
//!
//! The **storyboard** ([`Storyboard`]) is Toyota Kata's improvement-kata storyboard (M.
//! Rother, *Toyota Kata*, 2009; the "Improvement Kata Handbook"): the challenge, and per
//! round the current condition, the target condition, the obstacle addressed now, the
//! experiment with its predicted outcome, the measured result and what was learned. The
//! game measures the current condition and the result ([`measure_rounds`]); a run file's
//! verification checks the recorded figures against a replay.

use serde::{Deserialize, Serialize};

use super::challenge::{Goal, Metric, Unit};
use super::command::Command;
use super::engine::Simulation;
pub use super::level::Drill;
use super::level::{Level, WorkType};
use super::metrics::RunReport;

impl Metric {
    /// The metrics a storyboard's target condition may name: those that can be measured
    /// over one round ([`Metric::over_window`]).
    pub fn kata_metrics() -> Vec<Metric> {
        let mut m = vec![
            Metric::Score,
            Metric::ThroughputPerDay,
            Metric::DeploysPerDay,
            Metric::ChangeFailureRate,
            Metric::MeanWip,
            Metric::UnplannedCost,
            Metric::ConstraintOutageShare,
            Metric::Collisions,
            Metric::Debt,
        ];
        m.extend(WorkType::PLANNED.map(|work_type| Metric::Completed { work_type }));
        m
    }

    /// The metric measured over the window from `before` (`None`: the start of the run) to
    /// `after`, in its unit; `None` when it cannot be measured over a window (quantiles and
    /// means over items: lead times, recovery and restore times) or there is nothing to
    /// measure (no deploy in the window for the change failure rate).
    ///
    /// Counts and money are the difference between the two reports; per-day rates divide
    /// it by the window's workdays; time averages (mean WIP, utilization, a worker's share
    /// on outages) are `(x₁·t₁ − x₀·t₀)/(t₁ − t₀)`, exact for a time average from the start
    /// of the run; technical debt is its level at `after`.
    pub fn over_window(
        &self,
        before: Option<&RunReport>,
        after: &RunReport,
        minutes_per_day: f64,
    ) -> Option<f64> {
        let Some(b) = before else {
            return self.measure(after, minutes_per_day);
        };
        let (t0, t1) = (b.sim_time, after.sim_time);
        let span = t1 - t0;
        if span <= 0.0 {
            return None;
        }
        let days = span / minutes_per_day;
        let diff = |f: &dyn Fn(&RunReport) -> f64| f(after) - f(b);
        let time_avg = |f: &dyn Fn(&RunReport) -> f64| (f(after) * t1 - f(b) * t0) / span;
        let planned = |r: &RunReport| -> f64 {
            WorkType::PLANNED
                .iter()
                .map(|t| r.run.completed.get(t.key()).copied().unwrap_or(0) as f64)
                .sum()
        };
        match self {
            Metric::Score => Some(diff(&|r| r.score)),
            Metric::UnplannedCost => Some(diff(&|r| r.run.unplanned_cost)),
            Metric::Collisions => Some(diff(&|r| r.run.collisions as f64)),
            Metric::Completed { work_type } => Some(diff(&|r| {
                r.run.completed.get(work_type.key()).copied().unwrap_or(0) as f64
            })),
            Metric::DeploysPerDay => Some(diff(&|r| r.run.deploys as f64) / days),
            Metric::ThroughputPerDay => Some(diff(&planned) / days),
            Metric::ChangeFailureRate => {
                let failed =
                    |r: &RunReport| (r.run.change_failure_rate * r.run.deploys as f64).round();
                let deploys = diff(&|r| r.run.deploys as f64);
                (deploys > 0.0).then(|| diff(&failed) / deploys)
            }
            Metric::MeanWip => Some(time_avg(&|r| r.run.mean_wip)),
            Metric::ConstraintOutageShare => after
                .workers
                .iter()
                .zip(&b.workers)
                .filter(|(w, _)| w.constraint)
                .map(|(w1, w0)| {
                    (w1.unplanned_utilization * t1 - w0.unplanned_utilization * t0) / span
                })
                .reduce(f64::max),
            Metric::Utilization { center } => {
                let u = |r: &RunReport| {
                    r.centers
                        .iter()
                        .find(|c| &c.id == center)
                        .map_or(0.0, |c| c.utilization)
                };
                Some(time_avg(&u))
            }
            Metric::Debt => Some(after.run.debt),
            _ => None,
        }
    }
}

/// One measured figure of a condition: a metric and its value over a round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// What was measured.
    pub metric: Metric,
    /// Its value in the metric's unit; `null` when there was nothing to measure.
    pub value: Option<f64>,
}

impl Figure {
    /// `label: value` in the metric's unit.
    pub fn shown(&self) -> String {
        format!(
            "{}: {}",
            self.metric.label(),
            format_value(&self.metric, self.value)
        )
    }
}

/// One round of the improvement kata, as the team wrote it and the game measured it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KataRound {
    /// The current condition: every [kata metric](Metric::kata_metrics) measured over the
    /// previous round (for the first round, over the first round of a baseline run of the
    /// same level and seed with no decisions).
    pub current_condition: Vec<Figure>,
    /// The target condition: a metric, a direction and a number.
    pub target: Goal,
    /// The obstacle the team addresses now.
    #[serde(default)]
    pub obstacle: String,
    /// The experiment: the change the team makes for this round.
    #[serde(default)]
    pub experiment: String,
    /// The predicted value of the target's metric over this round, in its unit.
    pub prediction: f64,
    /// The target's metric measured over this round, once it has been played.
    #[serde(default)]
    pub result: Option<f64>,
    /// "What did we learn?", written after the round.
    #[serde(default)]
    pub learned: String,
}

impl KataRound {
    /// Whether the measured result met the target condition (`None` before the round ends).
    pub fn target_met(&self) -> Option<bool> {
        self.result.map(|v| self.target.met_by(Some(v)))
    }
}

/// The improvement-kata storyboard of a drill.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Storyboard {
    /// The challenge, from the level (its goals and briefing).
    #[serde(default)]
    pub challenge: String,
    /// The rounds planned so far, in order.
    #[serde(default)]
    pub rounds: Vec<KataRound>,
}

impl Storyboard {
    /// The challenge of `level` in words: its briefing and its goals.
    pub fn challenge_of(level: &Level) -> String {
        let goals: Vec<String> = level.goals.iter().map(Goal::label).collect();
        if goals.is_empty() {
            level.briefing.clone()
        } else {
            format!("{} Goals: {}.", level.briefing, goals.join("; "))
        }
    }
}

/// Every kata metric of `level` measured over a window: see [`Metric::over_window`].
pub fn condition(level: &Level, before: Option<&RunReport>, after: &RunReport) -> Vec<Figure> {
    let mpd = level.calendar.minutes_per_day;
    Metric::kata_metrics()
        .into_iter()
        .map(|metric| Figure {
            value: metric.over_window(before, after, mpd),
            metric,
        })
        .collect()
}

/// The first round's current condition: `level` (with its drill) played on `seed` with no
/// decisions, measured over the first round.
///
/// # Errors
/// When the level has no drill.
pub fn baseline_condition(level: &Level, seed: u64) -> Result<Vec<Figure>, String> {
    let drill = level.drill.ok_or("the level has no drill")?;
    let mut sim = Simulation::new(level.clone(), seed);
    sim.advance_to(drill.boundary(1, level.calendar.minutes_per_day));
    Ok(condition(level, None, &sim.report()))
}

/// The reports of a run at each round boundary it has reached (index k: the end of round
/// k), replaying `commands` on `level` and `seed` up to `until` sim minutes. A command at a
/// boundary is applied after that boundary's report: it belongs to the next round.
///
/// # Errors
/// When the level has no drill, or a command does not replay (its index and reason).
pub fn measure_rounds(
    level: &Level,
    seed: u64,
    commands: &[Command],
    until: f64,
) -> Result<(Simulation, Vec<RunReport>), String> {
    let drill = level.drill.ok_or("the level has no drill")?;
    let mpd = level.calendar.minutes_per_day;
    let mut sim = Simulation::new(level.clone(), seed);
    sim.keep_item_history();
    let mut reports = Vec::new();
    let mut next = 1;
    let mut snap = |sim: &mut Simulation, upto: f64, reports: &mut Vec<RunReport>| {
        while next <= drill.rounds && drill.boundary(next, mpd) <= upto {
            sim.advance_to(drill.boundary(next, mpd));
            reports.push(sim.report());
            next += 1;
        }
    };
    for (i, c) in commands.iter().enumerate() {
        snap(&mut sim, c.at, &mut reports);
        sim.apply_log(std::slice::from_ref(c))
            .map_err(|e| e.replacen("command 0", &format!("command {i}"), 1))?;
    }
    snap(&mut sim, until, &mut reports);
    sim.advance_to(until);
    Ok((sim, reports))
}

/// Where a drill stands: the team plans a round, plays it, reviews its result, and so on
/// until every round is played and reviewed (the improvement kata's PDCA, one cycle a round).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DrillPhase {
    /// Round `round` (0-based) has no plan yet: the clock stands still.
    Plan { round: usize },
    /// Round `round` is under way.
    Play { round: usize },
    /// Round `round` was just played: the team reviews its measured result.
    Review { round: usize },
    /// Every round is played and reviewed (or the run is not a drill).
    Done,
}

/// A drill as it is played: the run's report at each round boundary reached, the round
/// under review, and the current condition of the round being planned. The shell draws it
/// and forwards the team's input; the rules (when the clock may move, when a round ends,
/// what is measured over it) are here, so they are the same live as in a verified replay
/// ([`measure_rounds`]).
#[derive(Clone, Debug, Default)]
pub struct DrillRun {
    /// The report at the end of each round reached (index k: the end of round k).
    reports: Vec<RunReport>,
    /// The round whose result is being reviewed.
    reviewing: Option<usize>,
    /// The current condition of the round being planned, measured once per round.
    current: Option<(usize, Vec<Figure>)>,
}

impl DrillRun {
    /// The drill of `sim` as it stands, also for a run resumed mid-way: the boundary
    /// reports so far, by replay (none when the commands do not replay).
    pub fn resume(sim: &Simulation) -> DrillRun {
        let reports = measure_rounds(sim.level(), sim.seed(), sim.commands(), sim.now())
            .map(|(_, r)| r)
            .unwrap_or_default();
        DrillRun {
            reports,
            ..DrillRun::default()
        }
    }

    /// The run's report at the end of each round reached.
    pub fn reports(&self) -> &[RunReport] {
        &self.reports
    }

    /// The round (0-based) under review, if any.
    pub fn reviewing(&self) -> Option<usize> {
        self.reviewing
    }

    /// Where the drill stands in `sim` with the team's `story`.
    pub fn phase(&self, sim: &Simulation, story: &Storyboard) -> DrillPhase {
        let Some(d) = sim.level().drill else {
            return DrillPhase::Done;
        };
        if let Some(round) = self.reviewing {
            return DrillPhase::Review { round };
        }
        if sim.is_finished() {
            return DrillPhase::Done;
        }
        let round = d.round_at(sim.now(), sim.level().calendar.minutes_per_day) as usize;
        if story.rounds.len() <= round {
            DrillPhase::Plan { round }
        } else {
            DrillPhase::Play { round }
        }
    }

    /// How far the clock may move from now toward `target` (sim minutes): `None` while the
    /// round under way has no plan, else `target` but never past the round's end, so that
    /// every round ends exactly on its boundary. Without a drill, `target`.
    pub fn clock_limit(
        &self,
        sim: &Simulation,
        story: Option<&Storyboard>,
        target: f64,
    ) -> Option<f64> {
        let (Some(d), Some(story)) = (sim.level().drill, story) else {
            return Some(target);
        };
        let mpd = sim.level().calendar.minutes_per_day;
        let k = d.round_at(sim.now(), mpd);
        (story.rounds.len() > k as usize).then(|| target.min(d.boundary(k + 1, mpd)))
    }

    /// After the clock moved: when `sim` stands on the end of a round not yet measured, its
    /// report is kept, the round's result (its target's metric over the round) is written
    /// into `story`, and the round goes under review. Returns that round (0-based), for the
    /// shell to pause the clock; `None` otherwise.
    pub fn after_advance(
        &mut self,
        sim: &Simulation,
        story: Option<&mut Storyboard>,
    ) -> Option<usize> {
        let d = sim.level().drill?;
        let mpd = sim.level().calendar.minutes_per_day;
        let now = sim.now();
        let j = (1..=d.rounds).find(|&j| d.boundary(j, mpd) == now)? as usize;
        if self.reports.len() >= j {
            return None;
        }
        self.reports.push(sim.report());
        let before = j.checked_sub(2).and_then(|i| self.reports.get(i));
        let after = &self.reports[j - 1];
        if let Some(round) = story.and_then(|s| s.rounds.get_mut(j - 1)) {
            round.result = round.target.metric.over_window(before, after, mpd);
            self.reviewing = Some(j - 1);
        }
        Some(j - 1)
    }

    /// The team closed the review of the round just played.
    pub fn end_review(&mut self) {
        self.reviewing = None;
    }

    /// The current condition for planning round `round` (0-based): every kata metric
    /// measured over the previous round, or for the first round over the first round of a
    /// baseline run with no decisions ([`baseline_condition`]). Measured once per round.
    pub fn current_condition(&mut self, sim: &Simulation, round: usize) -> &[Figure] {
        if self.current.as_ref().is_none_or(|(i, _)| *i != round) {
            let level = sim.level();
            let figures = if round == 0 {
                baseline_condition(level, sim.seed()).unwrap_or_default()
            } else {
                let before = round.checked_sub(2).and_then(|i| self.reports.get(i));
                self.reports
                    .get(round - 1)
                    .map(|after| condition(level, before, after))
                    .unwrap_or_default()
            };
            self.current = Some((round, figures));
        }
        self.current.as_ref().map_or(&[][..], |(_, c)| c.as_slice())
    }
}

/// The first storyboard figure that differs from what a replay measures, as (field,
/// recorded, replayed). `reports[k]` is the report at the end of round k.
pub fn storyboard_difference(
    level: &Level,
    seed: u64,
    story: &Storyboard,
    reports: &[RunReport],
) -> Option<(String, String, String)> {
    let mpd = level.calendar.minutes_per_day;
    let show = |v: Option<f64>| format!("{v:?}");
    for (k, round) in story.rounds.iter().enumerate() {
        let expected = if k == 0 {
            baseline_condition(level, seed).ok()
        } else {
            reports
                .get(k - 1)
                .map(|after| condition(level, k.checked_sub(2).and_then(|j| reports.get(j)), after))
        };
        if let Some(expected) = expected {
            for (i, (got, want)) in round.current_condition.iter().zip(&expected).enumerate() {
                if got != want {
                    return Some((
                        format!("storyboard.rounds[{k}].current_condition[{i}]"),
                        show(got.value),
                        show(want.value),
                    ));
                }
            }
            if round.current_condition.len() != expected.len() {
                return Some((
                    format!("storyboard.rounds[{k}].current_condition"),
                    format!("{} figures", round.current_condition.len()),
                    format!("{} figures", expected.len()),
                ));
            }
        }
        // A result belongs only to a round played to its end, and then it is the measure.
        let replayed = reports.get(k).map(|after| {
            round.target.metric.over_window(
                k.checked_sub(1).and_then(|j| reports.get(j)),
                after,
                mpd,
            )
        });
        let differs = match replayed {
            None => round.result.is_some(),
            Some(v) => round.result != v,
        };
        if differs {
            return Some((
                format!("storyboard.rounds[{k}].result"),
                show(round.result),
                show(replayed.flatten()),
            ));
        }
    }
    None
}

/// Formats a prediction or a result of `metric` in its unit.
pub fn format_value(metric: &Metric, v: Option<f64>) -> String {
    v.map_or("—".into(), |v| metric.unit().format(v))
}

/// The unit of a storyboard metric, for input fields: a share is typed as 0–1.
pub fn input_hint(metric: &Metric) -> &'static str {
    match metric.unit() {
        Unit::Share => "a share, 0–1",
        Unit::Days => "workdays",
        Unit::Hours => "hours",
        Unit::Money => "money",
        Unit::Number => "a number",
    }
}
