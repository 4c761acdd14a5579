//! The decisions a level can offer the player: the level file's `decisions` list. Which
//! command belongs to which decision is the commands' job ([`crate::sim::command`]).

use serde::{Deserialize, Serialize};

/// Writes [`Decision`], [`Decision::ALL`], [`Decision::label`] and [`Decision::explain`]
/// from one table, so that a decision is added in one row: `Variant => "label", "what it
/// does",` under its doc comment. The rows'
/// order is the order of `ALL`, which is the order the controls panel shows them.
macro_rules! decisions {
    ($( $(#[doc = $doc:literal])* $name:ident => $label:literal, $what:literal, )*) => {
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

            /// What the decision does, in one sentence a new hire understands, for the
            /// level's briefing: what it acts on and what it changes, never whether to use
            /// it (the player finds that out).
            pub fn explain(self) -> &'static str {
                match self { $( Decision::$name => $what, )* }
            }
        }
    };
}

decisions! {
    /// Staffing: who works where (`SetStaffing`).
    Staffing => "staffing",
    "Choose who may work at which station, and who answers outages.",
    /// Choosing a stream's route (`ChooseRoute`).
    Routes => "routes",
    "Choose the route a stream's new work takes through the stations.",
    /// Protecting the constraint (`ProtectConstraint`).
    ProtectConstraint => "protect the constraint",
    "Keep the constraint's person on the constraint's own work; outages go to the others who can fix them.",
    /// Holding work in the backlog (`HoldWork`).
    HoldWork => "hold work",
    "Keep new work waiting in the backlog instead of releasing it to the first station.",
    /// Freezing project work (`Freeze`).
    Freeze => "freeze projects",
    "Stop releasing and starting business and internal projects; changes, outages and improvement work go on.",
    /// The release rule, push or drum-buffer-rope (`SetRelease`).
    Release => "release rule (drum-buffer-rope)",
    "Release work as it arrives (push), or only while few enough items are ahead of the constraint (drum-buffer-rope).",
    /// Accepting or refusing streams and items (`SetIntake`, `Refuse`).
    Intake => "refuse work",
    "Accept or refuse a stream's new work, or refuse one item waiting in the backlog; refused work never enters.",
    /// Batch sizes of the deploy step and batch centers (`SetBatchSize`).
    BatchSize => "batch size",
    "Set how many items a batch station or the deploy step gathers before it works them together.",
    /// Skipping a skippable step (`SkipStep`).
    SkipStep => "skip a step",
    "Send work straight past a station that may be skipped; every skipped step adds technical debt.",
    /// WIP limits of the work centers (`SetWipLimit`).
    WipLimits => "WIP limits",
    "Cap how many items a station may hold; a full station pulls no new work.",
    /// The change advisory board's meetings and approvals (`SetBoardInterval`,
    /// `PreApproveStandard`, `BypassBoard`).
    ChangeBoard => "change board",
    "Set how often the change advisory board meets, and which changes may go without its approval.",
    /// Funding improvement work (`FundImprovement`).
    Improvements => "fund improvements",
    "Fund a round of improvement work; it takes people's time now and changes how the work goes later.",
    /// The share of time reserved for improvement work (`SetImprovementShare`).
    ImprovementShare => "improvement time",
    "Reserve a share of everyone's time for improvement work.",
    /// Triage of outages (`Triage`).
    Triage => "triage outages",
    "Choose who fixes an outage, or defer it.",
    /// Blameless postmortems (`Postmortem`, `PostmortemPractice`).
    Postmortems => "postmortems",
    "Hold a blameless postmortem of a fixed outage; it costs someone's time.",
    /// Expediting items (`Expedite`).
    Expedite => "expedite",
    "Move one waiting item ahead of all other work.",
}
