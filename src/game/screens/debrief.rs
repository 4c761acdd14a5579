//! The debrief: the level's result, charts and lesson; from here the player replays the
//! same level and seed or goes back to the level select. Entering it logs the result (the
//! browser test and a facilitator's console read it).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::Screen;
use crate::game::progress::SavedProgress;
use crate::game::screens::title::TitleChoices;
use crate::game::session::{Session, StartLevel};
use crate::game::ui::{debrief, root_ui};
use crate::sim::campaign;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Debrief), log_result);
}

pub(super) fn ui_plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        debrief_screen.run_if(in_state(Screen::Debrief)),
    );
}

fn log_result(session: Option<Res<Session>>) {
    let Some(s) = session else { return };
    match s.sim.halted() {
        Some(e) => warn!("level {} stopped early: {e}", s.sim.level().id),
        None => info!(
            "level {} (seed {}) ended: score {:.0}",
            s.sim.level().id,
            s.sim.seed(),
            s.sim.score()
        ),
    }
}

fn debrief_screen(
    mut contexts: EguiContexts,
    session: Option<ResMut<Session>>,
    saved: Res<SavedProgress>,
    choices: Res<TitleChoices>,
    mut start: MessageWriter<StartLevel>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let Some(mut session) = session else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx);
    let following = campaign::next(&session.sim.level().id).filter(|n| saved.progress.unlocked(n));
    let unlocked = saved.just_unlocked.as_deref();
    egui::CentralPanel::default().show(&mut root, |ui| {
        match debrief::show(ui, &session, unlocked, following) {
            Some(debrief::Choice::DownloadRun) => {
                session.download_run(&saved.store, &choices.team);
            }
            Some(debrief::Choice::CopyLink) => {
                let link = session
                    .run_file(&choices.team)
                    .to_link(&crate::game::files::base_url());
                crate::game::files::copy(ui.ctx(), &link);
                session.run_saved = Some(format!("Run link copied ({} characters).", link.len()));
            }
            Some(debrief::Choice::Continue) => {
                session.opened = None;
                session.paused = true;
                next.set(Screen::Play);
            }
            Some(debrief::Choice::Next(id)) => {
                start.write(StartLevel {
                    level: id,
                    seed: None,
                    speed: None,
                    ..Default::default()
                });
            }
            Some(debrief::Choice::Replay) => {
                // The same level (a custom one again from its text), seed and drill.
                let level = session.sim.level();
                let shipped = crate::sim::level::embedded_source(&level.id)
                    .is_some_and(|s| s == session.source);
                start.write(StartLevel {
                    level: level.id.clone(),
                    seed: Some(session.sim.seed()),
                    speed: None,
                    drill: level.drill,
                    custom: (!shipped).then(|| (level.id.clone(), session.source.clone())),
                });
            }
            Some(debrief::Choice::LevelSelect) => next.set(Screen::Title),
            None => {}
        }
    });
    Ok(())
}
