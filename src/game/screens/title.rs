//! The title screen is the campaign screen: the acts and levels with the player's progress,
//! the seed, and why a shared link did not start. Entering it ends the previous run (the
//! session); leaving it clears the start problem.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::Screen;
use crate::game::progress::SavedProgress;
use crate::game::session::{Session, StartLevel, StartProblem};
use crate::game::ui::{root_ui, title};

/// Choices on the title screen. They live as long as the app on purpose: a facilitator
/// who sets the workshop's seed keeps it from one level to the next.
#[derive(Resource)]
pub struct TitleChoices {
    /// Seed typed by the player or the facilitator.
    pub seed: u64,
    /// Whether the player has changed the seed (otherwise each level's own seed is used).
    pub custom_seed: bool,
    /// Whether "clear for the next group" is waiting for its confirmation.
    pub confirm_clear: bool,
    /// The team's name, written into run files.
    pub team: String,
}

impl Default for TitleChoices {
    fn default() -> Self {
        Self {
            seed: 1,
            custom_seed: false,
            confirm_clear: false,
            team: String::new(),
        }
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<TitleChoices>()
        .add_systems(OnEnter(Screen::Title), |mut commands: Commands| {
            commands.remove_resource::<Session>();
        })
        .add_systems(OnExit(Screen::Title), |mut commands: Commands| {
            commands.remove_resource::<StartProblem>();
        });
}

pub(super) fn ui_plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        title_screen.run_if(in_state(Screen::Title)),
    );
}

fn title_screen(
    mut contexts: EguiContexts,
    problem: Option<Res<StartProblem>>,
    mut choices: ResMut<TitleChoices>,
    mut saved: ResMut<SavedProgress>,
    mut start: MessageWriter<StartLevel>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx);
    egui::CentralPanel::default().show(&mut root, |ui| {
        if let Some(req) = title::show(ui, &mut choices, problem.as_deref(), &mut saved) {
            start.write(req);
        }
    });
    Ok(())
}
