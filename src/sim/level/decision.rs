//! The decisions a level can offer the player: the level file's `decisions` list. Which
//! command belongs to which decision is the commands' job ([`crate::sim::command`]).

use serde::{Deserialize, Serialize};

/// The kinds of decision a level can offer the player (its `decisions` list): every
/// [`Action`](crate::sim::Action) belongs to exactly one ([`Action::decision`](crate::sim::Action::decision)). The controls panel shows only
/// the offered ones, and the core refuses a command whose decision the level does not offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Decision {
    /// WIP limits of the work centers (`SetWipLimit`).
    WipLimits,
    /// Batch sizes of the deploy step and batch centers (`SetBatchSize`).
    BatchSize,
    /// Protecting the constraint (`ProtectConstraint`).
    ProtectConstraint,
    /// Triage of outages (`Triage`).
    Triage,
    /// Holding work in the backlog (`HoldWork`).
    HoldWork,
    /// The release rule, push or drum-buffer-rope (`SetRelease`).
    Release,
    /// Freezing project work (`Freeze`).
    Freeze,
    /// Accepting or refusing streams and items (`SetIntake`, `Refuse`).
    Intake,
    /// Expediting items (`Expedite`).
    Expedite,
    /// Skipping a skippable step (`SkipStep`).
    SkipStep,
    /// The change advisory board's meetings and approvals (`SetBoardInterval`,
    /// `PreApproveStandard`, `BypassBoard`).
    ChangeBoard,
    /// Funding improvement work (`FundImprovement`).
    Improvements,
    /// The share of time reserved for improvement work (`SetImprovementShare`).
    ImprovementShare,
    /// Blameless postmortems (`Postmortem`, `PostmortemPractice`).
    Postmortems,
    /// Staffing: who works where (`SetStaffing`).
    Staffing,
    /// Choosing a stream's route (`ChooseRoute`).
    Routes,
}

impl Decision {
    /// Every decision, in the order the controls panel shows them.
    pub const ALL: [Decision; 16] = [
        Decision::ProtectConstraint,
        Decision::Staffing,
        Decision::Routes,
        Decision::WipLimits,
        Decision::HoldWork,
        Decision::Release,
        Decision::Freeze,
        Decision::Intake,
        Decision::Expedite,
        Decision::BatchSize,
        Decision::SkipStep,
        Decision::ChangeBoard,
        Decision::Triage,
        Decision::Postmortems,
        Decision::Improvements,
        Decision::ImprovementShare,
    ];

    /// A short human label for briefings and the campaign screen.
    pub fn label(self) -> &'static str {
        match self {
            Decision::WipLimits => "WIP limits",
            Decision::BatchSize => "batch size",
            Decision::ProtectConstraint => "protect the constraint",
            Decision::Triage => "triage outages",
            Decision::HoldWork => "hold work",
            Decision::Release => "release rule (drum-buffer-rope)",
            Decision::Freeze => "freeze projects",
            Decision::Intake => "refuse work",
            Decision::Expedite => "expedite",
            Decision::SkipStep => "skip a step",
            Decision::ChangeBoard => "change board",
            Decision::Improvements => "fund improvements",
            Decision::ImprovementShare => "improvement time",
            Decision::Postmortems => "postmortems",
            Decision::Staffing => "staffing",
            Decision::Routes => "routes",
        }
    }
}
