//! Player commands: the [`Action`] table, each action checked, applied at the current sim
//! time, and logged. The effect of each command lives in the module of its mechanic; this
//! module holds the one table that names them ([`actions!`]), routes them and keeps the log.
//!
//! Adding a command is one row in the table below (its fields, its decision, whether it is
//! operational, the mechanic's method that applies it and its words), plus that method in
//! the mechanic's module. A standing on/off decision also gets a row in [`SWITCHES`], from
//! which the controls panel draws its checkbox, and a standing numeric one a row in
//! [`DIALS`], from which it draws the numbers.

use serde::{Deserialize, Serialize};

use super::{Place, Simulation};
use crate::sim::level::{Decision, ReleaseRule};
use crate::sim::rules;

/// Why a player command was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandError(pub String);

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CommandError {}

/// "on" or "off", for [`Action::describe`].
fn on_off(on: &bool) -> &'static str {
    if *on { "on" } else { "off" }
}

/// Writes [`Action`] and everything that is said once per action: its variant and fields
/// (with their JSON/RON form, which run files keep), its [`Decision`], whether it is
/// operational, the method of [`Simulation`] that checks and applies it, and its words.
///
/// Each row: `Variant { field: Type, … } => Decision, standing | operational, method,
/// describe-expression;` where the expression sees the fields by reference.
macro_rules! actions {
    (@operational standing) => { false };
    (@operational operational) => { true };
    ($(
        $(#[doc = $doc:literal])*
        $name:ident { $( $(#[$fattr:meta])* $field:ident : $ty:ty ),* $(,)? }
            => $decision:ident, $kind:ident, $apply:ident, $describe:expr;
    )*) => {
        /// What the player decides. Each variant's JSON and RON form is its name with its
        /// fields (`{"Freeze":{"on":true}}`, `Freeze(on: true)`); run files handed in keep
        /// reading as long as these stay.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        pub enum Action {
            $( $(#[doc = $doc])* $name { $( $(#[$fattr])* $field: $ty ),* }, )*
        }

        impl Action {
            /// The decision in words, for timelines and debrief packs: `WIP limit of qa: 4`.
            pub fn describe(&self) -> String {
                match self { $( Action::$name { $($field),* } => $describe, )* }
            }

            /// The kind of decision this action belongs to.
            pub fn decision(&self) -> Decision {
                match self { $( Action::$name { .. } => Decision::$decision, )* }
            }

            /// Whether this is an operational decision, about one outage or one item
            /// (triage, postmortem, expedite, refuse), as opposed to a standing one (a
            /// policy that holds until changed). In a drill only operational decisions may
            /// change during a round ([`crate::sim::kata`]).
            pub fn is_operational(&self) -> bool {
                match self { $( Action::$name { .. } => actions!(@operational $kind), )* }
            }
        }

        impl Simulation {
            /// Checks `action` and applies it, in the module that owns its mechanic.
            pub(super) fn check_and_apply(&mut self, action: &Action) -> Result<(), String> {
                self.decision_open(action)?;
                match action { $( Action::$name { $($field),* } => self.$apply($($field),*), )* }
            }
        }
    };
}

actions! {
    /// Sets (or with `None` removes) the WIP limit of a center: the most items it may hold,
    /// queued, in service or done and waiting to move on. Not allowed on the deploy step,
    /// whose batch size governs it.
    SetWipLimit { center: String, limit: Option<u32> }
        => WipLimits, standing, set_wip_limit, match limit {
            Some(l) => format!("WIP limit of {center}: {l}"),
            None => format!("WIP limit of {center}: none"),
        };
    /// Sets the batch size of a batch center, or with no `center` of the deploy step: how
    /// many items gather before a batch starts.
    SetBatchSize { size: u32, #[serde(default)] center: Option<String> }
        => BatchSize, standing, set_batch_size, match center {
            Some(c) => format!("batch size of {c}: {size}"),
            None => format!("deploy batch size: {size}"),
        };
    /// Decides who handles an outage (by its id, as shown on the board).
    Triage { outage: u64, to: Assignee }
        => Triage, operational, triage, match to {
            Assignee::Worker(w) => format!("outage #{outage} to {w}"),
            Assignee::Defer => format!("outage #{outage} deferred"),
            Assignee::Auto => format!("outage #{outage} to the standing rule"),
        };
    /// Protects the constraint: constraint workers take only the constraint's own work (what
    /// nobody else could do at the start of the run), and outages go to other capable
    /// workers whenever one exists.
    ProtectConstraint { on: bool }
        => ProtectConstraint, standing, protect_constraint,
        format!("protect the constraint: {}", on_off(on));
    /// Holds new work in the backlog (`true`) or releases it into the value stream (`false`).
    HoldWork { hold: bool }
        => HoldWork, standing, hold_work, format!("hold new work: {}", on_off(hold));
    /// Funds one round of an improvement (its id in the level's `improvements`).
    FundImprovement { id: String }
        => Improvements, standing, fund_improvement, format!("fund improvement {id}");
    /// Reserves a share of every worker's time for improvement work, 0–0.5 ("20% time").
    SetImprovementShare { share: f64 }
        => ImprovementShare, standing, set_improvement_share,
        format!("improvement time: {:.0}%", share * 100.0);
    /// Sets how often the change advisory board meets, in workdays between meetings.
    SetBoardInterval { every_days: f64 }
        => ChangeBoard, standing, set_board_interval,
        format!("change board meets every {every_days} days");
    /// Pre-approves standard changes (`true`): they no longer wait for the board.
    PreApproveStandard { on: bool }
        => ChangeBoard, standing, pre_approve_standard,
        format!("pre-approve standard changes: {}", on_off(on));
    /// Lets changes bypass the board (`true`), where the level allows it: they deploy
    /// without waiting, but are missing from the recent-change list when diagnosing.
    BypassBoard { on: bool }
        => ChangeBoard, standing, bypass_board,
        format!("bypass the change board: {}", on_off(on));
    /// Sets the release rule: push, or drum-buffer-rope with a buffer.
    SetRelease { rule: ReleaseRule }
        => Release, standing, set_release, match rule {
            ReleaseRule::Push => "release rule: push".into(),
            ReleaseRule::DrumBufferRope { buffer } => {
                format!("release rule: drum-buffer-rope, buffer {buffer}")
            }
        };
    /// Freezes project work (`true`): business and internal projects are neither released
    /// nor started; changes, outages and improvements go on.
    Freeze { on: bool }
        => Freeze, standing, freeze, format!("freeze project work: {}", on_off(on));
    /// Accepts (`true`) or refuses new work of an arrival stream (by its name).
    SetIntake { stream: String, accept: bool }
        => Intake, standing, set_intake,
        format!("{stream}: {}", if *accept { "accept" } else { "refuse" });
    /// Refuses an item waiting in the backlog (by id): it leaves without being done.
    Refuse { item: u64 } => Intake, operational, refuse, format!("refuse item #{item}");
    /// Expedites an item (by id) not yet in service: it goes ahead of all other work at
    /// every queue, at a cost in technical debt.
    Expedite { item: u64 } => Expedite, operational, expedite, format!("expedite item #{item}");
    /// Has items skip a skippable step (`true`), at a cost in technical debt per item.
    SkipStep { center: String, on: bool }
        => SkipStep, standing, skip_step, format!("skip {center}: {}", on_off(on));
    /// Holds a blameless postmortem of a fixed outage (by id).
    Postmortem { outage: u64 }
        => Postmortems, operational, request_postmortem,
        format!("postmortem of outage #{outage}");
    /// Makes blameless postmortems a practice (`true`): every outage fixed from now on gets
    /// one, as long as the culture allows postmortems at all.
    PostmortemPractice { on: bool }
        => Postmortems, standing, postmortem_practice,
        format!("blameless postmortems as practice: {}", on_off(on));
    /// Staffing: the posts a worker may take work at: center ids and `outages`, each one the
    /// worker is skilled for now. `None` returns the worker to the standing rule (every post
    /// they have the skill for). The precedence when decisions meet is in
    /// [`crate::sim::engine`]'s `routing` module and `docs/levels.md`.
    SetStaffing { worker: String, posts: Option<Vec<String>> }
        => Staffing, standing, set_staffing, match posts {
            Some(p) => format!("{worker} works at {}", p.join(", ")),
            None => format!("{worker} works wherever skilled"),
        };
    /// Chooses the route of an arrival stream (by its name): its default route or one of its
    /// `alternatives` (by route name). Applies to items that arrive after the choice.
    ChooseRoute { stream: String, route: String }
        => Routes, standing, choose_route, format!("{stream} takes route {route}");
}

/// Who takes an outage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Assignee {
    /// A named worker, who drops planned work for it.
    Worker(String),
    /// Nobody for now: the outage waits (and costs) until triaged again.
    Defer,
    /// Back to the standing rule: the fastest capable worker not already fighting an outage
    /// (never the constraint while it is protected, if anyone else can).
    Auto,
}

/// An action and the sim time (sim minutes since the start) at which it took effect.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Command {
    /// Sim minutes since the start of the run.
    pub at: f64,
    /// What was decided.
    pub action: Action,
}

/// A standing on/off decision that the controls panel draws as one checkbox, from this
/// table alone: its label and hover text, its current value and the action that sets it.
#[derive(Clone, Copy)]
pub struct Switch {
    /// The decision it belongs to: the controls draw it where they draw that decision.
    pub decision: Decision,
    /// The checkbox's label.
    pub label: &'static str,
    /// The hover text: what it does.
    pub hint: &'static str,
    /// Its value now, or `None` where this run has nothing for it to act on.
    pub value: fn(&Simulation) -> Option<bool>,
    /// The action that sets it to the given value.
    pub set: fn(bool) -> Action,
}

/// The standing on/off decisions, in the order the controls panel shows them within their
/// decision. (Protecting the constraint names the constraint's worker and has its own key,
/// so its control is drawn by hand.)
pub const SWITCHES: &[Switch] = &[
    Switch {
        decision: Decision::HoldWork,
        label: "Hold new work in the backlog",
        hint: "Stop releasing new work into the value stream.",
        value: |s| Some(s.release.holds_work()),
        set: |hold| Action::HoldWork { hold },
    },
    Switch {
        decision: Decision::Freeze,
        label: "Freeze projects",
        hint: "Business and internal projects are neither released nor started; changes, outages and improvement work go on.",
        value: |s| Some(s.release.frozen()),
        set: |on| Action::Freeze { on },
    },
    Switch {
        decision: Decision::ChangeBoard,
        label: "Pre-approve standard changes",
        hint: "Routine changes skip the board; medium and high risk still wait.",
        value: |s| s.change_board_view().map(|b| b.pre_approve_standard),
        set: |on| Action::PreApproveStandard { on },
    },
    Switch {
        decision: Decision::ChangeBoard,
        label: "Let changes bypass the board",
        hint: "Under pressure: changes deploy without waiting, but they are missing from the recent-change list, so diagnosing the outages they cause takes longer.",
        value: |s| {
            s.change_board_view()
                .filter(|b| b.bypass_allowed)
                .map(|b| b.bypass)
        },
        set: |on| Action::BypassBoard { on },
    },
    Switch {
        decision: Decision::Postmortems,
        label: "Hold a postmortem of every fixed outage",
        hint: "Blameless postmortems as a practice: each costs someone's time and makes failures of that system rarer, as far as the culture lets it.",
        value: |s| Some(s.incidents.postmortem_practice),
        set: |on| Action::PostmortemPractice { on },
    },
];

/// How a [`Dial`]'s number is shown and stepped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialScale {
    /// A whole number of items, typed or dragged.
    Count,
    /// A share of time from 0 to 1, shown as a percent on a slider in steps of 5 points.
    Percent,
}

/// One row of a [`Dial`]: what it sets and its value now.
#[derive(Clone, Debug, PartialEq)]
pub struct DialRow {
    /// What the row sets, as the dial's action names it: a center's id, or empty where the
    /// dial sets one value for the whole run.
    pub target: String,
    /// The row's label: a center's name, or what the number is ("of everyone's time").
    pub label: String,
    /// Its value now in the action's unit (items, or a share 0–1); `None` where it is off.
    pub value: Option<f64>,
    /// What the row's mechanic measures now, shown beside it ("3 ahead now"), if anything.
    pub note: Option<String>,
}

/// A standing numeric decision that the controls panel draws from this table alone: a
/// heading with its hover text, and per row an on/off switch (where the decision can be
/// off) and its number within the `rules` bounds of the command that sets it.
#[derive(Clone, Copy)]
pub struct Dial {
    /// The decision it belongs to: the controls draw it where they draw that decision.
    pub decision: Decision,
    /// The heading.
    pub label: &'static str,
    /// The hover text: what it does.
    pub hint: &'static str,
    /// How the number is shown.
    pub scale: DialScale,
    /// Smallest value a row may take, in the action's unit (the command's `rules` bounds).
    pub min: f64,
    /// Largest value a row may take, in the action's unit.
    pub max: f64,
    /// The value proposed when a row is switched on (from `rules`); `None` for a dial that
    /// is never off.
    pub default_on: Option<f64>,
    /// Its rows in this run, in the order drawn; none where it has nothing to act on.
    pub rows: fn(&Simulation) -> Vec<DialRow>,
    /// The action that sets the row with the given target to the given value (`None`: off).
    /// Values of a [`DialScale::Count`] dial are whole numbers within its bounds.
    pub set: fn(&str, Option<f64>) -> Action,
}

/// The standing numeric decisions, in the order the controls panel shows them within
/// their decision. (Batch sizes and staffing have their own controls.)
pub const DIALS: &[Dial] = &[
    Dial {
        decision: Decision::Release,
        label: "Release rule",
        hint: "Off (push): everything that arrives enters at once. On (drum-buffer-rope): work enters only while fewer than the buffer's items are ahead of the constraint.",
        scale: DialScale::Count,
        min: rules::DBR_BUFFER.min as f64,
        max: rules::DBR_BUFFER.max as f64,
        default_on: Some(rules::DEFAULT_DBR_BUFFER as f64),
        rows: |s| {
            let Some(drum) = s.drum() else {
                return Vec::new();
            };
            let buffer = match s.release.rule() {
                ReleaseRule::DrumBufferRope { buffer } => Some(f64::from(buffer)),
                ReleaseRule::Push => None,
            };
            vec![DialRow {
                target: String::new(),
                label: format!("Drum-buffer-rope, drum: {}", s.level.centers[drum].name),
                value: buffer,
                note: buffer.map(|_| format!("{} ahead now", s.rope_len())),
            }]
        },
        set: |_, buffer| Action::SetRelease {
            rule: buffer.map_or(ReleaseRule::Push, |b| ReleaseRule::DrumBufferRope {
                buffer: b as u32,
            }),
        },
    },
    Dial {
        decision: Decision::WipLimits,
        label: "WIP limits",
        hint: "Limit the work at a center: it pulls new work only while it holds fewer items than its limit.",
        scale: DialScale::Count,
        min: rules::WIP_LIMIT.min as f64,
        max: rules::WIP_LIMIT.max as f64,
        default_on: Some(rules::DEFAULT_WIP_LIMIT as f64),
        rows: |s| {
            s.centers
                .iter()
                .zip(&s.level.centers)
                .filter(|(c, _)| c.batch.is_none())
                .map(|(c, spec)| DialRow {
                    target: spec.id.clone(),
                    label: spec.name.clone(),
                    value: c.wip_limit.map(f64::from),
                    note: None,
                })
                .collect()
        },
        set: |center, limit| Action::SetWipLimit {
            center: center.to_string(),
            limit: limit.map(|l| l as u32),
        },
    },
    Dial {
        decision: Decision::ImprovementShare,
        label: "Improvement time",
        hint: "Time reserved for improvement work. While it is above 0, the level's improvement plan is funded one round at a time (its last item is paying down debt).",
        scale: DialScale::Percent,
        min: rules::IMPROVEMENT_SHARE.min,
        max: rules::IMPROVEMENT_SHARE.max,
        default_on: None,
        rows: |s| {
            vec![DialRow {
                target: String::new(),
                label: "of everyone's time".into(),
                value: Some(s.improvements.share),
                note: None,
            }]
        },
        set: |_, share| Action::SetImprovementShare {
            share: share.unwrap_or(0.0),
        },
    },
];

/// Standing policies the player sets through commands.
#[derive(Clone, Debug, Serialize)]
pub struct Policy {
    /// Whether the constraint is protected.
    pub protect_constraint: bool,
    /// Whether new work is held in the backlog.
    pub hold_work: bool,
    /// Deploy batch size, in items (1 when there is no deploy step).
    pub batch_size: u32,
    /// Share of every worker's time reserved for improvement work, 0–0.5.
    pub improvement_share: f64,
    /// How work leaves the backlog.
    pub release: ReleaseRule,
    /// Whether project work (business and internal projects) is frozen.
    pub freeze: bool,
    /// Whether each arrival stream's new work is accepted (else refused on arrival).
    pub accept: Vec<bool>,
    /// Workdays between change advisory board meetings (`None`: no board).
    pub board_every_days: Option<f64>,
    /// Whether standard changes are pre-approved.
    pub pre_approve_standard: bool,
    /// Whether changes bypass the board (off-board changes).
    pub bypass_board: bool,
    /// Whether every fixed outage gets a blameless postmortem.
    pub postmortem_practice: bool,
    /// By arrival stream: the name of the route its new items take.
    pub routes: Vec<String>,
    /// By worker: their posts if staffed (center ids and `outages`), `None` under the
    /// standing rule.
    pub staffing: Vec<Option<Vec<String>>>,
}

impl Simulation {
    /// The standing policies now, gathered from the mechanics that own them.
    pub fn policy(&self) -> Policy {
        Policy {
            protect_constraint: self.constraint.protected,
            hold_work: self.release.holds_work(),
            batch_size: self
                .deploys
                .center
                .and_then(|c| self.centers[c].batch)
                .unwrap_or(1),
            improvement_share: self.improvements.share,
            release: self.release.rule(),
            freeze: self.release.frozen(),
            accept: self.release.intake().to_vec(),
            board_every_days: self.change_board.every_days(),
            pre_approve_standard: self.change_board.pre_approves_standard(),
            bypass_board: self.change_board.bypassed(),
            postmortem_practice: self.incidents.postmortem_practice,
            routes: self.chosen_routes(),
            staffing: self.staffing(),
        }
    }

    /// Whether standing decisions may change now: always, except in a drill, where only
    /// between rounds ([`crate::sim::kata::Drill::is_between_rounds`]).
    pub fn standing_open(&self) -> bool {
        self.level
            .drill
            .is_none_or(|d| d.is_between_rounds(self.now, self.level.calendar.minutes_per_day))
    }

    /// Whether the player has decision `d` in this run: the level offers it
    /// ([`crate::sim::Level::offers`]) and has something it acts on (a constraint to
    /// protect, a drum for drum-buffer-rope, project streams to freeze, a batch center, a
    /// center without batches for a WIP limit, a skippable step, a change board,
    /// improvements, outages to triage, a postmortem practice, a stream with another route). The controls
    /// panel shows exactly the decisions available.
    pub fn available(&self, d: Decision) -> bool {
        let level = &self.level;
        if !level.offers(d) {
            return false;
        }
        match d {
            Decision::ProtectConstraint => level.workers.iter().any(|w| w.constraint),
            Decision::Release => self.drum().is_some(),
            Decision::Freeze => level.arrivals.iter().any(|a| a.work_type.is_project()),
            Decision::BatchSize => self.centers.iter().any(|c| c.batch.is_some()),
            Decision::WipLimits => self.centers.iter().any(|c| c.batch.is_none()),
            Decision::SkipStep => level.centers.iter().any(|c| c.skippable),
            Decision::ChangeBoard => self.change_board_view().is_some(),
            Decision::Improvements | Decision::ImprovementShare => !level.improvements.is_empty(),
            Decision::Postmortems => level
                .outages
                .as_ref()
                .is_some_and(|o| o.postmortem.is_some()),
            Decision::Routes => level.arrivals.iter().any(|a| !a.alternatives.is_empty()),
            Decision::Triage => level.outages.is_some(),
            Decision::Staffing | Decision::HoldWork | Decision::Intake | Decision::Expedite => true,
        }
    }

    /// `Ok` while the run takes commands: until it has ended.
    ///
    /// # Errors
    /// "the run has ended".
    pub fn run_open(&self) -> Result<(), String> {
        if self.is_finished() {
            Err("the run has ended".into())
        } else {
            Ok(())
        }
    }

    /// Applies a player's decision now, and logs it with the current sim time.
    ///
    /// # Errors
    /// A [`CommandError`] (and no change) when the command names an unknown center, worker,
    /// stream, item, outage or improvement, sets a number out of range, or asks what the
    /// level or the moment does not allow (a worker who cannot fix outages, an outage
    /// already fixed, a postmortem in a pathological culture, a run that has ended).
    pub fn apply(&mut self, action: Action) -> Result<(), CommandError> {
        self.run_open().map_err(CommandError)?;
        self.check_and_apply(&action).map_err(CommandError)?;
        self.commands.push(Command {
            at: self.now,
            action,
        });
        self.settle();
        Ok(())
    }

    /// Whether the level and the moment allow `action`'s kind of decision at all: the level
    /// offers it, and in a drill a standing decision waits for a round's start. The checks
    /// of the command's own arguments come after, in its mechanic's module.
    ///
    /// # Errors
    /// The reason, as the player reads it.
    pub(super) fn decision_open(&self, action: &Action) -> Result<(), String> {
        let decision = action.decision();
        if !self.level.offers(decision) {
            return Err(format!(
                "this level does not offer the decision {:?} ({})",
                decision,
                decision.label()
            ));
        }
        if let Some(drill) = self.level.drill
            && !action.is_operational()
            && !self.standing_open()
        {
            let mpd = self.level.calendar.minutes_per_day;
            {
                let next = drill.round_at(self.now, mpd) + 1;
                let when = if next < drill.rounds {
                    format!(
                        "round {} starts on day {}",
                        next + 1,
                        drill.boundary(next, mpd) / mpd
                    )
                } else {
                    "this is the last round".into()
                };
                return Err(format!(
                    "in a drill, {} change only between rounds ({when})",
                    decision.label()
                ));
            }
        }
        Ok(())
    }

    pub(super) fn center_arg(&self, id: &str) -> Result<usize, String> {
        self.level
            .center_index(id)
            .ok_or_else(|| format!("unknown center {id:?}"))
    }

    pub(super) fn stream_arg(&self, name: &str) -> Result<usize, String> {
        self.level
            .arrivals
            .iter()
            .position(|a| a.name == name)
            .ok_or_else(|| format!("no arrival stream named {name:?}"))
    }

    pub(super) fn item_arg(&self, id: u64) -> Result<usize, String> {
        let slot = self
            .find_item(id)
            .ok_or_else(|| format!("no item #{id} waiting"))?;
        if matches!(self.item(slot).place, Place::Service(_) | Place::Outbox(_)) {
            return Err(format!("item #{id} is already in service"));
        }
        Ok(slot)
    }
}
