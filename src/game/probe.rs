//! The board's frame-time harness (issue 11's budget: at most 4 ms of CPU per frame for
//! the game's own systems with 2,000 items in flight). It runs natively without a window
//! or GPU:
//! - the game's logic plugins (the board's among them) on `MinimalPlugins` play a level at
//!   16×, one 60 Hz frame per update; the board's systems are timed by Bevy's diagnostics
//!   ([`crate::game::board::diagnostics::BOARD_UPDATE`]);
//! - the play screen's egui interface (HUD, controls, the board's text and inspector) is
//!   built on an egui context at the window's size each frame, with the same run and scene,
//!   and its building and its tessellation are timed separately.
//!
//! Render extraction needs a renderer (a GPU, or the browser's WebGL): the web page
//! publishes it from [`crate::game::board::diagnostics::RENDER_EXTRACT`]. `benches/board.rs` prints
//! the figures; no test asserts a time.

use std::time::{Duration, Instant};

use bevy::diagnostic::{DiagnosticsPlugin, DiagnosticsStore};
use bevy::prelude::*;
use bevy_egui::egui;

use crate::game::board::{BoardScene, BoardTarget};
use crate::game::progress::SavedProgress;
use crate::game::screens::play;
use crate::game::session::{Session, StartLevel};
use crate::game::ui::{board_overlay, root_ui};

/// Figures of one measured series, milliseconds per frame.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Series {
    /// Median.
    pub p50: f64,
    /// 90th percentile (nearest rank).
    pub p90: f64,
    /// Largest.
    pub max: f64,
}

impl Series {
    fn of(mut v: Vec<f64>) -> Self {
        if v.is_empty() {
            return Self::default();
        }
        v.sort_by(f64::total_cmp);
        let [p50, p90] = crate::sim::replicate::nearest_rank_quantiles(&v, [0.5, 0.9]);
        Self {
            p50,
            p90,
            max: v[v.len() - 1],
        }
    }
}

/// What the harness measured.
#[derive(Clone, Debug, Default)]
pub struct ProbeReport {
    /// Window size, logical pixels.
    pub window: (f32, f32),
    /// Frames measured.
    pub frames: usize,
    /// Items in flight (released, not done) when measuring began, and in the backlog.
    pub in_flight: u32,
    /// Items waiting in the backlog then.
    pub backlog: usize,
    /// Tokens on the board (one per item) and how many were visible (not collapsed).
    pub tokens: (usize, usize),
    /// The board's systems, from Bevy's diagnostics.
    pub board_update: Series,
    /// Building the play screen's egui interface.
    pub egui_build: Series,
    /// Tessellating it.
    pub egui_tessellate: Series,
}

/// Plays the level `text` (a level file named `name`) with `seed` until at least
/// `in_flight` items are in flight, then measures `frames` frames at 16× in a
/// `width`×`height` window.
///
/// # Errors
/// The level's validation error, or that the run ended before reaching `in_flight`.
pub fn run(
    name: &str,
    text: &str,
    seed: u64,
    in_flight: u32,
    frames: usize,
    (width, height): (f32, f32),
) -> Result<ProbeReport, String> {
    let mut app =
        crate::game::headless_app(SavedProgress::in_memory(), Duration::from_micros(16_667));
    app.add_plugins(DiagnosticsPlugin);
    app.update();
    app.world_mut().write_message(StartLevel {
        level: String::new(),
        seed: Some(seed),
        speed: Some(16),
        custom: Some((name.to_string(), text.to_string())),
        ..Default::default()
    });
    app.update();
    app.update();
    {
        let Some(mut s) = app.world_mut().get_resource_mut::<Session>() else {
            return Err(format!("{name} did not start"));
        };
        let mut t = s.sim.now();
        while s.sim.wip() < in_flight {
            t += 10.0;
            if t >= s.sim.end() {
                return Err(format!("{name} never had {in_flight} items in flight"));
            }
            s.sim.advance_to(t);
        }
        s.paused = false;
        s.speed = 16;
    }

    // The play screen's egui layout at this window size, to place the board where the
    // game would.
    let ctx = egui::Context::default();
    ctx.set_visuals(egui::Visuals::dark());
    let raw = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(width, height),
        )),
        ..Default::default()
    };
    let mut builds = Vec::with_capacity(frames);
    let mut tessellations = Vec::with_capacity(frames);
    let mut report = ProbeReport {
        window: (width, height),
        frames,
        ..Default::default()
    };
    let warm_up = 30;
    for f in 0..frames + warm_up {
        // The egui pass of the frame: the interface over the current run and scene.
        let world = app.world_mut();
        let mut target = world.resource::<BoardTarget>().clone();
        let mut pointer = crate::game::board::BoardPointer::default();
        let mut selection = *world.resource::<crate::game::state::Selection>();
        let t0 = Instant::now();
        let output = {
            let session = world.resource::<Session>();
            let scene = &world.resource::<BoardScene>().scene;
            ctx.run_ui(raw(), |ui| {
                let ctx = ui.ctx().clone();
                play::panels(
                    &mut root_ui(&ctx),
                    session,
                    board_overlay::BoardState {
                        scene,
                        target: &mut target,
                        pointer: &mut pointer,
                        selection: &mut selection,
                        hover: None,
                    },
                    &mut play::PlayAsks::default(),
                );
            })
        };
        let t1 = Instant::now();
        let mut output = output;
        // No renderer takes the font atlas here.
        output.textures_delta.clear();
        let shapes = ctx.tessellate(output.shapes, output.pixels_per_point);
        let t2 = Instant::now();
        std::hint::black_box(shapes);
        *world.resource_mut::<BoardTarget>() = target;
        if f >= warm_up {
            builds.push((t1 - t0).as_secs_f64() * 1000.0);
            tessellations.push((t2 - t1).as_secs_f64() * 1000.0);
        }
        if f == warm_up {
            let s = world.resource::<Session>();
            report.in_flight = s.sim.wip();
            report.backlog = s.sim.backlog_len();
            let scene = &world.resource::<BoardScene>().scene;
            report.tokens = (
                scene.tokens.len(),
                scene.tokens.iter().filter(|t| t.visible).count(),
            );
            // Only the measured frames in the board's history.
            if let Some(d) = world
                .resource_mut::<DiagnosticsStore>()
                .get_mut(&crate::game::board::diagnostics::BOARD_UPDATE)
            {
                d.clear_history();
            }
        }
        app.update();
    }
    let store = app.world().resource::<DiagnosticsStore>();
    let board: Vec<f64> = store
        .get(&crate::game::board::diagnostics::BOARD_UPDATE)
        .map(|d| d.values().copied().collect())
        .unwrap_or_default();
    report.board_update = Series::of(board);
    report.egui_build = Series::of(builds);
    report.egui_tessellate = Series::of(tessellations);
    Ok(report)
}
