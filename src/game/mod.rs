//! The Bevy shell: draws the state of the simulation core and turns player input into
//! [`crate::sim::Action`]s. No game rules live here.
//!
//! One plugin per concern, each a plain function:
//! - [`screens`]: the `Screen` state (title → play → debrief), one module per screen that
//!   owns its set-up, clean-up, transitions and egui system;
//! - [`session`]: owns the running [`crate::sim::Simulation`], starts levels and applies
//!   [`session::PlayerCommand`] and [`session::TimeControl`] messages;
//! - [`input`]: keyboard shortcuts in play;
//! - [`help`]: the shortcuts overlay (H) and the remembered text size;
//! - [`launch`]: a level to start at once, from the page address or the command line;
//! - [`progress`]: the player's campaign progress, saved between sessions;
//! - [`files`]: files in and out (picker, drop, downloads, clipboard, the page's address);
//! - [`runs`]: opening runs and custom levels, the autosave and resuming;
//! - [`board`]: the animated value stream in Bevy's 2D world, with picking;
//! - [`ui`]: the egui screens, the board's text and inspector, HUD, controls and debrief charts;
//! - [`web`]: the page glue on wasm (loading indicator, ready flag, sim clock).

use bevy::prelude::*;

pub mod board;
pub mod files;
pub mod help;
pub mod input;
pub mod launch;
pub mod page;
pub mod progress;
pub mod runs;
pub mod screens;
pub mod session;
pub mod state;
pub mod theme;
pub mod ui;

/// The board's frame-time harness (`cargo bench --features dev --bench board`): a
/// developer's tool, not part of the game, so it sits above the screens it lays out.
#[cfg(feature = "dev")]
pub mod probe;
pub mod web;

/// The order of the shell's systems within `Update`, configured once, here.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppSystems {
    /// Read input: keyboard shortcuts become messages.
    RecordInput,
    /// Start levels, apply time controls and player commands.
    Apply,
    /// Advance the clock, and leave a finished level.
    Advance,
}

/// Systems that stop while the game is paused ([`session::Session::paused`]): the clock.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PausableSystems;

/// The game without a window or a GPU: `MinimalPlugins`, states, input and
/// [`logic_plugin`], over `saved` (use [`progress::SavedProgress::in_memory`] so as never
/// to touch a player's saved progress), its clock advancing `frame` of time per update,
/// whatever the machine's speed. Not updated yet: add plugins, then update. The headless
/// tests and the frame-time harness (`probe`) build on it.
pub fn headless_app(saved: progress::SavedProgress, frame: std::time::Duration) -> App {
    let mut app = App::new();
    app.insert_resource(saved)
        .add_plugins((
            MinimalPlugins,
            bevy::state::app::StatesPlugin,
            bevy::input::InputPlugin,
            logic_plugin,
        ))
        .insert_resource(bevy::time::TimeUpdateStrategy::ManualDuration(frame));
    app
}

/// Everything that runs without a window or a GPU: screens, the session, input, launch
/// options and the board's sprites. The headless tests add only this, on top of `MinimalPlugins`, `StatesPlugin`
/// and `InputPlugin`.
pub fn logic_plugin(app: &mut App) {
    app.configure_sets(
        Update,
        (
            AppSystems::RecordInput,
            AppSystems::Apply,
            AppSystems::Advance,
        )
            .chain(),
    )
    .configure_sets(
        Update,
        PausableSystems
            .run_if(|s: Option<Res<session::Session>>| s.is_some_and(|s| !s.paused && !s.briefing)),
    );
    app.add_plugins((
        state::plugin,
        page::plugin,
        screens::plugin,
        session::plugin,
        input::plugin,
        launch::plugin,
        progress::plugin,
        files::plugin,
        runs::plugin,
        help::plugin,
        board::plugin,
    ));
}

/// The whole shell: the logic plus the egui interface and the web glue. Needs
/// `DefaultPlugins` and `bevy_egui::EguiPlugin`.
pub fn plugin(app: &mut App) {
    app.add_plugins((
        logic_plugin,
        ui::plugin,
        screens::ui_plugin,
        help::ui_plugin,
        web::plugin,
    ));
}
