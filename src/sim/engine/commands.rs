//! Player commands: each is checked, applied at the current sim time, and logged. The
//! effect of each command lives in the module of its mechanic; this module only routes
//! them and keeps the log.

use serde::Serialize;

use super::{Command, Place, Simulation};
use crate::sim::command::{Action, Decision};
use crate::sim::level::ReleaseRule;

/// Why a player command was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandError(pub String);

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CommandError {}

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
            hold_work: self.release.hold,
            batch_size: self
                .deploys
                .center
                .and_then(|c| self.centers[c].batch)
                .unwrap_or(1),
            improvement_share: self.improvements.share,
            release: self.release.rule,
            freeze: self.release.freeze,
            accept: self.release.accept.clone(),
            board_every_days: self.board.every_days,
            pre_approve_standard: self.board.pre_approve_standard,
            bypass_board: self.board.bypass,
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
            Decision::ChangeBoard => self.board_view().is_some(),
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

    /// Checks `action` and applies it, in the module that owns its mechanic.
    pub(super) fn check_and_apply(&mut self, action: &Action) -> Result<(), String> {
        self.decision_open(action)?;
        match action {
            Action::SetWipLimit { center, limit } => self.set_wip_limit(center, limit),
            Action::SkipStep { center, on } => self.skip_step(center, on),
            Action::Expedite { item } => self.expedite(item),
            Action::SetBatchSize { size, center } => self.set_batch_size(size, center),
            Action::ProtectConstraint { on } => self.protect_constraint(on),
            Action::HoldWork { hold } => self.hold_work(hold),
            Action::Freeze { on } => self.freeze(on),
            Action::SetRelease { rule } => self.set_release(rule),
            Action::SetIntake { stream, accept } => self.set_intake(stream, accept),
            Action::Refuse { item } => self.refuse(item),
            Action::SetBoardInterval { every_days } => self.set_board_interval(every_days),
            Action::PreApproveStandard { on } => self.pre_approve_standard(on),
            Action::BypassBoard { on } => self.bypass_board(on),
            Action::Triage { outage, to } => self.triage(outage, to),
            Action::Postmortem { outage } => self.request_postmortem(outage),
            Action::PostmortemPractice { on } => self.postmortem_practice(on),
            Action::FundImprovement { id } => self.fund_improvement(id),
            Action::SetImprovementShare { share } => self.set_improvement_share(share),
            Action::SetStaffing { worker, posts } => self.set_staffing(worker, posts),
            Action::ChooseRoute { stream, route } => self.choose_route(stream, route),
        }
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
