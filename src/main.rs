//! flowkata, the game: Bevy with bevy_egui, natively or in the browser.
//!
//! `cargo run` opens the title screen; `cargo run -- --level brent --seed 3` starts a level.

use bevy::prelude::*;
use bevy_egui::EguiPlugin;
use flowkata::game::{self, launch::LaunchOptions};

fn main() {
    game::runs::install_panic_hook();
    #[cfg(target_arch = "wasm32")]
    game::web::install_console_log();

    App::new()
        .insert_resource(ClearColor(flowkata::game::theme::BACKGROUND))
        .insert_resource(LaunchOptions::from_environment())
        .add_plugins(DefaultPlugins.set(WindowPlugin {
            primary_window: Some(Window {
                title: "flowkata".into(),
                canvas: Some("#flowkata-canvas".into()),
                fit_canvas_to_parent: true,
                prevent_default_event_handling: true,
                ..default()
            }),
            ..default()
        }))
        .add_plugins(EguiPlugin::default())
        .add_plugins(game::plugin)
        .run();
}
