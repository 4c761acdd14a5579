//! Playing a level: the HUD, the board and the controls. The clock advances with real time
//! at the chosen speed in a pausable system; when the run is over, the debrief follows.
//! The outage selected for triage lives only while the screen does.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::Screen;
use crate::game::progress::SavedProgress;
use crate::game::screens::title::TitleChoices;
use crate::game::session::{PlayerCommand, SIM_MINUTES_PER_SECOND, Session, TimeControl};
use crate::game::ui::hints::HintChoice;
use crate::game::ui::{board, controls, hints, hud, root_ui};
use crate::game::{AppSystems, PausableSystems};
use crate::sim::challenge::HintWatcher;

/// Which outage the player has selected on the board for triage.
#[derive(Resource, Default)]
pub struct SelectedOutage(pub Option<u64>);

/// The level's hints in this run: the core's watcher, and the hints due and not yet
/// dismissed (indices into the level's `hints`), oldest first.
#[derive(Resource, Default)]
pub struct Hints {
    /// Watches the run for the level's hints.
    pub watcher: HintWatcher,
    /// Due and not yet dismissed.
    pub due: Vec<usize>,
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        OnEnter(Screen::Play),
        |mut commands: Commands, session: Option<Res<Session>>| {
            commands.init_resource::<SelectedOutage>();
            let watcher =
                session.map_or_else(HintWatcher::default, |s| HintWatcher::new(s.sim.level()));
            commands.insert_resource(Hints {
                watcher,
                due: Vec::new(),
            });
        },
    )
    .add_systems(OnExit(Screen::Play), |mut commands: Commands| {
        commands.remove_resource::<SelectedOutage>();
        commands.remove_resource::<Hints>();
    })
    .add_systems(
        Update,
        (
            advance_simulation.in_set(PausableSystems),
            watch_hints,
            end_of_level,
        )
            .chain()
            .in_set(AppSystems::Advance)
            .run_if(in_state(Screen::Play)),
    );
}

/// Hints that became due join the queue, unless the player turned hints off.
fn watch_hints(
    session: Option<Res<Session>>,
    hints: Option<ResMut<Hints>>,
    saved: Option<Res<SavedProgress>>,
) {
    let (Some(session), Some(mut hints)) = (session, hints) else {
        return;
    };
    let due = hints.watcher.check(&session.sim);
    if saved.is_some_and(|s| s.progress.hints_off) {
        return;
    }
    hints.due.extend(due);
}

pub(super) fn ui_plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        play_screen.run_if(in_state(Screen::Play)),
    );
}

/// Advances the simulation by the frame's real time at the chosen speed (not while paused:
/// the system is in [`PausableSystems`]).
fn advance_simulation(time: Res<Time>, session: Option<ResMut<Session>>) {
    let Some(mut session) = session else { return };
    let dt = f64::from(time.delta_secs()) * SIM_MINUTES_PER_SECOND * f64::from(session.speed);
    let target = session.sim.now() + dt;
    session.sim.advance_to(target);
}

/// A finished run (its end reached, or stopped on its event budget) goes to the debrief.
fn end_of_level(session: Option<Res<Session>>, mut next: ResMut<NextState<Screen>>) {
    if session.is_some_and(|s| s.sim.is_finished()) {
        next.set(Screen::Debrief);
    }
}

/// What the play screen sends on: the player's decisions and time controls.
#[derive(SystemParam)]
struct PlayOutput<'w> {
    orders: MessageWriter<'w, PlayerCommand>,
    time: MessageWriter<'w, TimeControl>,
}

fn play_screen(
    mut contexts: EguiContexts,
    session: Option<ResMut<Session>>,
    choices: Res<TitleChoices>,
    selected: Option<ResMut<SelectedOutage>>,
    hints: Option<ResMut<Hints>>,
    mut saved: ResMut<SavedProgress>,
    mut output: PlayOutput,
) -> Result {
    let (Some(mut session), Some(mut selected)) = (session, selected) else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx);
    let mut out = Vec::new();
    let mut clicks = Vec::new();
    let mut download = false;
    egui::Panel::top("hud").show(&mut root, |ui| {
        hud::show(ui, &session, &mut clicks, &mut download)
    });
    egui::Panel::right("controls")
        .resizable(false)
        .default_size(290.0)
        .show(&mut root, |ui| {
            controls::show(ui, &session, &mut selected, &mut out)
        });
    egui::CentralPanel::default().show(&mut root, |ui| {
        board::show(ui, &session, &mut selected, &mut out)
    });
    if let Some(mut hints) = hints
        && let Some(&first) = hints.due.first()
    {
        let text = &session.sim.level().hints[first].text;
        match hints::show(ctx, text, hints.due.len() - 1) {
            Some(HintChoice::Dismiss) => {
                hints.due.remove(0);
            }
            Some(HintChoice::TurnOff) => {
                hints.due.clear();
                saved.progress.hints_off = true;
                saved.save();
            }
            None => {}
        }
    }
    if download {
        session.download_run(&saved.store, &choices.team);
    }
    for a in out {
        output.orders.write(PlayerCommand(a));
    }
    for c in clicks {
        output.time.write(c);
    }
    Ok(())
}
