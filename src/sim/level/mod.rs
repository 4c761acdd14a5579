//! Levels: the RON files in `levels/` that describe a value stream to play.
//!
//! A level names its work centers, its workers and their skills, the arrival streams of work
//! (each with a route of steps), the deploy step, the unplanned outages and the scoring. The
//! format is documented with a commented example in `docs/levels.md`. Every file in `levels/`
//! is embedded in the binary ([`EMBEDDED`]), so the web build plays without fetching assets.
//!
//! This module is the schema (the types a level file deserializes into) and the queries on
//! it; `load` embeds and parses level files, `validate` checks each section of the format.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::dist::Dist;

mod decision;
mod drill;
mod goals;
mod load;
mod validate;

pub use decision::Decision;
pub use drill::Drill;
pub use goals::{Goal, HintSpec, Metric, Trigger, Unit};

pub use load::{EMBEDDED, embedded_source};

/// The skill name that lets a worker fix outages (a key of [`WorkerSpec::skills`]).
pub const OUTAGE_SKILL: &str = "outages";

/// The four types of work of *The Phoenix Project*.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum WorkType {
    /// Business projects: features the business asked for; they carry value.
    Business,
    /// Internal IT projects: improvement work on the IT organisation itself.
    Internal,
    /// Changes: updates to production, released through the deploy step.
    Change,
    /// Unplanned work: outages and fire-fighting. It interrupts all the rest.
    Unplanned,
}

impl WorkType {
    /// All four, in display order.
    pub const ALL: [WorkType; 4] = [
        WorkType::Business,
        WorkType::Internal,
        WorkType::Change,
        WorkType::Unplanned,
    ];

    /// A short human label.
    pub fn label(self) -> &'static str {
        match self {
            WorkType::Business => "Business project",
            WorkType::Internal => "Internal project",
            WorkType::Change => "Change",
            WorkType::Unplanned => "Unplanned",
        }
    }

    /// The planned types (all but unplanned work), in display order: what the value stream
    /// delivers, what throughput and lead time count.
    pub const PLANNED: [WorkType; 3] = [WorkType::Business, WorkType::Internal, WorkType::Change];

    /// Index into per-type arrays, in the order of [`WorkType::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The key of this type in the report's per-type maps (`"Business"`).
    pub fn key(self) -> &'static str {
        match self {
            WorkType::Business => "Business",
            WorkType::Internal => "Internal",
            WorkType::Change => "Change",
            WorkType::Unplanned => "Unplanned",
        }
    }

    /// Whether this is a project (a business or an internal one): the work a freeze holds
    /// and an intake decision accepts or refuses. Changes and outages are not projects.
    pub fn is_project(self) -> bool {
        matches!(self, WorkType::Business | WorkType::Internal)
    }

    /// Whether this is planned work (anything but an outage).
    pub fn is_planned(self) -> bool {
        self != WorkType::Unplanned
    }
}

/// A whole level, as written in its RON file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// Short identifier, lowercase with dashes: `brent`, `ten-deploys`. Used on the command line.
    pub id: String,
    /// Title shown in the level select.
    pub title: String,
    /// One or two sentences for the level select: the situation the player walks into.
    #[serde(default)]
    pub briefing: String,
    /// Shown in the debrief: the idea this level lets the player feel, now named.
    #[serde(default)]
    pub lesson: String,
    /// Seed used when none is given. Teams given the same seed meet the same work.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Length of a run, in workdays.
    pub days: f64,
    /// The workday: sim time counts working minutes only.
    #[serde(default)]
    pub calendar: Calendar,
    /// The work centers, in value-stream order (upstream first).
    pub centers: Vec<CenterSpec>,
    /// The people who staff the centers and fix outages.
    pub workers: Vec<WorkerSpec>,
    /// Streams of arriving work.
    pub arrivals: Vec<ArrivalSpec>,
    /// Base-rate outages, the incident procedure and the cost of unplanned work. Absent: no
    /// outages at all.
    #[serde(default)]
    pub outages: Option<OutageSpec>,
    /// The production systems that changes touch and outages strike. Absent: one system,
    /// `production`.
    #[serde(default)]
    pub systems: Vec<String>,
    /// Change management: risk classes, the change advisory board, collisions, off-board
    /// changes. Absent: every change deploys as soon as its batch is full, at its base risk.
    #[serde(default)]
    pub changes: Option<ChangeSpec>,
    /// Improvement work the player can fund (internal IT projects that change the system).
    #[serde(default)]
    pub improvements: Vec<ImprovementSpec>,
    /// Initial share of every worker's time reserved for improvement work, 0–0.5 (the
    /// "20% time" dial). Default 0: improvements compete with planned work, oldest first.
    #[serde(default)]
    pub improvement_share: f64,
    /// Technical debt. Absent: none, and rushing work costs nothing later.
    #[serde(default)]
    pub debt: Option<DebtSpec>,
    /// How work is released from the backlog into the value stream.
    #[serde(default)]
    pub release: ReleaseSpec,
    /// The Westrum organisational culture: how fast outage signals reach people, and
    /// whether postmortems happen.
    #[serde(default)]
    pub culture: Culture,
    /// Money weights and star thresholds.
    #[serde(default)]
    pub scoring: ScoringSpec,
    /// The challenge: one to three measurable goals, shown before and during play. The first
    /// star needs every goal met ([`crate::sim::challenge::stars`]). Empty: the score alone.
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// The decisions the player may take in this level; the controls show only these and
    /// the core refuses the others. Absent: every decision (the sandbox, the capstone).
    #[serde(default)]
    pub decisions: Option<Vec<Decision>>,
    /// Hints shown once when the run's state calls for them.
    #[serde(default)]
    pub hints: Vec<HintSpec>,
    /// An improvement-kata drill: the run in rounds, standing decisions only between them
    /// ([`crate::sim::kata`]). Set by a facilitator's link ([`Level::with_drill`]) or in
    /// the file, where `days` must then be rounds × round_days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drill: Option<Drill>,
}

/// Westrum's typology of organisational culture (R. Westrum, "A typology of organisation
/// cultures", *Quality and Safety in Health Care* 13, 2004), as DORA uses it. The culture
/// multiplies the time to detect an outage (how fast bad news travels) and decides what a
/// blameless postmortem achieves; the table is in `docs/levels.md`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Culture {
    /// Power-oriented: messengers are shot. Detection takes 3× as long, and postmortems do
    /// not happen (nobody admits to a failure).
    Pathological,
    /// Rule-oriented: messengers are neglected. Detection takes 1.5× as long; postmortems
    /// take 1.5× the work and achieve half their effect (they end in a new rule).
    Bureaucratic,
    /// Performance-oriented: messengers are trained. Detection at its level-given time;
    /// postmortems at full effect.
    #[default]
    Generative,
}

impl Culture {
    /// All three, from worst to best.
    pub const ALL: [Culture; 3] = [
        Culture::Pathological,
        Culture::Bureaucratic,
        Culture::Generative,
    ];

    /// Factor on the time to detect an outage.
    pub fn detection_factor(self) -> f64 {
        match self {
            Culture::Pathological => 3.0,
            Culture::Bureaucratic => 1.5,
            Culture::Generative => 1.0,
        }
    }

    /// Factor on the work of a postmortem; `None`: postmortems do not happen.
    pub fn postmortem_work_factor(self) -> Option<f64> {
        match self {
            Culture::Pathological => None,
            Culture::Bureaucratic => Some(1.5),
            Culture::Generative => Some(1.0),
        }
    }

    /// Share of a postmortem's effect that is achieved, 0–1.
    pub fn postmortem_effect(self) -> f64 {
        match self {
            Culture::Pathological => 0.0,
            Culture::Bureaucratic => 0.5,
            Culture::Generative => 1.0,
        }
    }

    /// A short human label.
    pub fn label(self) -> &'static str {
        match self {
            Culture::Pathological => "Pathological",
            Culture::Bureaucratic => "Bureaucratic",
            Culture::Generative => "Generative",
        }
    }
}

/// The risk class of a change: how likely it is to break production, and whether it must
/// wait for the change advisory board.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Risk {
    /// Routine, well-understood: may be pre-approved.
    Standard,
    /// Needs the board's approval.
    Medium,
    /// Needs the board's approval.
    High,
}

impl Risk {
    /// All three, lowest first.
    pub const ALL: [Risk; 3] = [Risk::Standard, Risk::Medium, Risk::High];
}

/// The mix of risk classes in an arrival stream: weights, not necessarily summing to 1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskMix {
    /// Weight of standard changes. Default 1.
    #[serde(default = "one")]
    pub standard: f64,
    /// Weight of medium-risk changes. Default 0.
    #[serde(default)]
    pub medium: f64,
    /// Weight of high-risk changes. Default 0.
    #[serde(default)]
    pub high: f64,
}

impl Default for RiskMix {
    fn default() -> Self {
        Self {
            standard: 1.0,
            medium: 0.0,
            high: 0.0,
        }
    }
}

fn one() -> f64 {
    1.0
}

/// Change management. Every item that reaches the deploy step is a change to production.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeSpec {
    /// Factor on the deploy step's per-change failure probability p, by risk class
    /// `(standard, medium, high)`. Default `(1.0, 2.0, 4.0)`.
    #[serde(default = "default_risk_factors")]
    pub risk_factors: [f64; 3],
    /// The change advisory board (CAB). Absent: no board; every change deploys unreviewed.
    #[serde(default)]
    pub board: Option<BoardSpec>,
    /// Two changes to the same system deployed within this many sim minutes of each other
    /// collide. Default 0: only changes in the same deploy batch.
    #[serde(default)]
    pub collision_window: f64,
    /// Probability that one collision (a pair of changes to one system in one window)
    /// breaks production, on top of the changes' own risk. Default 0.
    #[serde(default)]
    pub collision_probability: f64,
    /// Whether the player may let changes bypass the board (under pressure). Default false.
    #[serde(default)]
    pub off_board_allowed: bool,
    /// Factor on an outage's diagnosis work when a change deployed off the board within the
    /// last workday is not on the recent-change list. Default 2.
    #[serde(default = "default_off_board_factor")]
    pub off_board_diagnosis_factor: f64,
}

fn default_risk_factors() -> [f64; 3] {
    [1.0, 2.0, 4.0]
}
fn default_off_board_factor() -> f64 {
    2.0
}

/// The change advisory board: it meets on a schedule and approves the changes waiting for
/// it. Medium- and high-risk changes always wait for it; standard changes too, unless
/// pre-approved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardSpec {
    /// Workdays between meetings (0.25 = four times a day). The player can change it.
    pub every_days: f64,
    /// Sim minutes into the first day of the first meeting. Default 0 (the start of day 1).
    #[serde(default)]
    pub first_at: f64,
    /// Most changes approved per meeting; the rest wait for the next one. Absent: all.
    #[serde(default)]
    pub approvals_per_meeting: Option<u32>,
    /// Whether standard changes are pre-approved at the start. The player can change it.
    #[serde(default)]
    pub pre_approve_standard: bool,
}

/// Who may do a piece of improvement work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Doer {
    /// Any worker.
    Anyone,
    /// Only constraint workers (Brent): paid with the constraint's time.
    Constraint,
    /// Workers with this skill (a center id or `outages`).
    Skill(String),
}

/// What a finished improvement changes in the system.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Effect {
    /// Deployment automation (SMED): multiplies the setup (changeover) time of the batches
    /// at `center` by `factor`.
    SetupTime { center: String, factor: f64 },
    /// Test automation: multiplies the per-change failure probability p by `factor`.
    DefectRate { factor: f64 },
    /// Documenting the constraint's knowledge: each of `learners` gains `step` speed at
    /// each of `skills` (center ids or `outages`), up to `max_speed`.
    ShareKnowledge {
        learners: Vec<String>,
        skills: Vec<String>,
        step: f64,
        max_speed: f64,
    },
    /// Monitoring: multiplies the time to detect an outage by `factor`.
    Detection { factor: f64 },
    /// Paying down technical debt: removes this many debt points.
    PayDebt { points: f64 },
    /// A change of culture (Westrum): from this round on, the organisation works in culture
    /// `to`: detection, and what postmortems cost and achieve, follow it. Culture is what
    /// people do, so it changes through practice: training, blameless postmortems held as
    /// a rule, leaders who reward the messenger.
    Culture { to: Culture },
    /// Nothing but the work itself.
    Nothing,
}

/// A kind of improvement work (an internal IT project that changes the system).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImprovementSpec {
    /// Identifier, used in commands: `deploy-automation`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// One sentence for the controls: what it does.
    #[serde(default)]
    pub description: String,
    /// Work of one round, in sim minutes at nominal speed (a worker's speed at their
    /// fastest skill that qualifies).
    pub work: Dist,
    /// Who may do it.
    pub by: Doer,
    /// What one finished round changes.
    pub effect: Effect,
    /// How many rounds can be done in a run; each has the full effect again. Default 1.
    #[serde(default = "one_u32")]
    pub max_rounds: u32,
}

fn one_u32() -> u32 {
    1
}

/// Technical debt, in points. It raises the base outage rate by `outage_rate_per_point`
/// per point, and compounds: it grows by `interest_per_day` (a fraction) each workday.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DebtSpec {
    /// Debt at the start, points. Default 0.
    #[serde(default)]
    pub initial: f64,
    /// Continuous growth rate per workday: debt D grows as D·e^(r·t/day). Default 0.
    #[serde(default)]
    pub interest_per_day: f64,
    /// Points added each time an item skips a skippable step (skipped QA). Default 0.
    #[serde(default)]
    pub per_skipped_step: f64,
    /// Points added for each expedited item. Default 0.
    #[serde(default)]
    pub per_expedite: f64,
    /// WIP above which the value stream counts as overloaded. Absent: never.
    #[serde(default)]
    pub overload_wip: Option<u32>,
    /// Points added per sim hour of overload. Default 0.
    #[serde(default)]
    pub per_overload_hour: f64,
    /// Relative increase of the base outage rate per point: rate = base × (1 + k·D).
    pub outage_rate_per_point: f64,
}

/// How work leaves the backlog.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseSpec {
    /// The initial release rule. Default `Push`.
    #[serde(default)]
    pub rule: ReleaseRule,
    /// The drum of drum-buffer-rope: the constraint's center. Absent: the first center that
    /// only constraint workers staff.
    #[serde(default)]
    pub drum: Option<String>,
}

/// The optional figures of a level's HUD ([`Level::hud`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HudFigures {
    /// DORA's four keys: where the level deploys (a center with a deploy step).
    pub dora: bool,
    /// Technical debt: where the level has debt.
    pub debt: bool,
    /// The Westrum culture: where it can move (an improvement changes it).
    pub culture: bool,
    /// The cost of unplanned work: where the level has outages or a goal on that cost.
    pub unplanned_cost: bool,
}

/// The release rule (Goldratt's drum-buffer-rope, *The Goal*, 1984, versus push).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReleaseRule {
    /// Everything that arrives enters the value stream at once (WIP limits permitting).
    #[default]
    Push,
    /// Work is released only while fewer than `buffer` released items still have the drum
    /// (the constraint's center) ahead of them: the rope ties release to the drum's pace.
    DrumBufferRope { buffer: u32 },
}

fn default_seed() -> u64 {
    1
}

/// The workday calendar. Sim time is measured in *working* minutes: minute 0 is the start of
/// day 1, minute `minutes_per_day` the start of day 2. Nights and weekends do not exist in sim
/// time, so rates "per day" mean per workday.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// Working minutes in a day. Default 480 (an eight-hour day).
    #[serde(default = "default_minutes_per_day")]
    pub minutes_per_day: f64,
    /// Clock time at which the day starts, in minutes after midnight. Default 540 (09:00).
    #[serde(default = "default_day_start")]
    pub day_starts_at: f64,
}

fn default_minutes_per_day() -> f64 {
    480.0
}
fn default_day_start() -> f64 {
    540.0
}

impl Default for Calendar {
    fn default() -> Self {
        Self {
            minutes_per_day: default_minutes_per_day(),
            day_starts_at: default_day_start(),
        }
    }
}

impl Calendar {
    /// The 1-based workday and the clock time (minutes after midnight) of sim time `t`
    /// (sim minutes).
    pub fn day_and_clock(&self, t: f64) -> (u32, f64) {
        let day = libm::floor(t / self.minutes_per_day);
        (
            day as u32 + 1,
            self.day_starts_at + (t - day * self.minutes_per_day),
        )
    }

    /// Formats sim time `t` (sim minutes) as `Day 3 10:42`.
    pub fn format(&self, t: f64) -> String {
        let (day, clock) = self.day_and_clock(t);
        let m = libm::floor(clock) as u64;
        format!("Day {day} {:02}:{:02}", (m / 60) % 24, m % 60)
    }
}

/// A work center: a station with a queue, where workers with its skill serve work items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CenterSpec {
    /// Identifier used in routes and skills: `dev`, `qa`, `ops`, `deploy`.
    pub id: String,
    /// Display name: "Development".
    pub name: String,
    /// Most items in service at once (parallel slots). Absent: as many as there are workers
    /// who have the skill.
    #[serde(default)]
    pub capacity: Option<u32>,
    /// Initial WIP limit: most items at the center (queued, in service, or done and waiting to
    /// move on). Absent: no limit. The player can change it.
    #[serde(default)]
    pub wip_limit: Option<u32>,
    /// Makes this the deploy step: it releases changes in batches.
    #[serde(default)]
    pub deploy: Option<DeploySpec>,
    /// Most items that may wait in the queue (not counting those in service). When it is
    /// full, an upstream worker who finishes an item bound here keeps it in their slot
    /// (blocking after service), and new arrivals wait in the backlog. Absent: unlimited.
    #[serde(default)]
    pub buffer: Option<u32>,
    /// Serves items in batches (a batch process: an oven, a test run, a release train).
    /// Not with `deploy`, whose batch it already is.
    #[serde(default)]
    pub batch: Option<BatchSpec>,
    /// Whether the player may have items skip this step (skipped QA), at a cost in
    /// technical debt. Default false.
    #[serde(default)]
    pub skippable: bool,
}

/// A batch process: one worker serves `size` items together, taking `setup` plus the items'
/// efforts at this step, back to back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchSpec {
    /// Items per batch; a batch starts only when this many are waiting. The player can
    /// change it.
    pub size: u32,
    /// Setup (changeover) time of one batch, sim minutes. Default 0.
    #[serde(default = "zero_effort")]
    pub setup: Dist,
}

/// The deploy step. Items reaching it wait until a batch of `batch_size` has gathered; a worker
/// then deploys the batch, taking `setup + n × per_item` minutes plus the items' efforts at
/// this step. A deploy of `n` changes with per-change failure probabilities `p_i` (the base
/// `failure_probability` times the factors of risk class, recurrence and test automation)
/// and `k` collisions fails with probability `1 − Π(1 − p_i)·(1 − q)^k`; a failed deploy
/// raises an outage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploySpec {
    /// Initial batch size, in items. The player can change it.
    pub batch_size: u32,
    /// Setup (changeover) time of one deploy, in sim minutes, whatever its size.
    pub setup: Dist,
    /// Work per item in the batch, in sim minutes. Default 0.
    #[serde(default)]
    pub per_item: f64,
    /// Probability `p` that one change breaks production.
    pub failure_probability: f64,
}

/// A worker and the centers they can work at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkerSpec {
    /// Name shown on the board.
    pub name: String,
    /// Center id (or [`OUTAGE_SKILL`]) → speed factor. 1.0 is nominal speed; 0.5 takes twice
    /// as long. A worker without a center's key cannot work there.
    pub skills: BTreeMap<String, f64>,
    /// Marks the constraint (Brent): the worker the player can protect.
    #[serde(default)]
    pub constraint: bool,
}

/// A stream of arriving work items of one type, all following the same route.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrivalSpec {
    /// Display name: "Feature requests".
    pub name: String,
    /// The type of work.
    pub work_type: WorkType,
    /// Time between arrivals, in sim minutes. `Exponential` gives a Poisson stream.
    pub interarrival: Dist,
    /// The steps, in order: the stream's default route.
    pub route: Vec<StepSpec>,
    /// Name of the default route, shown when the stream has alternatives. Default
    /// `"usual"`.
    #[serde(default = "default_route_name")]
    pub route_name: String,
    /// Other routes the player may choose for this stream (`ChooseRoute`). Every route's
    /// efforts are drawn on each arrival, so a choice never shifts the random streams.
    #[serde(default)]
    pub alternatives: Vec<RouteSpec>,
    /// Money earned when an item completes its route. Default 0.
    #[serde(default)]
    pub value: f64,
    /// Due date, in workdays after arrival (business projects). Absent: no due date.
    #[serde(default)]
    pub due_days: Option<f64>,
    /// Money earned instead of `value` when an item completes after its due date.
    /// Default 0.
    #[serde(default)]
    pub late_value: f64,
    /// The mix of risk classes of this stream's changes (drawn on arrival).
    #[serde(default)]
    pub risk: RiskMix,
    /// The systems (ids from the level's `systems`) this stream's changes touch; each item
    /// touches one, drawn uniformly on arrival. Empty: any of the level's systems.
    #[serde(default)]
    pub systems: Vec<String>,
    /// An improvement (an id in `improvements`) whose effect each completed item has, as
    /// one of its rounds (until its `max_rounds` are used up): internal IT projects that
    /// change the system when finished.
    #[serde(default)]
    pub improvement: Option<String>,
    /// Whether an arrival that finds the first center full (its WIP limit or buffer) is
    /// lost rather than kept in the backlog: a loss system such as M/M/1/K. Default false.
    #[serde(default)]
    pub lost_when_full: bool,
}

/// An alternative route of an arrival stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    /// Name, used in commands and shown in the controls: `"standard change"`.
    pub name: String,
    /// The steps, in order.
    pub route: Vec<StepSpec>,
}

fn default_route_name() -> String {
    "usual".into()
}

impl ArrivalSpec {
    /// The stream's routes: the default one first, then the alternatives, as
    /// (name, steps).
    pub fn routes(&self) -> impl Iterator<Item = (&str, &[StepSpec])> {
        std::iter::once((self.route_name.as_str(), self.route.as_slice())).chain(
            self.alternatives
                .iter()
                .map(|r| (r.name.as_str(), r.route.as_slice())),
        )
    }
}

/// One step of a route.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    /// The center id.
    pub center: String,
    /// Work at nominal speed, in sim minutes. At a batch or deploy step the batch takes its
    /// setup plus the efforts of its items. Default 0.
    #[serde(default = "zero_effort")]
    pub effort: Dist,
}

fn zero_effort() -> Dist {
    Dist::Fixed(0.0)
}

/// Unplanned outages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutageSpec {
    /// Outages that strike on their own (not from deploys), per workday: a Poisson process.
    #[serde(default)]
    pub base_rate_per_day: f64,
    /// Work to fix one outage at nominal speed, in sim minutes.
    pub fix_effort: Dist,
    /// Extra fix work per change in the failed deploy, in sim minutes: big batches are harder
    /// to diagnose. Default 0.
    #[serde(default)]
    pub fix_effort_per_change: f64,
    /// Money lost per hour (60 sim minutes) while an outage is unresolved.
    pub cost_per_hour: f64,
    /// Time from the failure until someone notices, sim minutes, before the culture's and
    /// monitoring's factors. Nobody works on an undetected outage. Default 0.
    #[serde(default = "zero_effort")]
    pub detect: Dist,
    /// Diagnosis work before the fix, sim minutes at nominal speed. Longer when an
    /// off-board change is missing from the recent-change list. Default 0.
    #[serde(default = "zero_effort")]
    pub diagnose: Dist,
    /// Blameless postmortems. Absent: the player cannot hold them.
    #[serde(default)]
    pub postmortem: Option<PostmortemSpec>,
}

/// A blameless postmortem of a fixed outage: it costs work and lowers the recurrence of
/// failures of that system.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostmortemSpec {
    /// Work, sim minutes at nominal speed, done by a worker who fixes outages.
    pub work: Dist,
    /// Factor on the failure rate of the outage's system (base-rate outages and changes to
    /// it), in (0, 1]; the culture scales the effect.
    pub recurrence_factor: f64,
}

/// How a run is scored: score = value of completed planned work − cost of unplanned work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringSpec {
    /// Scores needed for one, two and three stars, ascending.
    #[serde(default)]
    pub stars: [f64; 3],
}

impl Default for ScoringSpec {
    fn default() -> Self {
        Self {
            stars: [0.0, 0.0, 0.0],
        }
    }
}

impl Level {
    /// Index of the center with id `id`.
    pub fn center_index(&self, id: &str) -> Option<usize> {
        self.centers.iter().position(|c| c.id == id)
    }

    /// Whether the level offers the player `decision` (see [`Level::decisions`]).
    pub fn offers(&self, decision: Decision) -> bool {
        self.decisions
            .as_ref()
            .is_none_or(|d| d.contains(&decision))
    }

    /// This level played as `drill`: its length becomes rounds × round_days.
    ///
    /// # Errors
    /// A number of the drill out of range ([`Drill::check`]).
    pub fn with_drill(mut self, drill: Drill) -> Result<Level, String> {
        drill.check()?;
        self.days = drill.days();
        self.drill = Some(drill);
        Ok(self)
    }

    /// The deploy step's center: the first center with a `deploy` section, if any.
    pub fn deploy_center(&self) -> Option<usize> {
        self.centers.iter().position(|c| c.deploy.is_some())
    }

    /// Which figures the HUD shows for this level: a function of the level alone (its
    /// mechanics and goals), never of the player's progress, so every team on one link
    /// sees the same HUD. Throughput, WIP, backlog, lead time and the score always show.
    pub fn hud(&self) -> HudFigures {
        let goal_on = |m: fn(&Metric) -> bool| self.goals.iter().any(|g| m(&g.metric));
        HudFigures {
            dora: self.deploy_center().is_some(),
            debt: self.debt.is_some(),
            culture: self
                .improvements
                .iter()
                .any(|i| matches!(i.effect, Effect::Culture { .. })),
            unplanned_cost: self.outages.is_some()
                || goal_on(|m| matches!(m, Metric::UnplannedCost)),
        }
    }

    /// Length of a run in sim minutes.
    pub fn duration(&self) -> f64 {
        self.days * self.calendar.minutes_per_day
    }

    /// The systems of the level: its `systems`, or the single `production`.
    pub fn system_names(&self) -> Vec<String> {
        if self.systems.is_empty() {
            vec!["production".into()]
        } else {
            self.systems.clone()
        }
    }

    /// By center: whether it is the constraint's own work, which some constraint worker
    /// and no one else is skilled for in the level as written.
    pub fn constraint_centers(&self) -> Vec<bool> {
        self.centers
            .iter()
            .map(|c| {
                let mut staff = self.workers.iter().filter(|w| w.skills.contains_key(&c.id));
                let mut any = false;
                staff.all(|w| {
                    any = true;
                    w.constraint
                }) && any
            })
            .collect()
    }

    /// The drum center of drum-buffer-rope: `release.drum`, or else the first of the
    /// constraint's own centers ([`Level::constraint_centers`]).
    pub fn drum_center(&self) -> Option<usize> {
        match &self.release.drum {
            Some(id) => self.center_index(id),
            None => self.constraint_centers().iter().position(|own| *own),
        }
    }

    /// The events a run of `duration` sim minutes is expected to process, in total and by
    /// the field that causes them: every arrival and every step of its route, every outage
    /// (strike, detection, fix) at the base rate raised by the initial debt and its
    /// interest, every board meeting, and every sample. An estimate for bounding runs
    /// (see [`crate::sim::rules::MAX_EXPECTED_EVENTS`]), not a prediction: queues,
    /// interruptions and rescheduled events add a little, never orders of magnitude.
    pub fn expected_events(&self, duration: f64) -> f64 {
        self.event_estimate(duration).0
    }

    /// [`Level::expected_events`] with each part named by the field it comes from.
    fn event_estimate(&self, duration: f64) -> (f64, Vec<(String, f64)>) {
        let days = duration / self.calendar.minutes_per_day;
        let mut parts: Vec<(String, f64)> = Vec::new();
        for (i, a) in self.arrivals.iter().enumerate() {
            let items = duration / a.interarrival.mean();
            let steps = a.routes().map(|(_, r)| r.len()).max().unwrap_or(0);
            parts.push((
                format!("arrivals[{i}].interarrival"),
                items * (1 + steps) as f64,
            ));
        }
        if let Some(o) = &self.outages {
            let base = o.base_rate_per_day * days * 3.0;
            parts.push(("outages.base_rate_per_day".into(), base));
            if let Some(d) = &self.debt {
                // Mean debt over the run under interest alone: D0 (e^(rT) − 1)/(rT).
                let rt = d.interest_per_day * days;
                let growth = if rt > 1e-9 { libm::expm1(rt) / rt } else { 1.0 };
                let extra = base * d.outage_rate_per_point * d.initial * growth;
                let field = if d.interest_per_day > 0.0 {
                    "debt.interest_per_day"
                } else {
                    "debt.initial"
                };
                parts.push((field.into(), extra));
            }
        }
        if let Some(b) = self.changes.as_ref().and_then(|c| c.board.as_ref()) {
            parts.push(("changes.board.every_days".into(), days / b.every_days));
        }
        parts.push(("days".into(), duration / crate::sim::rules::SAMPLE_INTERVAL));
        let total = parts.iter().map(|(_, n)| n).sum();
        (total, parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_level_parses() {
        for (id, file, src) in EMBEDDED {
            let level = Level::parse(file, src).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                &level.id, id,
                "{file}: id does not match its entry in EMBEDDED"
            );
        }
    }

    #[test]
    fn calendar_formats_workdays() {
        let c = Calendar::default();
        assert_eq!(c.format(0.0), "Day 1 09:00");
        assert_eq!(c.format(479.0), "Day 1 16:59");
        assert_eq!(c.format(480.0 + 102.0), "Day 2 10:42");
    }
}
