//! Levels: the RON files in `levels/` that describe a value stream to play.
//!
//! A level names its work centers, its workers and their skills, the arrival streams of work
//! (each with a route of steps), the deploy step, the unplanned outages and the scoring. The
//! format is documented with a commented example in `docs/levels.md`. Every file in `levels/`
//! is embedded in the binary ([`EMBEDDED`]), so the web build plays without fetching assets.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::dist::Dist;
use super::error::InputError;

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

    /// Index into per-type arrays, in the order of [`WorkType::ALL`].
    pub fn index(self) -> usize {
        self as usize
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
    /// Base-rate outages and the cost of unplanned work. Absent: no outages at all.
    #[serde(default)]
    pub outages: Option<OutageSpec>,
    /// Money weights and star thresholds.
    #[serde(default)]
    pub scoring: ScoringSpec,
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
}

/// The deploy step. Items reaching it wait until a batch of `batch_size` has gathered; a worker
/// then deploys the batch, taking `setup + n × per_change` minutes. A deploy of `n` changes
/// fails with probability `1 − (1 − failure_probability)^n`, and a failed deploy raises an
/// outage.
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
    /// The steps, in order.
    pub route: Vec<StepSpec>,
    /// Money earned when an item completes its route. Default 0.
    #[serde(default)]
    pub value: f64,
}

/// One step of a route.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    /// The center id.
    pub center: String,
    /// Work at nominal speed, in sim minutes. Ignored at the deploy step, whose duration is its
    /// setup plus `per_item` work.
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

/// The levels shipped in `levels/`, embedded at compile time: (id, file name, RON source).
pub const EMBEDDED: &[(&str, &str, &str)] = &[
    (
        "brent",
        "levels/brent.ron",
        include_str!("../../levels/brent.ron"),
    ),
    (
        "ten-deploys",
        "levels/ten-deploys.ron",
        include_str!("../../levels/ten-deploys.ron"),
    ),
    (
        "mm1",
        "levels/mm1.ron",
        include_str!("../../levels/mm1.ron"),
    ),
];

impl Level {
    /// Parses and validates a level from RON `source`; `file` names it in errors.
    ///
    /// # Errors
    /// An [`InputError`] naming the file, the line and column where known, and the field: for
    /// RON syntax, unknown or missing fields, wrong types, and every check of
    /// [`Level::validate`].
    pub fn parse(file: &str, source: &str) -> Result<Level, InputError> {
        let options = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
        let level: Level = options
            .from_str(source)
            .map_err(|e| InputError::from_ron(file, source, &e))?;
        level.validate(file, source)?;
        Ok(level)
    }

    /// An embedded level by id (`brent`).
    pub fn embedded(id: &str) -> Option<Level> {
        Level::all_embedded().iter().find(|l| l.id == id).cloned()
    }

    /// All embedded levels, in campaign order, parsed once. Their validity is checked by the
    /// tests (`every_embedded_level_parses`), so a broken one can never ship.
    pub fn all_embedded() -> &'static [Level] {
        static LEVELS: std::sync::OnceLock<Vec<Level>> = std::sync::OnceLock::new();
        LEVELS.get_or_init(|| {
            EMBEDDED
                .iter()
                .map(|(_, file, src)| {
                    Level::parse(file, src)
                        .unwrap_or_else(|e| panic!("embedded level is invalid: {e}"))
                })
                .collect()
        })
    }

    /// Loads a level from a file path or, if no such file exists, an embedded level id.
    ///
    /// # Errors
    /// An [`InputError`] when the file cannot be read or is not a valid level, or when the
    /// name is neither a file nor an embedded id.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load(path_or_id: &str) -> Result<Level, InputError> {
        let path = std::path::Path::new(path_or_id);
        if path.exists() {
            let src = std::fs::read_to_string(path)
                .map_err(|e| InputError::file(path_or_id, format!("cannot read: {e}")))?;
            return Level::parse(path_or_id, &src);
        }
        Level::embedded(path_or_id).ok_or_else(|| {
            let ids: Vec<_> = EMBEDDED.iter().map(|(id, _, _)| *id).collect();
            InputError::file(
                path_or_id,
                format!(
                    "no such file, and not an embedded level (known: {})",
                    ids.join(", ")
                ),
            )
        })
    }

    /// Index of the center with id `id`.
    pub fn center_index(&self, id: &str) -> Option<usize> {
        self.centers.iter().position(|c| c.id == id)
    }

    /// Length of a run in sim minutes.
    pub fn duration(&self) -> f64 {
        self.days * self.calendar.minutes_per_day
    }

    /// Checks everything the RON types cannot: references between fields, ranges of numbers.
    ///
    /// # Errors
    /// The first problem found, as an [`InputError`] that names the field path (such as
    /// `arrivals[1].route[0].center`) and the line it is on.
    pub fn validate(&self, file: &str, source: &str) -> Result<(), InputError> {
        let err = |field: String, msg: String| InputError::at_field(file, source, field, msg);

        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(err(
                "id".into(),
                format!(
                    "{:?} must be non-empty lowercase letters, digits and dashes",
                    self.id
                ),
            ));
        }
        if !(self.days.is_finite() && self.days > 0.0 && self.days <= 3650.0) {
            return Err(err(
                "days".into(),
                format!("must be in (0, 3650], got {}", self.days),
            ));
        }
        let cal = &self.calendar;
        if !(cal.minutes_per_day.is_finite()
            && cal.minutes_per_day >= 1.0
            && cal.minutes_per_day <= 1440.0)
        {
            return Err(err(
                "calendar.minutes_per_day".into(),
                format!("must be in [1, 1440], got {}", cal.minutes_per_day),
            ));
        }
        if !(cal.day_starts_at.is_finite() && (0.0..1440.0).contains(&cal.day_starts_at)) {
            return Err(err(
                "calendar.day_starts_at".into(),
                format!("must be in [0, 1440), got {}", cal.day_starts_at),
            ));
        }
        if self.centers.is_empty() {
            return Err(err(
                "centers".into(),
                "a level needs at least one center".into(),
            ));
        }
        let mut ids = BTreeSet::new();
        let mut deploys = 0;
        for (i, c) in self.centers.iter().enumerate() {
            let f = |name: &str| format!("centers[{i}].{name}");
            if c.id.is_empty() || c.id == OUTAGE_SKILL {
                return Err(err(
                    f("id"),
                    format!("{:?} is not allowed as a center id", c.id),
                ));
            }
            if !ids.insert(c.id.as_str()) {
                return Err(err(f("id"), format!("duplicate center id {:?}", c.id)));
            }
            if c.capacity == Some(0) {
                return Err(err(f("capacity"), "must be at least 1".into()));
            }
            if c.wip_limit == Some(0) {
                return Err(err(f("wip_limit"), "must be at least 1".into()));
            }
            if let Some(d) = &c.deploy {
                deploys += 1;
                if d.batch_size == 0 || d.batch_size > MAX_BATCH {
                    return Err(err(
                        f("deploy.batch_size"),
                        format!("must be in [1, {MAX_BATCH}], got {}", d.batch_size),
                    ));
                }
                if let Some(w) = c.wip_limit
                    && w < d.batch_size
                {
                    return Err(err(
                        f("wip_limit"),
                        format!(
                            "a deploy center's WIP limit ({w}) below its batch size ({}) would never fill a batch",
                            d.batch_size
                        ),
                    ));
                }
                d.setup.check().map_err(|m| err(f("deploy.setup"), m))?;
                if !(d.per_item.is_finite() && d.per_item >= 0.0) {
                    return Err(err(
                        f("deploy.per_item"),
                        "must be a finite number >= 0".into(),
                    ));
                }
                if !(0.0..=1.0).contains(&d.failure_probability) {
                    return Err(err(
                        f("deploy.failure_probability"),
                        format!(
                            "is a probability: must be in [0, 1], got {}",
                            d.failure_probability
                        ),
                    ));
                }
            }
        }
        if deploys > 1 {
            return Err(err(
                "centers".into(),
                "at most one center may be a deploy step".into(),
            ));
        }

        if self.workers.is_empty() {
            return Err(err(
                "workers".into(),
                "a level needs at least one worker".into(),
            ));
        }
        let mut names = BTreeSet::new();
        for (i, w) in self.workers.iter().enumerate() {
            if !names.insert(w.name.as_str()) {
                return Err(err(
                    format!("workers[{i}].name"),
                    format!("duplicate worker name {:?}", w.name),
                ));
            }
            for (skill, speed) in &w.skills {
                if skill != OUTAGE_SKILL && !ids.contains(skill.as_str()) {
                    return Err(err(
                        format!("workers[{i}].skills"),
                        format!(
                            "unknown center {skill:?} (known: {}, or {OUTAGE_SKILL:?})",
                            ids.iter().copied().collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
                if !(speed.is_finite() && *speed > 0.0 && *speed <= 100.0) {
                    return Err(err(
                        format!("workers[{i}].skills"),
                        format!("speed of {skill:?} must be in (0, 100], got {speed}"),
                    ));
                }
            }
        }
        for (i, c) in self.centers.iter().enumerate() {
            if !self.workers.iter().any(|w| w.skills.contains_key(&c.id)) {
                return Err(err(
                    format!("centers[{i}].id"),
                    format!(
                        "no worker has the skill {:?}: nobody could work there",
                        c.id
                    ),
                ));
            }
        }

        if self.arrivals.is_empty() {
            return Err(err(
                "arrivals".into(),
                "a level needs at least one arrival stream".into(),
            ));
        }
        for (i, a) in self.arrivals.iter().enumerate() {
            let f = |name: &str| format!("arrivals[{i}].{name}");
            a.interarrival
                .check()
                .map_err(|m| err(f("interarrival"), m))?;
            if a.interarrival.mean() <= 0.0 {
                return Err(err(
                    f("interarrival"),
                    "mean time between arrivals must be > 0".into(),
                ));
            }
            if a.work_type == WorkType::Unplanned {
                return Err(err(
                    f("work_type"),
                    "unplanned work comes from outages (the `outages` section), not from arrival streams".into()));
            }
            if a.route.is_empty() {
                return Err(err(f("route"), "a route needs at least one step".into()));
            }
            if !(a.value.is_finite() && a.value >= 0.0) {
                return Err(err(
                    f("value"),
                    format!("must be a finite number >= 0, got {}", a.value),
                ));
            }
            for (j, s) in a.route.iter().enumerate() {
                let sf = |name: &str| format!("arrivals[{i}].route[{j}].{name}");
                let Some(ci) = self.center_index(&s.center) else {
                    return Err(err(
                        sf("center"),
                        format!(
                            "unknown center {:?} (known: {})",
                            s.center,
                            ids.iter().copied().collect::<Vec<_>>().join(", ")
                        ),
                    ));
                };
                s.effort.check().map_err(|m| err(sf("effort"), m))?;
                if self.centers[ci].deploy.is_some() && j + 1 != a.route.len() {
                    return Err(err(
                        sf("center"),
                        "the deploy step must be the last step of a route".into(),
                    ));
                }
            }
        }
        if let Some(o) = &self.outages {
            if !(o.base_rate_per_day.is_finite() && (0.0..=1000.0).contains(&o.base_rate_per_day)) {
                return Err(err(
                    "outages.base_rate_per_day".into(),
                    format!("must be in [0, 1000], got {}", o.base_rate_per_day),
                ));
            }
            o.fix_effort
                .check()
                .map_err(|m| err("outages.fix_effort".into(), m))?;
            if !(o.fix_effort_per_change.is_finite() && o.fix_effort_per_change >= 0.0) {
                return Err(err(
                    "outages.fix_effort_per_change".into(),
                    "must be a finite number >= 0".into(),
                ));
            }
            if !(o.cost_per_hour.is_finite() && o.cost_per_hour >= 0.0) {
                return Err(err(
                    "outages.cost_per_hour".into(),
                    "must be a finite number >= 0".into(),
                ));
            }
            if !self
                .workers
                .iter()
                .any(|w| w.skills.contains_key(OUTAGE_SKILL))
            {
                return Err(err(
                    "outages".into(),
                    format!(
                        "no worker has the skill {OUTAGE_SKILL:?}: outages could never be fixed"
                    ),
                ));
            }
        }
        if self.outages.is_none()
            && let Some(i) = self.centers.iter().position(|c| {
                c.deploy
                    .as_ref()
                    .is_some_and(|d| d.failure_probability > 0.0)
            })
        {
            return Err(err(
                format!("centers[{i}].deploy.failure_probability"),
                "failed deploys raise outages: add an `outages` section (or set the probability to 0)".into()));
        }
        let s = self.scoring.stars;
        if !(s.iter().all(|v| v.is_finite()) && s[0] <= s[1] && s[1] <= s[2]) {
            return Err(err(
                "scoring.stars".into(),
                format!("thresholds must be finite and ascending, got {s:?}"),
            ));
        }
        Ok(())
    }
}

/// The largest deploy batch size a level or a player may set.
pub const MAX_BATCH: u32 = 1000;

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
