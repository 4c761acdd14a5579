//! The decisions a level can offer the player: the level file's `decisions` list. Which
//! command belongs to which decision is the commands' job ([`crate::sim::command`]).

use serde::{Deserialize, Serialize};

/// Writes [`Decision`], [`Decision::ALL`] and [`Decision::label`] from one table, so that a
/// decision is added in one row: `Variant => "label",` under its doc comment. The rows'
/// order is the order of `ALL`, which is the order the controls panel shows them.
macro_rules! decisions {
    ($( $(#[doc = $doc:literal])* $name:ident => $label:literal, )*) => {
        /// The kinds of decision a level can offer the player (its `decisions` list): every
        /// [`Action`](crate::sim::Action) belongs to exactly one
        /// ([`Action::decision`](crate::sim::Action::decision)). The controls panel shows
        /// only the available ones ([`Simulation::available`](crate::sim::Simulation::available)),
        /// and the core refuses a command whose decision the level does not offer.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum Decision {
            $( $(#[doc = $doc])* $name, )*
        }

        impl Decision {
            /// Every decision, in the order the controls panel shows them: the standing
            /// decisions from staffing to improvement time, then the operational ones
            /// (triage and postmortems under the outages, expediting in the backlog).
            pub const ALL: [Decision; [$(Decision::$name),*].len()] = [$(Decision::$name),*];

            /// A short human label for briefings and the campaign screen.
            pub fn label(self) -> &'static str {
                match self { $( Decision::$name => $label, )* }
            }
        }
    };
}

decisions! {
    /// Staffing: who works where (`SetStaffing`).
    Staffing => "staffing",
    /// Choosing a stream's route (`ChooseRoute`).
    Routes => "routes",
    /// Protecting the constraint (`ProtectConstraint`).
    ProtectConstraint => "protect the constraint",
    /// Holding work in the backlog (`HoldWork`).
    HoldWork => "hold work",
    /// Freezing project work (`Freeze`).
    Freeze => "freeze projects",
    /// The release rule, push or drum-buffer-rope (`SetRelease`).
    Release => "release rule (drum-buffer-rope)",
    /// Accepting or refusing streams and items (`SetIntake`, `Refuse`).
    Intake => "refuse work",
    /// Batch sizes of the deploy step and batch centers (`SetBatchSize`).
    BatchSize => "batch size",
    /// Skipping a skippable step (`SkipStep`).
    SkipStep => "skip a step",
    /// WIP limits of the work centers (`SetWipLimit`).
    WipLimits => "WIP limits",
    /// The change advisory board's meetings and approvals (`SetBoardInterval`,
    /// `PreApproveStandard`, `BypassBoard`).
    ChangeBoard => "change board",
    /// Funding improvement work (`FundImprovement`).
    Improvements => "fund improvements",
    /// The share of time reserved for improvement work (`SetImprovementShare`).
    ImprovementShare => "improvement time",
    /// Triage of outages (`Triage`).
    Triage => "triage outages",
    /// Blameless postmortems (`Postmortem`, `PostmortemPractice`).
    Postmortems => "postmortems",
    /// Expediting items (`Expedite`).
    Expedite => "expedite",
}
