//! Playing a level: the HUD, the board and the controls. The clock advances with real time
//! at the chosen speed in a pausable system; when the run is over, the debrief follows.
//! The selection (an item, an outage for triage) starts empty on entering a level and is
//! cleared on leaving it.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::Screen;
use crate::game::board::BoardSource;
use crate::game::launch::DrillSetup;
use crate::game::progress::SavedProgress;
use crate::game::session::SPEEDS;
use crate::game::session::{PlayerCommand, SIM_MINUTES_PER_SECOND, Session, TimeControl};
use crate::game::state::Selection;
use crate::game::ui::hints::HintChoice;
use crate::game::ui::kata::{self as kata_ui, RoundPlan};
use crate::game::ui::title::TitleChoices;
use crate::game::ui::views::LiveCharts;
use crate::game::ui::{board_overlay, briefing, controls, hints, hud, root_ui, views};
use crate::game::{AppSystems, PausableSystems};
use crate::sim::challenge::HintWatcher;
use crate::sim::kata::{self, DrillPhase};

/// The page state's play part: `liveCharts` (whether the live charts show) and, in a
/// drill, `drill`: `{ rounds, planned, reviewing }` (the round under review, else `null`).
fn publish_page(
    session: Option<Res<Session>>,
    drill: Option<Res<DrillPlay>>,
    charts: Res<LiveCharts>,
    mut page: ResMut<crate::game::page::PageState>,
) {
    page.set("liveCharts", charts.open);
    if let (Some(s), Some(d)) = (&session, &drill)
        && let (Some(spec), Some(story)) = (s.sim.level().drill, &s.storyboard)
    {
        page.set(
            "drill",
            serde_json::json!({
                "rounds": spec.rounds,
                "planned": story.rounds.len(),
                "reviewing": d.run.reviewing(),
            }),
        );
    }
}

/// The level's hints in this run: the core's watcher, and the hints due and not yet
/// dismissed (indices into the level's `hints`), oldest first.
#[derive(Resource, Default)]
pub struct Hints {
    /// Watches the run for the level's hints.
    pub watcher: HintWatcher,
    /// Due and not yet dismissed.
    pub due: Vec<usize>,
    /// Shown already (dismissed, or withdrawn once their trigger stopped holding after
    /// their minimum time), oldest first: the player can read them again.
    pub past: Vec<usize>,
}

/// A drill in play: the core's drill ([`kata::DrillRun`]: its phase, round boundaries and
/// measurements), the plan form being filled in, and the round's wall-clock timer (real
/// time, the shell's own).
#[derive(Resource, Default)]
pub struct DrillPlay {
    /// The drill's state in the core.
    pub run: kata::DrillRun,
    /// The plan being written for the next round.
    pub(crate) plan: RoundPlan,
    /// When the round under way started, real seconds since start-up.
    pub round_started: Option<f64>,
    /// Whether the round's timer ran out (the rest of it plays at top speed).
    pub timer_out: bool,
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<LiveCharts>()
        .add_systems(
            Last,
            publish_page
                .run_if(in_state(Screen::Play))
                .in_set(crate::game::page::PublishPage),
        )
        .add_systems(
            OnEnter(Screen::Play),
            |mut commands: Commands, session: Option<Res<Session>>| {
                commands.insert_resource(Selection::default());
                // A drill (also one resumed mid-way): the boundary reports so far, by replay.
                if let Some(s) = &session
                    && s.storyboard.is_some()
                {
                    commands.insert_resource(DrillPlay {
                        run: kata::DrillRun::resume(&s.sim),
                        ..Default::default()
                    });
                }
                let watcher =
                    session.map_or_else(HintWatcher::default, |s| HintWatcher::new(s.sim.level()));
                commands.insert_resource(Hints {
                    watcher,
                    ..Default::default()
                });
            },
        )
        .add_systems(OnExit(Screen::Play), |mut commands: Commands| {
            commands.insert_resource(Selection::default());
            commands.remove_resource::<Hints>();
            commands.remove_resource::<DrillPlay>();
        })
        .add_systems(
            Update,
            (
                advance_simulation.in_set(PausableSystems),
                drill_rounds,
                watch_hints,
                end_of_level,
            )
                .chain()
                .in_set(AppSystems::Advance)
                .run_if(in_state(Screen::Play)),
        );
}

/// Hints that became due join the queue, unless the player turned hints off; a hint due
/// whose trigger no longer holds after its minimum time is withdrawn to the earlier hints
/// ([`HintWatcher::withdrawn`]).
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
    // A hint whose moment has passed goes to the earlier hints, where it can be reread.
    let hints = &mut *hints;
    let (stale, keep): (Vec<usize>, Vec<usize>) = hints
        .due
        .iter()
        .partition(|&&i| hints.watcher.withdrawn(i, &session.sim));
    hints.due = keep;
    hints.past.extend(stale);
}

pub(super) fn ui_plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        play_screen.run_if(in_state(Screen::Play)),
    );
}

/// Advances the simulation by the frame's real time at the chosen speed (not while paused:
/// the system is in [`PausableSystems`]).
///
/// In a drill the clock stops at the end of each round, and does not start a round that
/// has not been planned.
fn advance_simulation(
    time: Res<Time>,
    session: Option<ResMut<Session>>,
    drill: Option<Res<DrillPlay>>,
) {
    let Some(mut session) = session else { return };
    let dt = f64::from(time.delta_secs()) * SIM_MINUTES_PER_SECOND * f64::from(session.speed);
    let target = session.sim.now() + dt;
    let limit = match &drill {
        Some(d) => d
            .run
            .clock_limit(&session.sim, session.storyboard.as_ref(), target),
        None => Some(target),
    };
    if let Some(t) = limit {
        session.sim.advance_to(t);
    }
}

/// In a drill: at the end of a round, its result is measured, the game pauses and the
/// team reviews it; a round whose wall-clock timer ran out plays on at top speed.
fn drill_rounds(
    session: Option<ResMut<Session>>,
    drill: Option<ResMut<DrillPlay>>,
    setup: Res<DrillSetup>,
    time: Res<Time<Real>>,
) {
    let (Some(mut session), Some(mut drill)) = (session, drill) else {
        return;
    };
    let session = &mut *session;
    if drill
        .run
        .after_advance(&session.sim, session.storyboard.as_mut())
        .is_some()
    {
        session.paused = true;
        drill.round_started = None;
    }
    if let (Some(minutes), Some(started)) = (setup.minutes, drill.round_started)
        && !drill.timer_out
        && time.elapsed_secs_f64() - started > minutes * 60.0
    {
        drill.timer_out = true;
        session.speed = *SPEEDS.last().expect("speeds");
        session.paused = false;
    }
}

/// A finished run (its end reached, or stopped on its event budget) goes to the debrief,
/// once a drill's last round has been reviewed.
fn end_of_level(
    session: Option<Res<Session>>,
    drill: Option<Res<DrillPlay>>,
    mut next: ResMut<NextState<Screen>>,
) {
    if session.is_some_and(|s| s.sim.is_finished())
        && drill.is_none_or(|d| d.run.reviewing().is_none())
    {
        next.set(Screen::Debrief);
    }
}

/// What the play screen sends on: the player's decisions and time controls.
#[derive(SystemParam)]
struct PlayOutput<'w> {
    orders: MessageWriter<'w, PlayerCommand>,
    time: MessageWriter<'w, TimeControl>,
}

#[allow(clippy::too_many_arguments)]
fn play_screen(
    mut contexts: EguiContexts,
    session: Option<ResMut<Session>>,
    choices: Res<TitleChoices>,
    hints: Option<ResMut<Hints>>,
    drill: Option<ResMut<DrillPlay>>,
    (time, setup, mut live, mut help): (
        Res<Time<Real>>,
        Res<DrillSetup>,
        ResMut<LiveCharts>,
        ResMut<crate::game::help::HelpOverlay>,
    ),
    mut saved: ResMut<SavedProgress>,
    mut output: PlayOutput,
    mut board_params: board_overlay::BoardParams,
) -> Result {
    let Some(mut session) = session else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let mut asks = PlayAsks {
        charts: live.open,
        help: help.0,
        ..default()
    };
    panels(&mut root_ui(ctx), &session, board_params.state(), &mut asks);
    let PlayAsks {
        time: clicks,
        download,
        charts,
        help: help_open,
        orders: out,
    } = asks;
    live.open = charts;
    help.0 = help_open;
    if live.open {
        live_charts(ctx, &session, &mut live);
    }
    if session.briefing {
        if briefing::show(ctx, &session.sim, session.sim.now() > 0.0) {
            session.briefing = false;
        }
    } else if let Some(mut hints) = hints {
        let level = session.sim.level();
        if let Some(&first) = hints.due.first() {
            match hints::show(ctx, &level.hints[first].text, hints.due.len() - 1) {
                Some(HintChoice::Dismiss) => {
                    let shown = hints.due.remove(0);
                    hints.past.push(shown);
                }
                Some(HintChoice::TurnOff) => {
                    hints.due.clear();
                    saved.progress.hints_off = true;
                    saved.save();
                }
                None => {}
            }
        } else {
            let texts: Vec<&str> = (hints.past.iter())
                .map(|&i| level.hints[i].text.as_str())
                .collect();
            hints::earlier(ctx, &texts);
        }
    }
    if let Some(mut drill) = drill {
        drill_windows(ctx, &mut session, &mut drill, time.elapsed_secs_f64());
        round_timer(
            ctx,
            &session,
            &drill,
            setup.minutes,
            time.elapsed_secs_f64(),
        );
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

/// What the player asked for in the play screen's panels this frame.
#[derive(Debug, Default)]
pub(crate) struct PlayAsks {
    /// Clock controls (pause, speed).
    pub time: Vec<TimeControl>,
    /// Download the run file.
    pub download: bool,
    /// Whether the live charts window is open (in: as it is; out: as asked).
    pub charts: bool,
    /// Whether the help overlay is open (in and out, as `charts`).
    pub help: bool,
    /// Commands for the run.
    pub orders: Vec<crate::sim::Action>,
}

/// The play screen's panels in `root`: the HUD on top, the decisions on the right and the
/// board (its text, its inspector and hover figures) in the transparent middle, over the
/// sprites. The screen and the frame-time harness (`game::probe`) both lay it out here.
pub(crate) fn panels(
    root: &mut egui::Ui,
    session: &Session,
    board: board_overlay::BoardState,
    asks: &mut PlayAsks,
) {
    egui::Panel::top("hud").show(root, |ui| {
        hud::show(
            ui,
            session,
            &mut asks.time,
            &mut asks.download,
            &mut asks.charts,
            &mut asks.help,
        )
    });
    egui::Panel::right("controls")
        .resizable(false)
        .default_size(290.0)
        .show(root, |ui| {
            controls::show(ui, session, board.selection, &mut asks.orders)
        });
    let style = root.ctx().global_style();
    egui::CentralPanel::default()
        .frame(egui::Frame::central_panel(&style).fill(egui::Color32::TRANSPARENT))
        .show(root, |ui| {
            board_overlay::show(
                ui,
                &session.sim,
                session.paused,
                BoardSource::Session,
                board,
                &mut asks.orders,
            )
        });
}

/// The live charts window: cumulative flow, lead time, utilization vs wait, as of the last
/// sample.
fn live_charts(ctx: &egui::Context, session: &Session, live: &mut LiveCharts) {
    live.refresh(&session.sim);
    let mpd = session.sim.level().calendar.minutes_per_day;
    let mut open = true;
    egui::Window::new("📈 Flow, live")
        .open(&mut open)
        .default_size([520.0, 300.0])
        .default_pos([20.0, 420.0])
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                for (k, name) in ["Cumulative flow", "Lead time", "Utilization vs wait"]
                    .into_iter()
                    .enumerate()
                {
                    if ui.selectable_label(live.tab == k, name).clicked() {
                        live.tab = k;
                    }
                }
            });
            match live.tab {
                0 => {
                    if let Some(cfd) = &live.cfd {
                        views::cfd(ui, cfd, mpd, None, 220.0);
                    }
                }
                1 => views::lead_scatter(ui, &live.lead, mpd, None, 220.0),
                _ => views::wait_curves(ui, &live.curves, 220.0),
            }
        });
    live.open = open;
}

/// The drill's windows: the review of the round just played, or the plan of the next.
fn drill_windows(ctx: &egui::Context, session: &mut Session, drill: &mut DrillPlay, now_real: f64) {
    let (Some(d), Some(story)) = (session.sim.level().drill, session.storyboard.as_mut()) else {
        return;
    };
    match drill.run.phase(&session.sim, story) {
        DrillPhase::Review { round } => {
            let last = round + 1 == d.rounds as usize;
            if let Some(r) = story.rounds.get_mut(round)
                && kata_ui::review(ctx, round, r, last)
            {
                drill.run.end_review();
            }
        }
        DrillPhase::Plan { round } => {
            let current = drill.run.current_condition(&session.sim, round).to_vec();
            if kata_ui::plan_form(ctx, round, d.rounds, story, &current, &mut drill.plan) {
                story.rounds.push(drill.plan.round(current));
                drill.plan.obstacle.clear();
                drill.plan.experiment.clear();
                drill.round_started = Some(now_real);
                drill.timer_out = false;
                session.paused = false;
            }
        }
        DrillPhase::Play { .. } | DrillPhase::Done => {}
    }
}

/// The round's wall-clock timer, when the facilitator set one: the time left, or that the
/// round plays out at top speed.
fn round_timer(
    ctx: &egui::Context,
    session: &Session,
    drill: &DrillPlay,
    minutes: Option<f64>,
    now_real: f64,
) {
    let (Some(minutes), Some(started), Some(d)) =
        (minutes, drill.round_started, session.sim.level().drill)
    else {
        return;
    };
    let k = d.round_at(
        session.sim.now(),
        session.sim.level().calendar.minutes_per_day,
    ) + 1;
    let text = if drill.timer_out {
        format!(
            "⏱ Round {k} of {}: time is up, the round plays out at top speed",
            d.rounds
        )
    } else {
        let left = (minutes * 60.0 - (now_real - started)).max(0.0) as u64;
        format!(
            "⏱ Round {k} of {}: {}:{:02} left",
            d.rounds,
            left / 60,
            left % 60
        )
    };
    egui::Area::new(egui::Id::new("round-timer"))
        .anchor(egui::Align2::CENTER_BOTTOM, egui::vec2(0.0, -12.0))
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.label(egui::RichText::new(text).size(18.0).strong());
            })
        });
}

#[cfg(test)]
mod tests {
    use bevy_egui::egui;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    use super::{PlayAsks, panels};
    use crate::game::board::{BoardPointer, BoardScene, BoardTarget};
    use crate::game::session::Session;
    use crate::game::state::Selection;
    use crate::game::ui::board_overlay::BoardState;
    use crate::sim::Level;

    struct Screen {
        session: Session,
        scene: BoardScene,
        target: BoardTarget,
        pointer: BoardPointer,
        selection: Selection,
    }

    /// The whole play screen at each size a workshop brings, paused, with an outage open
    /// and an item's inspector: the inspector stays on the board, never over the
    /// decisions panel, and the board keeps its place whether paused or not.
    #[test]
    fn the_inspector_docks_on_the_board_at_every_size() {
        for (w, h) in [
            (1024.0, 640.0),
            (1280.0, 720.0),
            (1920.0, 1080.0),
            (1024.0, 768.0),
            (1180.0, 820.0),
        ] {
            let mut board_top = Vec::new();
            for paused in [false, true] {
                let mut s = Screen {
                    session: Session::new(Level::embedded("phoenix").expect("shipped"), 3),
                    scene: BoardScene::default(),
                    target: BoardTarget::default(),
                    pointer: BoardPointer::default(),
                    selection: Selection::default(),
                };
                s.session.sim.advance_to(900.0);
                s.session.paused = paused;
                let item = (s.session.sim.center_views().iter())
                    .find_map(|c| c.queue.first().map(|i| i.id))
                    .expect("an item queued");
                s.selection.item = Some(item);
                let mut harness = Harness::builder()
                    .with_size(egui::vec2(w, h))
                    .build_ui_state(
                        |ui, s: &mut Screen| {
                            let board = BoardState {
                                scene: &s.scene.scene,
                                target: &mut s.target,
                                pointer: &mut s.pointer,
                                selection: &mut s.selection,
                                hover: None,
                            };
                            let mut asks = PlayAsks::default();
                            panels(
                                &mut crate::game::ui::root_ui(ui.ctx()),
                                &s.session,
                                board,
                                &mut asks,
                            );
                        },
                        s,
                    );
                harness.run();
                let area = harness.state().target.area.expect("the board is placed");
                board_top.push(area.min.y);
                let inspector = harness.get_by_label(&format!("Item #{item}")).rect();
                let decisions = harness.get_by_label("Decisions").rect();
                let at = format!("{w}×{h}, paused {paused}");
                assert!(
                    inspector.max.x <= area.max.x + 0.5 && inspector.min.x >= area.min.x - 0.5,
                    "{at}: the inspector {inspector:?} leaves the board {area:?}"
                );
                assert!(
                    inspector.max.x <= decisions.min.x,
                    "{at}: the inspector {inspector:?} covers the decisions panel at {decisions:?}"
                );
            }
            assert_eq!(
                board_top[0], board_top[1],
                "{w}×{h}: pausing moves the board"
            );
        }
    }
}
