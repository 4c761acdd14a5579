//! The egui parts the screens are drawn with: title, HUD, board, controls and debrief, each
//! a plain function of what it shows that returns what the player asked for (tested with
//! egui_kittest in `tests.rs`). The screen systems that place them live in
//! [`crate::game::screens`]; this plugin adds the camera and tracks keyboard focus.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::input::UiHasKeyboardFocus;

pub(crate) mod board_overlay;
pub(crate) mod compare;
pub(crate) mod controls;
pub(crate) mod debrief;
pub mod debrief_views;
pub(crate) mod goals;
pub(crate) mod hints;
pub(crate) mod hud;
pub(crate) mod kata;
pub mod title;
pub mod views;
pub(crate) mod workshop;

#[cfg(test)]
mod tests;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, spawn_camera)
        .add_systems(EguiPrimaryContextPass, track_keyboard_focus);
}

fn spawn_camera(mut commands: Commands) {
    commands.spawn(Camera2d);
}

/// A `Ui` covering the whole window, to lay panels out in (egui 0.36 panels live in a `Ui`).
pub(crate) fn root_ui(ctx: &egui::Context) -> egui::Ui {
    egui::Ui::new(
        ctx.clone(),
        "flowkata-root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    )
}

fn track_keyboard_focus(
    mut contexts: EguiContexts,
    mut focus: ResMut<UiHasKeyboardFocus>,
) -> Result {
    focus.0 = contexts.ctx_mut()?.egui_wants_keyboard_input();
    Ok(())
}
