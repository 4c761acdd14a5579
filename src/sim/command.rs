//! Player commands: the only way the shell changes a simulation.
//!
//! Every command applied is stamped with the sim time it took effect and kept in the command
//! log, so a run is fully described by level + seed + command log, and
//! [`crate::sim::Simulation::replay`] reproduces it exactly. A command log file is a RON list:
//!
//! ```ron
//! [
//!     (at: 0.0, action: ProtectConstraint(on: true)),
//!     (at: 0.0, action: SetBatchSize(size: 2)),
//!     (at: 960.0, action: SetWipLimit(center: "dev", limit: Some(4))),
//! ]
//! ```

use serde::{Deserialize, Serialize};

use super::error::InputError;
pub use super::level::Decision;
use super::level::ReleaseRule;

/// What the player decides.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Action {
    /// Sets (or with `None` removes) the WIP limit of a center: the most items it may hold,
    /// queued, in service or done and waiting to move on. Not allowed on the deploy step,
    /// whose batch size governs it.
    SetWipLimit { center: String, limit: Option<u32> },
    /// Sets the batch size of a batch center, or with no `center` of the deploy step: how
    /// many items gather before a batch starts.
    SetBatchSize {
        size: u32,
        #[serde(default)]
        center: Option<String>,
    },
    /// Decides who handles an outage (by its id, as shown on the board).
    Triage { outage: u64, to: Assignee },
    /// Protects the constraint: constraint workers take only the constraint's own work (what
    /// nobody else could do at the start of the run), and outages go to other capable
    /// workers whenever one exists.
    ProtectConstraint { on: bool },
    /// Holds new work in the backlog (`true`) or releases it into the value stream (`false`).
    HoldWork { hold: bool },
    /// Funds one round of an improvement (its id in the level's `improvements`).
    FundImprovement { id: String },
    /// Reserves a share of every worker's time for improvement work, 0–0.5 ("20% time").
    SetImprovementShare { share: f64 },
    /// Sets how often the change advisory board meets, in workdays between meetings.
    SetBoardInterval { every_days: f64 },
    /// Pre-approves standard changes (`true`): they no longer wait for the board.
    PreApproveStandard { on: bool },
    /// Lets changes bypass the board (`true`), where the level allows it: they deploy
    /// without waiting, but are missing from the recent-change list when diagnosing.
    BypassBoard { on: bool },
    /// Sets the release rule: push, or drum-buffer-rope with a buffer.
    SetRelease { rule: ReleaseRule },
    /// Freezes project work (`true`): business and internal projects are neither released
    /// nor started; changes, outages and improvements go on.
    Freeze { on: bool },
    /// Accepts (`true`) or refuses new work of an arrival stream (by its name).
    SetIntake { stream: String, accept: bool },
    /// Refuses an item waiting in the backlog (by id): it leaves without being done.
    Refuse { item: u64 },
    /// Expedites an item (by id) not yet in service: it goes ahead of all other work at
    /// every queue, at a cost in technical debt.
    Expedite { item: u64 },
    /// Has items skip a skippable step (`true`), at a cost in technical debt per item.
    SkipStep { center: String, on: bool },
    /// Holds a blameless postmortem of a fixed outage (by id).
    Postmortem { outage: u64 },
    /// Makes blameless postmortems a practice (`true`): every outage fixed from now on gets
    /// one, as long as the culture allows postmortems at all.
    PostmortemPractice { on: bool },
    /// Staffing: the posts a worker may take work at: center ids and `outages`, each one the
    /// worker is skilled for now. `None` returns the worker to the standing rule (every post
    /// they have the skill for). The precedence when decisions meet is in
    /// [`crate::sim::engine`]'s `routing` module and `docs/levels.md`.
    SetStaffing {
        worker: String,
        posts: Option<Vec<String>>,
    },
    /// Chooses the route of an arrival stream (by its name): its default route or one of its
    /// `alternatives` (by route name). Applies to items that arrive after the choice.
    ChooseRoute { stream: String, route: String },
}

impl Action {
    /// The decision in words, for timelines and debrief packs: `WIP limit of qa: 4`.
    pub fn describe(&self) -> String {
        let on_off = |on: &bool| if *on { "on" } else { "off" };
        match self {
            Action::SetWipLimit { center, limit } => match limit {
                Some(l) => format!("WIP limit of {center}: {l}"),
                None => format!("WIP limit of {center}: none"),
            },
            Action::SetBatchSize { size, center } => match center {
                Some(c) => format!("batch size of {c}: {size}"),
                None => format!("deploy batch size: {size}"),
            },
            Action::Triage { outage, to } => match to {
                Assignee::Worker(w) => format!("outage #{outage} to {w}"),
                Assignee::Defer => format!("outage #{outage} deferred"),
                Assignee::Auto => format!("outage #{outage} to the standing rule"),
            },
            Action::ProtectConstraint { on } => format!("protect the constraint: {}", on_off(on)),
            Action::HoldWork { hold } => format!("hold new work: {}", on_off(hold)),
            Action::FundImprovement { id } => format!("fund improvement {id}"),
            Action::SetImprovementShare { share } => {
                format!("improvement time: {:.0}%", share * 100.0)
            }
            Action::SetBoardInterval { every_days } => {
                format!("change board meets every {every_days} days")
            }
            Action::PreApproveStandard { on } => {
                format!("pre-approve standard changes: {}", on_off(on))
            }
            Action::BypassBoard { on } => format!("bypass the change board: {}", on_off(on)),
            Action::SetRelease { rule } => match rule {
                ReleaseRule::Push => "release rule: push".into(),
                ReleaseRule::DrumBufferRope { buffer } => {
                    format!("release rule: drum-buffer-rope, buffer {buffer}")
                }
            },
            Action::Freeze { on } => format!("freeze project work: {}", on_off(on)),
            Action::SetIntake { stream, accept } => {
                format!("{stream}: {}", if *accept { "accept" } else { "refuse" })
            }
            Action::Refuse { item } => format!("refuse item #{item}"),
            Action::Expedite { item } => format!("expedite item #{item}"),
            Action::SkipStep { center, on } => format!("skip {center}: {}", on_off(on)),
            Action::Postmortem { outage } => format!("postmortem of outage #{outage}"),
            Action::PostmortemPractice { on } => {
                format!("blameless postmortems as practice: {}", on_off(on))
            }
            Action::SetStaffing { worker, posts } => match posts {
                Some(p) => format!("{worker} works at {}", p.join(", ")),
                None => format!("{worker} works wherever skilled"),
            },
            Action::ChooseRoute { stream, route } => format!("{stream} takes route {route}"),
        }
    }
}

impl Action {
    /// The kind of decision this action belongs to.
    pub fn decision(&self) -> Decision {
        match self {
            Action::SetWipLimit { .. } => Decision::WipLimits,
            Action::SetBatchSize { .. } => Decision::BatchSize,
            Action::Triage { .. } => Decision::Triage,
            Action::ProtectConstraint { .. } => Decision::ProtectConstraint,
            Action::HoldWork { .. } => Decision::HoldWork,
            Action::FundImprovement { .. } => Decision::Improvements,
            Action::SetImprovementShare { .. } => Decision::ImprovementShare,
            Action::SetBoardInterval { .. }
            | Action::PreApproveStandard { .. }
            | Action::BypassBoard { .. } => Decision::ChangeBoard,
            Action::SetRelease { .. } => Decision::Release,
            Action::Freeze { .. } => Decision::Freeze,
            Action::SetIntake { .. } | Action::Refuse { .. } => Decision::Intake,
            Action::Expedite { .. } => Decision::Expedite,
            Action::SkipStep { .. } => Decision::SkipStep,
            Action::Postmortem { .. } | Action::PostmortemPractice { .. } => Decision::Postmortems,
            Action::SetStaffing { .. } => Decision::Staffing,
            Action::ChooseRoute { .. } => Decision::Routes,
        }
    }
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

/// Parses a command log (a RON list of [`Command`]s).
///
/// # Errors
/// An [`InputError`] naming the file, line, column and field for bad RON, and for a time that
/// is negative, not finite or earlier than the command before it.
pub fn parse_command_log(file: &str, source: &str) -> Result<Vec<Command>, InputError> {
    let commands: Vec<Command> =
        ron::from_str(source).map_err(|e| InputError::from_ron(file, source, &e))?;
    let mut last = 0.0;
    for (i, c) in commands.iter().enumerate() {
        if !c.at.is_finite() || c.at < last {
            return Err(InputError::at_field(
                file,
                source,
                format!("[{i}].at"),
                format!(
                    "must be a finite sim time >= the previous command's ({last}), got {}",
                    c.at
                ),
            ));
        }
        last = c.at;
    }
    Ok(commands)
}

/// Writes a command log as pretty RON that [`parse_command_log`] reads back exactly.
pub fn write_command_log(commands: &[Command]) -> String {
    ron::ser::to_string_pretty(commands, ron::ser::PrettyConfig::default())
        .expect("commands always serialize")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_round_trips_exactly() {
        let log = vec![
            Command {
                at: 0.1 + 0.2,
                action: Action::ProtectConstraint { on: true },
            },
            Command {
                at: 1_234.567_890_123,
                action: Action::Triage {
                    outage: 3,
                    to: Assignee::Worker("Wes".into()),
                },
            },
            Command {
                at: 2000.0,
                action: Action::SetWipLimit {
                    center: "dev".into(),
                    limit: None,
                },
            },
        ];
        let back = parse_command_log("x", &write_command_log(&log)).unwrap();
        assert_eq!(back, log);
        assert_eq!(back[0].at.to_bits(), (0.1f64 + 0.2).to_bits());
    }

    #[test]
    fn times_must_not_go_backwards() {
        let src = "[\n (at: 5.0, action: HoldWork(hold: true)),\n (at: 1.0, action: HoldWork(hold: false)),\n]";
        let e = parse_command_log("log.ron", src).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("[1].at"));
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn unknown_action_is_reported_with_position() {
        let e =
            parse_command_log("log.ron", "[(at: 0.0, action: Explode(now: true))]").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("Explode"), "{e}");
    }
}
