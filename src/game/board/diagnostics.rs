//! The board's cost per frame, in Bevy's diagnostics (`DiagnosticsStore`): the board's own
//! systems (scene, sprites, animation) and, where Bevy renders, the render world's
//! extraction. The web page publishes both (`window.__flowkata.frame`); the frame-time
//! harness (`benches/board.rs`, `game::probe`) prints them with the egui figures.

use std::sync::atomic::{AtomicU64, Ordering};

use bevy::diagnostic::{Diagnostic, DiagnosticPath, Diagnostics, RegisterDiagnostic};
use bevy::platform::time::Instant;
use bevy::prelude::*;

use super::BoardSystems;

/// CPU milliseconds per frame of the board's systems ([`BoardSystems`]).
pub const BOARD_UPDATE: DiagnosticPath = DiagnosticPath::const_new("flowkata/board_update_ms");
/// CPU milliseconds per frame of the render world's extraction (entity sync and the
/// `ExtractSchedule`), where a renderer runs.
pub const RENDER_EXTRACT: DiagnosticPath = DiagnosticPath::const_new("flowkata/render_extract_ms");
/// Frames kept in each diagnostic's history.
pub const HISTORY: usize = 240;

/// The last extraction's duration, nanoseconds (written by the wrapped extract function,
/// which runs outside the main world's schedules).
static EXTRACT_NS: AtomicU64 = AtomicU64::new(u64::MAX);

/// When the board's systems started this frame.
#[derive(Resource, Default)]
struct Started(Option<Instant>);

/// Registers the diagnostics and times the board's systems; wraps the render world's
/// extraction when there is one.
pub fn plugin(app: &mut App) {
    app.register_diagnostic(Diagnostic::new(BOARD_UPDATE).with_max_history_length(HISTORY))
        .register_diagnostic(Diagnostic::new(RENDER_EXTRACT).with_max_history_length(HISTORY))
        .init_resource::<Started>()
        .add_systems(Update, start.before(BoardSystems))
        .add_systems(Update, stop.after(BoardSystems))
        .add_systems(First, record_extract);
    if let Some(render) = app.get_sub_app_mut(bevy::render::RenderApp)
        && let Some(extract) = render.take_extract()
    {
        let mut extract = extract;
        render.set_extract(move |main, render| {
            let t = Instant::now();
            extract(main, render);
            EXTRACT_NS.store(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        });
    }
}

fn start(mut started: ResMut<Started>) {
    started.0 = Some(Instant::now());
}

fn stop(started: Res<Started>, mut diagnostics: Diagnostics) {
    if let Some(t) = started.0 {
        diagnostics.add_measurement(&BOARD_UPDATE, || t.elapsed().as_secs_f64() * 1000.0);
    }
}

fn record_extract(mut diagnostics: Diagnostics) {
    let ns = EXTRACT_NS.swap(u64::MAX, Ordering::Relaxed);
    if ns != u64::MAX {
        diagnostics.add_measurement(&RENDER_EXTRACT, || ns as f64 / 1e6);
    }
}
