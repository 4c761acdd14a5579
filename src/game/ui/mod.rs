//! The egui interface: one system per screen, composed of the parts in the child modules.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::input::UiHasKeyboardFocus;
use super::screens::Screen;
use super::session::{PlayerCommand, Session, StartLevel, StartProblem, TimeControl};

mod board;
mod controls;
mod debrief;
mod hud;
mod title;

#[cfg(test)]
mod tests;

/// Choices on the title screen that outlive a frame.
#[derive(Resource)]
pub struct TitleChoices {
    /// Seed typed by the player or the facilitator.
    pub seed: u64,
    /// Whether the player has changed the seed (otherwise each level's own seed is used).
    pub custom_seed: bool,
}

impl Default for TitleChoices {
    fn default() -> Self {
        Self {
            seed: 1,
            custom_seed: false,
        }
    }
}

/// Which outage the player has selected on the board for triage.
#[derive(Resource, Default)]
pub struct SelectedOutage(pub Option<u64>);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<TitleChoices>()
        .init_resource::<SelectedOutage>()
        .add_systems(Startup, spawn_camera)
        .add_systems(OnEnter(Screen::Play), |mut s: ResMut<SelectedOutage>| {
            s.0 = None
        })
        .add_systems(
            EguiPrimaryContextPass,
            (
                title_screen.run_if(in_state(Screen::Title)),
                play_screen.run_if(in_state(Screen::Play)),
                debrief_screen.run_if(in_state(Screen::Debrief)),
                track_keyboard_focus,
            ),
        );
}

fn spawn_camera(mut commands: Commands) {
    commands.spawn(Camera2d);
}

/// A `Ui` covering the whole window, to lay panels out in (egui 0.36 panels live in a `Ui`).
fn root_ui(ctx: &egui::Context) -> egui::Ui {
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

fn title_screen(
    mut contexts: EguiContexts,
    problem: Option<Res<StartProblem>>,
    mut choices: ResMut<TitleChoices>,
    mut start: MessageWriter<StartLevel>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx);
    egui::CentralPanel::default().show(&mut root, |ui| {
        if let Some(req) = title::show(ui, &mut choices, problem.as_deref()) {
            start.write(req);
        }
    });
    Ok(())
}

fn play_screen(
    mut contexts: EguiContexts,
    session: Option<Res<Session>>,
    mut selected: ResMut<SelectedOutage>,
    mut orders: MessageWriter<PlayerCommand>,
    mut time: MessageWriter<TimeControl>,
) -> Result {
    let Some(session) = session else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx);
    let mut out = Vec::new();
    let mut clicks = Vec::new();
    egui::Panel::top("hud").show(&mut root, |ui| hud::show(ui, &session, &mut clicks));
    egui::Panel::right("controls")
        .resizable(false)
        .default_size(290.0)
        .show(&mut root, |ui| {
            controls::show(ui, &session, &mut selected, &mut out)
        });
    egui::CentralPanel::default().show(&mut root, |ui| {
        board::show(ui, &session, &mut selected, &mut out)
    });
    for a in out {
        orders.write(PlayerCommand(a));
    }
    for c in clicks {
        time.write(c);
    }
    Ok(())
}

fn debrief_screen(
    mut contexts: EguiContexts,
    session: Option<Res<Session>>,
    mut start: MessageWriter<StartLevel>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let Some(session) = session else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx);
    egui::CentralPanel::default().show(&mut root, |ui| match debrief::show(ui, &session) {
        Some(debrief::Choice::Replay) => {
            start.write(StartLevel {
                level: session.sim.level().id.clone(),
                seed: Some(session.sim.seed()),
                speed: None,
            });
        }
        Some(debrief::Choice::LevelSelect) => next.set(Screen::Title),
        None => {}
    });
    Ok(())
}
