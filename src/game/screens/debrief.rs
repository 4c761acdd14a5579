//! The debrief: the level's result, the flow views (cumulative flow, lead-time scatter,
//! utilization versus wait, where the time went, DORA over the run, the events timeline),
//! the luck band and the time scrub; from here the player replays the same level and seed
//! or goes back to the level select. Entering it logs the result (the browser test and a
//! facilitator's console read it).
//!
//! The views are computed once on entering ([`DebriefViews`]). The luck analysis runs a few
//! seeds per frame ([`LUCK_FRAME_BUDGET_MS`]), so the page never blocks; the scrub replays
//! the run from snapshots ([`crate::sim::scrub`]).

use bevy::platform::time::Instant;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use tracing::{info, warn};

use super::Screen;
use crate::game::help::{KeyAction, pressed, pressed_nth};
use crate::game::progress::SavedProgress;
use crate::game::session::{Session, StartLevel};
use crate::game::ui::debrief_views::key_of;
pub use crate::game::ui::debrief_views::{DebriefViews, LuckRun, Scrub, Tab};
use crate::game::ui::title::TitleChoices;
use crate::game::ui::{debrief, root_ui};
use crate::sim::{campaign, rules};

/// Real milliseconds per frame the luck analysis may take: half the previous frame's time,
/// at least 8 ms (half a 60 Hz frame) and at most 100 ms, so the page keeps at least half
/// its frame rate while it runs, and a slow page (software rendering) still finishes soon.
pub const LUCK_FRAME_BUDGET_MS: (f64, f64) = (8.0, 100.0);

/// Seeds the luck band runs ([`rules::LUCK_DEFAULT_REPLICATIONS`], or `?luck=N`).
#[derive(Resource, Debug, Clone, Copy)]
pub struct LuckSeeds(pub u32);

impl Default for LuckSeeds {
    fn default() -> Self {
        Self(rules::LUCK_DEFAULT_REPLICATIONS)
    }
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Debrief), log_result)
        .add_systems(OnExit(Screen::Debrief), |mut commands: Commands| {
            commands.remove_resource::<DebriefViews>()
        })
        .add_systems(
            Update,
            (
                rebuild_views,
                // The debrief has no text field: its keys always reach it (its egui pass
                // drops widget focus, so Space never clicks a button, nor arrows a slider).
                shortcuts,
                run_luck,
                play_scrub,
            )
                .chain()
                .run_if(in_state(Screen::Debrief)),
        )
        .add_systems(
            Last,
            publish_page
                .run_if(in_state(Screen::Debrief))
                .in_set(crate::game::page::PublishPage),
        );
}

/// The page state's `debrief`: `{ tab, luck: { done, total, computeMs, wallMs, beats,
/// percentile, skill, luck, caveat }, scrub: { t, end, playing, viewTime, viewScore } }`
/// (`wallMs` and the report's figures once the luck analysis is done).
fn publish_page(views: Option<Res<DebriefViews>>, mut page: ResMut<crate::game::page::PageState>) {
    use crate::game::page::number;
    use serde_json::{Map, Value, json};
    let Some(v) = views else { return };
    let mut o = Map::new();
    o.insert("tab".into(), v.tab.label().into());
    if let Some(l) = &v.luck {
        let (done, total) = l.job.progress();
        let mut lo = Map::new();
        lo.insert("done".into(), done.into());
        lo.insert("total".into(), total.into());
        lo.insert("computeMs".into(), number(l.compute_ms));
        if let Some(w) = l.wall_ms {
            lo.insert("wallMs".into(), number(w));
        }
        if let Some(r) = &l.report {
            lo.insert("beats".into(), number(r.beats_baseline));
            lo.insert("percentile".into(), number(r.percentile));
            lo.insert("skill".into(), r.skill_sentence().into());
            lo.insert("luck".into(), r.luck_sentence().into());
            lo.insert("caveat".into(), r.caveat().into());
        }
        o.insert("luck".into(), Value::Object(lo));
    }
    if let Some(sc) = &v.scrub {
        o.insert(
            "scrub".into(),
            json!({
                "t": number(sc.t),
                "end": number(sc.scrubber.end()),
                "playing": sc.playing,
                "viewTime": number(sc.scrubber.view().now()),
                "viewScore": number(sc.scrubber.view().score()),
            }),
        );
    }
    page.set("debrief", Value::Object(o));
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

/// Computes the views on the debrief's first frame, and again when the session's run
/// changed under it (another run opened onto it).
fn rebuild_views(
    session: Option<Res<Session>>,
    views: Option<ResMut<DebriefViews>>,
    seeds: Res<LuckSeeds>,
    mut commands: Commands,
) {
    let Some(s) = session else { return };
    if views.is_none_or(|v| v.key != key_of(&s.sim)) {
        commands.insert_resource(DebriefViews::of(&s.sim, seeds.0));
    }
}

/// Keys on the debrief: 1–8 pick a tab; Space plays or pauses the scrub; ← and → jump to
/// the previous or next event; Home and End to the start and the end.
fn shortcuts(keys: Res<ButtonInput<KeyCode>>, views: Option<ResMut<DebriefViews>>) {
    let Some(mut v) = views else { return };
    if let Some(n) = pressed_nth(&keys, KeyAction::DebriefTab)
        && let Some(&tab) = Tab::ALL.get(n)
    {
        v.tab = tab;
    }
    if pressed(&keys, KeyAction::DebriefPlay)
        && let Some(s) = &mut v.scrub
    {
        s.toggle_play();
    }
    let jump = match (
        pressed_nth(&keys, KeyAction::DebriefEvent),
        pressed_nth(&keys, KeyAction::DebriefEnds),
    ) {
        (Some(0), _) => v.neighbour_event(false),
        (Some(_), _) => v.neighbour_event(true),
        (None, Some(0)) => Some(0.0),
        (None, Some(_)) => v.scrub.as_ref().map(|s| s.scrubber.end()),
        (None, None) => None,
    };
    if let Some(t) = jump {
        v.scrub_to(t);
    }
}

/// Runs luck seeds for up to [`LUCK_FRAME_BUDGET_MS`] of this frame.
fn run_luck(time: Res<Time<Real>>, views: Option<ResMut<DebriefViews>>) {
    let Some(mut v) = views else { return };
    let Some(l) = &mut v.luck else { return };
    if l.report.is_some() {
        return;
    }
    let (least, most) = LUCK_FRAME_BUDGET_MS;
    let budget = (0.5 * time.delta_secs_f64() * 1000.0).clamp(least, most);
    let start = Instant::now();
    loop {
        let done = l.job.step(1);
        let spent = start.elapsed().as_secs_f64() * 1000.0;
        if done {
            l.compute_ms += spent;
            l.wall_ms = Some(l.started.elapsed().as_secs_f64() * 1000.0);
            l.report = l.job.report();
            info!(
                "luck: {} seeds in {:.0} ms of compute ({:.0} ms on the wall)",
                l.job.progress().1,
                l.compute_ms,
                l.wall_ms.unwrap_or_default()
            );
            return;
        }
        if spent >= budget {
            l.compute_ms += spent;
            return;
        }
    }
}

/// Moves a playing scrub by the frame's real time ([`Scrub::play_for`]).
fn play_scrub(time: Res<Time<Real>>, views: Option<ResMut<DebriefViews>>) {
    if let Some(mut v) = views
        && let Some(s) = &mut v.scrub
    {
        s.play_for(time.delta_secs_f64());
    }
}

#[allow(clippy::too_many_arguments)]
fn debrief_screen(
    mut contexts: EguiContexts,
    session: Option<ResMut<Session>>,
    views: Option<ResMut<DebriefViews>>,
    saved: Res<SavedProgress>,
    choices: Res<TitleChoices>,
    mut start: MessageWriter<StartLevel>,
    mut next: ResMut<NextState<Screen>>,
    mut board_params: crate::game::ui::board_overlay::BoardParams,
) -> Result {
    let (Some(mut session), Some(mut views)) = (session, views) else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    // No widget keeps keyboard focus here, and no widget sees the shortcut keys: they are
    // the debrief's (`shortcuts`), so Space never also clicks a focused button, nor an arrow
    // moves the slider.
    if let Some(id) = ctx.memory(|m| m.focused()) {
        ctx.memory_mut(|m| m.surrender_focus(id));
    }
    ctx.input_mut(|i| {
        for key in [
            egui::Key::Space,
            egui::Key::ArrowLeft,
            egui::Key::ArrowRight,
            egui::Key::Home,
            egui::Key::End,
        ] {
            i.consume_key(egui::Modifiers::NONE, key);
        }
    });
    let mut root = root_ui(ctx);
    let following = campaign::next(&session.sim.level().id).filter(|n| saved.progress.unlocked(n));
    let unlocked = saved.just_unlocked.as_deref();
    // No fill: the Replay tab's board is drawn by Bevy underneath.
    egui::CentralPanel::default()
        .frame(egui::Frame::central_panel(&ctx.global_style()).fill(egui::Color32::TRANSPARENT))
        .show(&mut root, |ui| {
            match debrief::show(
                ui,
                &session,
                &mut views,
                unlocked,
                following,
                Some(board_params.state()),
            ) {
                Some(debrief::Choice::DownloadRun) => {
                    session.download_run(&saved.store, &choices.team);
                }
                Some(debrief::Choice::CopyLink) => {
                    let link = session
                        .run_file(&choices.team)
                        .to_link(&crate::game::files::base_url());
                    crate::game::files::copy(ui.ctx(), &link);
                    session.run_saved =
                        Some(format!("Run link copied ({} characters).", link.len()));
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
                        briefing: true,
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
                        briefing: false,
                    });
                }
                Some(debrief::Choice::LevelSelect) => next.set(Screen::Title),
                None => {}
            }
        });
    Ok(())
}
