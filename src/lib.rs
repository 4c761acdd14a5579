//! flowkata: a game and improvement-kata platform that teaches flow in IT work.
//!
//! The crate has two halves:
//! - [`sim`], the simulation core: levels, work items, work centers, workers, the event-driven
//!   engine, player commands, metrics and scoring. It never imports Bevy and builds with
//!   `--no-default-features`.
//! - `game` (behind the default `game` feature), the Bevy + bevy_egui shell that draws the
//!   state of the core and turns player input into [`sim::Action`]s.

pub mod sim;

#[cfg(feature = "game")]
pub mod game;
