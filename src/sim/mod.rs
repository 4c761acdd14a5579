//! The simulation core: no Bevy, no I/O beyond reading files on request.
//!
//! Start with [`Level`] (what is played), [`Simulation`] (one run of it), [`Action`] (what the
//! player decides) and [`RunReport`] (what came out).

pub mod balance;
pub mod campaign;
pub mod challenge;
pub mod command;
pub mod compare;
pub mod debrief;
pub mod dist;
pub mod dora;
pub mod engine;
pub mod error;
pub mod kata;
pub mod level;
pub mod luck;
pub mod metrics;
pub mod replicate;
pub mod rng;
pub mod rules;
pub mod run_file;
pub mod scrub;
pub mod soak;

pub use command::{
    Action, Assignee, Command, DIALS, Dial, DialRow, DialScale, SWITCHES, Switch,
    parse_command_log, write_command_log,
};
pub use dist::Dist;
pub use engine::{
    Activity, CenterView, ChangeBoardView, CommandError, Footprint, ImprovementView, ItemDetail,
    ItemPlace, ItemView, Job, JobKind, JobView, Outage, OutageCause, OutagePhase, OutageState,
    PostmortemState, SimTime, Simulation, Visit, WorkerView,
};
pub use error::{InputError, RunError};
pub use level::{Calendar, Culture, Level, ReleaseRule, Risk, WorkType};
pub use metrics::{CenterReport, RunMetrics, RunReport, Sample};
