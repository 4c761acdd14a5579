//! The title screen is the campaign screen: the acts and levels with the player's progress,
//! the seed, and why a shared link did not start. Entering it ends the previous run (the
//! session); leaving it clears the start problem.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::Screen;
use crate::game::files::{self, Inbox, Purpose};
use crate::game::launch::DrillSetup;
use crate::game::progress::SavedProgress;
use crate::game::runs::{self, Resume};
use crate::game::session::{Session, StartLevel, StartProblem};
use crate::game::ui::title::TitleChoices;
use crate::game::ui::workshop::{self, WorkshopChoice};
use crate::game::ui::{root_ui, title};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<TitleChoices>()
        .add_systems(
            OnEnter(Screen::Title),
            |mut commands: Commands,
             saved: Res<SavedProgress>,
             mut choices: ResMut<TitleChoices>| {
                commands.remove_resource::<Session>();
                choices.resumable = runs::resumable(&saved);
            },
        )
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

/// The QR code of the facilitator's link, drawn once per link.
#[derive(Default)]
struct QrCache(Option<(String, egui::TextureHandle)>);

#[allow(clippy::too_many_arguments)]
fn title_screen(
    mut contexts: EguiContexts,
    problem: Option<Res<StartProblem>>,
    mut choices: ResMut<TitleChoices>,
    mut saved: ResMut<SavedProgress>,
    mut start: MessageWriter<StartLevel>,
    mut resume: MessageWriter<Resume>,
    mut inbox: ResMut<Inbox>,
    mut drill: ResMut<DrillSetup>,
    mut next: ResMut<NextState<Screen>>,
    mut qr: Local<QrCache>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx);
    let web = cfg!(target_arch = "wasm32");
    let mut workshop_choice = None;
    egui::CentralPanel::default().show(&mut root, |ui| {
        if let Some(req) = title::show(
            ui,
            &mut choices,
            problem.as_deref(),
            &mut saved,
            &mut |ui, c: &mut TitleChoices| {
                let TitleChoices {
                    typed,
                    drill_form,
                    resumable,
                    ..
                } = c;
                workshop_choice = workshop::row(ui, typed, drill_form, resumable, web);
            },
        ) {
            start.write(req);
        }
    });
    let mut copy = None;
    let base = files::base_url();
    workshop::facilitator(
        ctx,
        &mut choices.drill_form,
        &base,
        &mut copy,
        &mut |ui, link| {
            if qr.0.as_ref().is_none_or(|(l, _)| l != link)
                && let Some(t) = workshop::qr_texture(ui.ctx(), link)
            {
                qr.0 = Some((link.to_string(), t));
            }
            if let Some((_, t)) = &qr.0 {
                ui.add(egui::Image::new(t).fit_to_exact_size(egui::vec2(260.0, 260.0)));
            }
        },
    );
    if let Some(text) = copy {
        files::copy(ctx, &text);
    }
    if drill.pending.is_some() && workshop::team_prompt(ctx, &mut choices.team) {
        start.write(drill.pending.take().expect("checked"));
    }
    match workshop_choice {
        Some(WorkshopChoice::OpenRun) => files::pick(Purpose::Run),
        Some(WorkshopChoice::OpenLevel) => files::pick(Purpose::Level),
        Some(WorkshopChoice::OpenTyped(t)) => inbox.push_typed(&t, Purpose::Run),
        Some(WorkshopChoice::OpenTypedLevel(t)) => inbox.push_typed(&t, Purpose::Level),
        Some(WorkshopChoice::Compare) => next.set(Screen::Compare),
        Some(WorkshopChoice::Resume(slot)) => {
            resume.write(Resume(slot));
        }
        Some(WorkshopChoice::Discard(slot)) => {
            saved.store.remove_slot(&slot);
            choices.resumable = runs::resumable(&saved);
        }
        None => {}
    }
    Ok(())
}
