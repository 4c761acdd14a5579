//! Level validation: everything the RON types cannot check, one function per section of the
//! format (in the order `docs/levels.md` documents them). Ranges come from
//! [`crate::sim::rules`], the one place commands and the shell read them too.

use std::collections::BTreeSet;

use super::{Doer, Effect, Level, OUTAGE_SKILL, ReleaseRule, WorkType, WorkerSpec};
use crate::sim::error::InputError;
use crate::sim::rules::{self, Bounds};

/// Reports problems of one level file, located by field path.
struct Checker<'a> {
    file: &'a str,
    source: &'a str,
}

type Checked = Result<(), InputError>;

impl Checker<'_> {
    fn err(&self, field: impl Into<String>, msg: impl Into<String>) -> InputError {
        InputError::at_field(self.file, self.source, field, msg)
    }
    /// `v` within `bounds`.
    fn bounds<T: PartialOrd + Copy + std::fmt::Display + std::fmt::Debug>(
        &self,
        field: impl Into<String>,
        v: T,
        bounds: Bounds<T>,
    ) -> Checked {
        bounds.check(v).map_err(|m| self.err(field, m))
    }
    /// A finite `v` in [lo, hi].
    fn range(&self, field: String, v: f64, lo: f64, hi: f64) -> Checked {
        if v.is_finite() && v >= lo && v <= hi {
            Ok(())
        } else {
            Err(self.err(field, format!("must be in [{lo}, {hi}], got {v}")))
        }
    }
    /// A finite `v` within `bounds` (the message as [`Checker::range`]'s).
    fn finite(&self, field: String, v: f64, bounds: Bounds<f64>) -> Checked {
        self.range(field, v, bounds.min, bounds.max)
    }
    /// A finite `v` in (0, hi].
    fn positive(&self, field: String, v: f64, hi: f64) -> Checked {
        if v.is_finite() && v > 0.0 && v <= hi {
            Ok(())
        } else {
            Err(self.err(field, format!("must be in (0, {hi}], got {v}")))
        }
    }
    /// A distribution's own parameters.
    fn dist(&self, field: String, d: &crate::sim::Dist) -> Checked {
        d.check().map_err(|m| self.err(field, m))
    }
}

impl Level {
    /// Checks everything the RON types cannot: references between fields, ranges of numbers,
    /// and that a run of the level stays within [`rules::MAX_EXPECTED_EVENTS`].
    ///
    /// # Errors
    /// The first problem found, as an [`InputError`] that names the field path (such as
    /// `arrivals[1].route[0].center`) and the line it is on.
    pub fn validate(&self, file: &str, source: &str) -> Result<(), InputError> {
        let c = Checker { file, source };
        self.check_meta(&c)?;
        self.check_centers(&c)?;
        self.check_workers(&c)?;
        self.check_systems(&c)?;
        self.check_arrivals(&c)?;
        self.check_outages(&c)?;
        self.check_changes(&c)?;
        self.check_improvements(&c)?;
        self.check_debt(&c)?;
        self.check_release(&c)?;
        self.check_scoring(&c)?;
        self.check_challenge(&c)?;
        self.check_event_count(&c)
    }

    /// `id`, `days` and `calendar`.
    fn check_meta(&self, c: &Checker) -> Checked {
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(c.err(
                "id",
                format!(
                    "{:?} must be non-empty lowercase letters, digits and dashes",
                    self.id
                ),
            ));
        }
        rules::check_days(self.days).map_err(|m| c.err("days", m))?;
        if let Some(drill) = &self.drill {
            drill.check().map_err(|e| c.err("drill", e))?;
            if (drill.days() - self.days).abs() > 1e-9 * self.days {
                return Err(c.err(
                    "days",
                    format!(
                        "a drill of {} rounds of {} workdays lasts {} workdays, but days is {}",
                        drill.rounds,
                        drill.round_days,
                        drill.days(),
                        self.days
                    ),
                ));
            }
        }
        let cal = &self.calendar;
        c.bounds(
            "calendar.minutes_per_day",
            cal.minutes_per_day,
            rules::MINUTES_PER_DAY,
        )?;
        if !(cal.day_starts_at.is_finite() && (0.0..1440.0).contains(&cal.day_starts_at)) {
            return Err(c.err(
                "calendar.day_starts_at",
                format!("must be in [0, 1440), got {}", cal.day_starts_at),
            ));
        }
        Ok(())
    }

    /// `centers`: ids, capacity, WIP limits, buffers, batch processes, the deploy step and
    /// skippable steps.
    fn check_centers(&self, c: &Checker) -> Checked {
        if self.centers.is_empty() {
            return Err(c.err("centers", "a level needs at least one center"));
        }
        let mut ids = BTreeSet::new();
        for (i, center) in self.centers.iter().enumerate() {
            let f = |name: &str| format!("centers[{i}].{name}");
            if center.id.is_empty() || center.id == OUTAGE_SKILL {
                return Err(c.err(
                    f("id"),
                    format!("{:?} is not allowed as a center id", center.id),
                ));
            }
            if !ids.insert(center.id.as_str()) {
                return Err(c.err(f("id"), format!("duplicate center id {:?}", center.id)));
            }
            if center.capacity == Some(0) {
                return Err(c.err(f("capacity"), "must be at least 1"));
            }
            if let Some(w) = center.wip_limit {
                c.bounds(f("wip_limit"), w, rules::WIP_LIMIT)?;
            }
            let batch = match (&center.batch, &center.deploy) {
                (Some(_), Some(_)) => {
                    return Err(c.err(
                        f("batch"),
                        "a deploy step already works in batches: set its deploy.batch_size instead",
                    ));
                }
                (None, Some(d)) => {
                    c.bounds(f("deploy.batch_size"), d.batch_size, rules::BATCH_SIZE)?;
                    c.dist(f("deploy.setup"), &d.setup)?;
                    c.range(f("deploy.per_item"), d.per_item, 0.0, rules::MAX_DURATION)?;
                    if !(0.0..=1.0).contains(&d.failure_probability) {
                        return Err(c.err(
                            f("deploy.failure_probability"),
                            format!(
                                "is a probability: must be in [0, 1], got {}",
                                d.failure_probability
                            ),
                        ));
                    }
                    Some(d.batch_size)
                }
                (Some(b), None) => {
                    c.bounds(f("batch.size"), b.size, rules::BATCH_SIZE)?;
                    c.dist(f("batch.setup"), &b.setup)?;
                    Some(b.size)
                }
                (None, None) => None,
            };
            if let Some(size) = batch
                && let Err(misfit) = rules::batch_fits(size, center.wip_limit, center.buffer)
            {
                return Err(c.err(f(misfit.field()), misfit.to_string()));
            }
            if center.skippable && center.deploy.is_some() {
                return Err(c.err(
                    f("skippable"),
                    "the deploy step cannot be skipped: it is how changes reach production",
                ));
            }
        }
        if self.centers.iter().filter(|c| c.deploy.is_some()).count() > 1 {
            return Err(c.err("centers", "at most one center may be a deploy step"));
        }
        Ok(())
    }

    /// `workers`: names and skills, and that every center has someone to staff it.
    fn check_workers(&self, c: &Checker) -> Checked {
        if self.workers.is_empty() {
            return Err(c.err("workers", "a level needs at least one worker"));
        }
        let mut names = BTreeSet::new();
        for (i, w) in self.workers.iter().enumerate() {
            if !names.insert(w.name.as_str()) {
                return Err(c.err(
                    format!("workers[{i}].name"),
                    format!("duplicate worker name {:?}", w.name),
                ));
            }
            for (skill, speed) in &w.skills {
                if skill != OUTAGE_SKILL && self.center_index(skill).is_none() {
                    return Err(c.err(
                        format!("workers[{i}].skills"),
                        format!(
                            "unknown center {skill:?} (known: {}, or {OUTAGE_SKILL:?})",
                            self.known_centers()
                        ),
                    ));
                }
                rules::SKILL_SPEED.check(*speed).map_err(|m| {
                    c.err(
                        format!("workers[{i}].skills"),
                        format!("speed of {skill:?} {m}"),
                    )
                })?;
            }
        }
        for (i, center) in self.centers.iter().enumerate() {
            if !self
                .workers
                .iter()
                .any(|w| w.skills.contains_key(&center.id))
            {
                return Err(c.err(
                    format!("centers[{i}].id"),
                    format!(
                        "no worker has the skill {:?}: nobody could work there",
                        center.id
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The center ids, sorted and comma-separated, for "unknown center" messages.
    fn known_centers(&self) -> String {
        let ids: BTreeSet<&str> = self.centers.iter().map(|c| c.id.as_str()).collect();
        ids.into_iter().collect::<Vec<_>>().join(", ")
    }

    /// `systems`: non-empty, unique ids.
    fn check_systems(&self, c: &Checker) -> Checked {
        let mut seen = BTreeSet::new();
        for (i, s) in self.systems.iter().enumerate() {
            if s.is_empty() || !seen.insert(s.as_str()) {
                return Err(c.err(
                    format!("systems[{i}]"),
                    format!("{s:?}: system ids must be non-empty and unique"),
                ));
            }
        }
        Ok(())
    }

    /// One route of an arrival stream, at field path `path`: known centers, valid efforts,
    /// the deploy step last.
    fn check_route(&self, c: &Checker, path: &str, steps: &[super::StepSpec]) -> Checked {
        if steps.is_empty() {
            return Err(c.err(path, "a route needs at least one step"));
        }
        for (j, s) in steps.iter().enumerate() {
            let sf = |name: &str| format!("{path}[{j}].{name}");
            let Some(ci) = self.center_index(&s.center) else {
                return Err(c.err(
                    sf("center"),
                    format!(
                        "unknown center {:?} (known: {})",
                        s.center,
                        self.known_centers()
                    ),
                ));
            };
            c.dist(sf("effort"), &s.effort)?;
            if self.centers[ci].deploy.is_some() && j + 1 != steps.len() {
                return Err(c.err(
                    sf("center"),
                    "the deploy step must be the last step of a route",
                ));
            }
        }
        Ok(())
    }

    /// `goals`, `decisions` and `hints`: at most [`rules::MAX_GOALS`] goals, each with exactly
    /// one finite bound on a metric of a known center; decisions listed once each; hints
    /// with text and triggers naming known centers and workers.
    fn check_challenge(&self, c: &Checker) -> Checked {
        if self.goals.len() > rules::MAX_GOALS {
            return Err(c.err(
                "goals",
                format!(
                    "at most {} goals, got {}",
                    rules::MAX_GOALS,
                    self.goals.len()
                ),
            ));
        }
        for (i, g) in self.goals.iter().enumerate() {
            let f = |name: &str| format!("goals[{i}].{name}");
            match (g.at_least, g.at_most) {
                (Some(v), None) => c.finite(f("at_least"), v, rules::GOAL_BOUND)?,
                (None, Some(v)) => c.finite(f("at_most"), v, rules::GOAL_BOUND)?,
                _ => {
                    return Err(c.err(
                        f("metric"),
                        "a goal needs exactly one of `at_least` and `at_most`",
                    ));
                }
            }
            if let Some(id) = g.metric.center()
                && self.center_index(id).is_none()
            {
                return Err(c.err(
                    f("metric"),
                    format!("unknown center {id:?} (known: {})", self.known_centers()),
                ));
            }
        }
        if let Some(d) = &self.decisions {
            let mut seen = BTreeSet::new();
            for (i, x) in d.iter().enumerate() {
                if !seen.insert(*x) {
                    return Err(c.err(format!("decisions[{i}]"), format!("{x:?} is listed twice")));
                }
            }
        }
        for (i, h) in self.hints.iter().enumerate() {
            let f = |name: &str| format!("hints[{i}].{name}");
            if h.text.trim().is_empty() {
                return Err(c.err(f("text"), "a hint needs its text"));
            }
            c.range(f("for_minutes"), h.for_minutes, 0.0, rules::MAX_DURATION)?;
            use super::Trigger;
            match &h.when {
                Trigger::QueueAbove { center, .. } if self.center_index(center).is_none() => {
                    return Err(c.err(
                        f("when"),
                        format!(
                            "unknown center {center:?} (known: {})",
                            self.known_centers()
                        ),
                    ));
                }
                Trigger::Busy { worker } if !self.workers.iter().any(|w| &w.name == worker) => {
                    return Err(c.err(f("when"), format!("unknown worker {worker:?}")));
                }
                Trigger::After { minutes } | Trigger::OutageOpenLonger { minutes } => {
                    c.range(f("when"), *minutes, 0.0, rules::MAX_DURATION)?
                }
                Trigger::DebtAbove { points } => {
                    c.finite(f("when"), *points, rules::DEBT_TRIGGER)?
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// `arrivals`: interarrival times, work types, routes, value, due dates, risk mix,
    /// systems and the improvement a project makes.
    fn check_arrivals(&self, c: &Checker) -> Checked {
        if self.arrivals.is_empty() {
            return Err(c.err("arrivals", "a level needs at least one arrival stream"));
        }
        let systems = self.system_names();
        let improvement_ids: Vec<&str> = self.improvements.iter().map(|m| m.id.as_str()).collect();
        for (i, a) in self.arrivals.iter().enumerate() {
            let f = |name: &str| format!("arrivals[{i}].{name}");
            c.dist(f("interarrival"), &a.interarrival)?;
            if a.interarrival.mean() <= 0.0 {
                return Err(c.err(f("interarrival"), "mean time between arrivals must be > 0"));
            }
            if a.work_type == WorkType::Unplanned {
                return Err(c.err(
                    f("work_type"),
                    "unplanned work comes from outages (the `outages` section), not from arrival streams",
                ));
            }
            c.bounds(f("value"), a.value, rules::MONEY)?;
            let mut names = BTreeSet::new();
            for (k, (name, steps)) in a.routes().enumerate() {
                let path = match k {
                    0 => f("route"),
                    k => f(&format!("alternatives[{}].route", k - 1)),
                };
                if !names.insert(name) {
                    let field = match k {
                        0 => f("route_name"),
                        k => f(&format!("alternatives[{}].name", k - 1)),
                    };
                    return Err(c.err(field, format!("duplicate route name {name:?}")));
                }
                self.check_route(c, &path, steps)?;
            }
            if let Some(d) = a.due_days {
                c.positive(f("due_days"), d, rules::LEVEL_DAYS.max)?;
            }
            c.bounds(f("late_value"), a.late_value, rules::MONEY)?;
            let r = &a.risk;
            for (name, v) in [
                ("standard", r.standard),
                ("medium", r.medium),
                ("high", r.high),
            ] {
                c.finite(f(&format!("risk.{name}")), v, rules::RISK_WEIGHT)?;
            }
            if r.standard + r.medium + r.high <= 0.0 {
                return Err(c.err(f("risk"), "the weights must not all be 0"));
            }
            for (j, s) in a.systems.iter().enumerate() {
                if !systems.contains(s) {
                    return Err(c.err(
                        format!("arrivals[{i}].systems[{j}]"),
                        format!("unknown system {s:?} (known: {})", systems.join(", ")),
                    ));
                }
            }
            if let Some(m) = &a.improvement {
                if !improvement_ids.contains(&m.as_str()) {
                    return Err(c.err(
                        f("improvement"),
                        format!(
                            "unknown improvement {m:?} (known: {})",
                            improvement_ids.join(", ")
                        ),
                    ));
                }
                if a.work_type != WorkType::Internal {
                    return Err(c.err(
                        f("improvement"),
                        "only internal IT projects (work_type: Internal) change the system",
                    ));
                }
            }
        }
        Ok(())
    }

    /// `outages`: the base rate, the incident procedure (detect, diagnose, fix), the cost,
    /// postmortems, and that someone can fix them; and that failing deploys have outages.
    fn check_outages(&self, c: &Checker) -> Checked {
        let Some(o) = &self.outages else {
            if let Some(i) = self.centers.iter().position(|c| {
                c.deploy
                    .as_ref()
                    .is_some_and(|d| d.failure_probability > 0.0)
            }) {
                return Err(c.err(
                    format!("centers[{i}].deploy.failure_probability"),
                    "failed deploys raise outages: add an `outages` section (or set the probability to 0)",
                ));
            }
            return Ok(());
        };
        c.bounds(
            "outages.base_rate_per_day",
            o.base_rate_per_day,
            rules::OUTAGE_BASE_RATE,
        )?;
        c.dist("outages.fix_effort".into(), &o.fix_effort)?;
        c.range(
            "outages.fix_effort_per_change".into(),
            o.fix_effort_per_change,
            0.0,
            rules::MAX_DURATION,
        )?;
        c.bounds("outages.cost_per_hour", o.cost_per_hour, rules::MONEY)?;
        if !self
            .workers
            .iter()
            .any(|w| w.skills.contains_key(OUTAGE_SKILL))
        {
            return Err(c.err(
                "outages",
                format!("no worker has the skill {OUTAGE_SKILL:?}: outages could never be fixed"),
            ));
        }
        c.dist("outages.detect".into(), &o.detect)?;
        c.dist("outages.diagnose".into(), &o.diagnose)?;
        if let Some(p) = &o.postmortem {
            c.dist("outages.postmortem.work".into(), &p.work)?;
            c.positive(
                "outages.postmortem.recurrence_factor".into(),
                p.recurrence_factor,
                1.0,
            )?;
        }
        Ok(())
    }

    /// `changes`: risk factors, collisions, off-board changes and the change advisory board.
    fn check_changes(&self, c: &Checker) -> Checked {
        let Some(ch) = &self.changes else {
            return Ok(());
        };
        if self.centers.iter().all(|c| c.deploy.is_none()) {
            return Err(c.err(
                "changes",
                "change management needs a deploy step (a center with `deploy`)",
            ));
        }
        for (k, v) in ch.risk_factors.iter().enumerate() {
            c.range(format!("changes.risk_factors[{k}]"), *v, 0.0, 1000.0)?;
        }
        c.finite(
            "changes.collision_window".into(),
            ch.collision_window,
            rules::COLLISION_WINDOW,
        )?;
        c.range(
            "changes.collision_probability".into(),
            ch.collision_probability,
            0.0,
            1.0,
        )?;
        c.range(
            "changes.off_board_diagnosis_factor".into(),
            ch.off_board_diagnosis_factor,
            0.0,
            100.0,
        )?;
        if let Some(b) = &ch.board {
            c.bounds(
                "changes.board.every_days",
                b.every_days,
                rules::BOARD_INTERVAL_DAYS,
            )?;
            c.range(
                "changes.board.first_at".into(),
                b.first_at,
                0.0,
                rules::MAX_DURATION,
            )?;
            if b.approvals_per_meeting == Some(0) {
                return Err(c.err("changes.board.approvals_per_meeting", "must be at least 1"));
            }
        }
        Ok(())
    }

    /// `improvements` and `improvement_share`: ids, work, rounds, who may do them, effects.
    fn check_improvements(&self, c: &Checker) -> Checked {
        let skills_known = |s: &str| s == OUTAGE_SKILL || self.center_index(s).is_some();
        let mut ids = BTreeSet::new();
        for (i, m) in self.improvements.iter().enumerate() {
            let f = |name: &str| format!("improvements[{i}].{name}");
            if m.id.is_empty() || !ids.insert(m.id.as_str()) {
                return Err(c.err(
                    f("id"),
                    format!("{:?}: improvement ids must be non-empty and unique", m.id),
                ));
            }
            c.dist(f("work"), &m.work)?;
            c.bounds(f("max_rounds"), m.max_rounds, rules::IMPROVEMENT_ROUNDS)?;
            let qualifies = |w: &WorkerSpec| match &m.by {
                Doer::Anyone => true,
                Doer::Constraint => w.constraint,
                Doer::Skill(s) => w.skills.contains_key(s),
            };
            if let Doer::Skill(s) = &m.by
                && !skills_known(s)
            {
                return Err(c.err(f("by"), format!("unknown skill {s:?}")));
            }
            if !self.workers.iter().any(qualifies) {
                return Err(c.err(f("by"), "no worker could do this work"));
            }
            match &m.effect {
                Effect::SetupTime { center, factor } => {
                    let Some(ci) = self.center_index(center) else {
                        return Err(c.err(f("effect.center"), format!("unknown center {center:?}")));
                    };
                    let cs = &self.centers[ci];
                    if cs.deploy.is_none() && cs.batch.is_none() {
                        return Err(c.err(
                            f("effect.center"),
                            format!(
                                "{center:?} has no setup time: it is neither a deploy step nor a batch process"
                            ),
                        ));
                    }
                    c.positive(f("effect.factor"), *factor, 10.0)?;
                }
                Effect::DefectRate { factor } | Effect::Detection { factor } => {
                    c.positive(f("effect.factor"), *factor, 10.0)?;
                }
                Effect::ShareKnowledge {
                    learners,
                    skills,
                    step,
                    max_speed,
                } => {
                    for l in learners {
                        if !self.workers.iter().any(|w| &w.name == l) {
                            return Err(
                                c.err(f("effect.learners"), format!("unknown worker {l:?}"))
                            );
                        }
                    }
                    for s in skills {
                        if !skills_known(s) {
                            return Err(c.err(f("effect.skills"), format!("unknown skill {s:?}")));
                        }
                    }
                    c.positive(f("effect.step"), *step, rules::SKILL_SPEED.max)?;
                    c.bounds(f("effect.max_speed"), *max_speed, rules::SKILL_SPEED)?;
                }
                Effect::PayDebt { points } => {
                    c.finite(f("effect.points"), *points, rules::DEBT_PAYDOWN)?;
                    if self.debt.is_none() {
                        return Err(c.err(f("effect"), "paying down debt needs a `debt` section"));
                    }
                }
                Effect::Nothing | Effect::Culture { .. } => {}
            }
        }
        c.bounds(
            "improvement_share",
            self.improvement_share,
            rules::IMPROVEMENT_SHARE,
        )
    }

    /// `debt`: the initial debt, interest, what adds to it, and its effect on outages.
    fn check_debt(&self, c: &Checker) -> Checked {
        let Some(d) = &self.debt else { return Ok(()) };
        c.finite("debt.initial".into(), d.initial, rules::DEBT_POINTS)?;
        c.range("debt.interest_per_day".into(), d.interest_per_day, 0.0, 1.0)?;
        c.finite(
            "debt.per_skipped_step".into(),
            d.per_skipped_step,
            rules::DEBT_POINTS,
        )?;
        c.finite(
            "debt.per_expedite".into(),
            d.per_expedite,
            rules::DEBT_POINTS,
        )?;
        c.range(
            "debt.per_overload_hour".into(),
            d.per_overload_hour,
            0.0,
            1e6,
        )?;
        c.range(
            "debt.outage_rate_per_point".into(),
            d.outage_rate_per_point,
            0.0,
            100.0,
        )?;
        if d.overload_wip == Some(0) {
            return Err(c.err("debt.overload_wip", "must be at least 1"));
        }
        Ok(())
    }

    /// `release`: the drum and the release rule.
    fn check_release(&self, c: &Checker) -> Checked {
        if let Some(id) = &self.release.drum
            && self.center_index(id).is_none()
        {
            return Err(c.err("release.drum", format!("unknown center {id:?}")));
        }
        if let ReleaseRule::DrumBufferRope { buffer } = self.release.rule {
            c.bounds("release.rule", buffer, rules::DBR_BUFFER)
                .map_err(|e| InputError {
                    message: format!("the buffer {}", e.message),
                    ..e
                })?;
            if self.drum_center().is_none() {
                return Err(c.err(
                    "release",
                    "drum-buffer-rope needs a drum: set release.drum (no center is staffed by constraint workers only)",
                ));
            }
        }
        Ok(())
    }

    /// `scoring`: ascending star thresholds.
    fn check_scoring(&self, c: &Checker) -> Checked {
        let s = self.scoring.stars;
        if !(s.iter().all(|v| v.is_finite()) && s[0] <= s[1] && s[1] <= s[2]) {
            return Err(c.err(
                "scoring.stars",
                format!("thresholds must be finite and ascending, got {s:?}"),
            ));
        }
        Ok(())
    }

    /// The level as a whole: a run of its days may not expect more than
    /// [`rules::MAX_EXPECTED_EVENTS`] events. The error names the field that contributes the
    /// most events.
    fn check_event_count(&self, c: &Checker) -> Checked {
        let (total, parts) = self.event_estimate(self.duration());
        if rules::check_expected_events(total).is_ok() {
            return Ok(());
        }
        let (field, _) = parts
            .into_iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or(("days".into(), total));
        Err(c.err(
            field,
            format!(
                "a run of this level would take about {total:.1e} events over its {} workdays, more than the {:.0e} any level may take (tens of seconds of engine time): a rate, an effort or a time between events is absurd",
                self.days,
                rules::MAX_EXPECTED_EVENTS
            ),
        ))
    }
}
