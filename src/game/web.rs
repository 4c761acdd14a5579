//! Page glue on wasm: hides the page's loading indicator once the first frames are drawn, and
//! publishes `window.__flowkata` = `{ ready, screen, level, seed, simTime, finished, score,
//! stars, commands, stateHash, unlocked, opened, problem, compare, drill }` for the page and
//! the browser test: the hash once the run has ended; `unlocked` the campaign levels the
//! saved progress opens; `opened` the verified-run notice of an opened run; `problem` why
//! the last start or open failed; `compare` the Compare screen's rows in order (`{ team,
//! status, score }`); `drill` `{ rounds, planned, reviewing }` in a drill; `debrief` on the
//! debrief: `{ tab, luck: { done, total, computeMs, wallMs, beats, percentile, skill, luck,
//! caveat }, scrub: { t, end, playing, viewTime, viewScore } }`; `liveCharts` in play, whether
//! the live charts show; `help` whether the help overlay shows; `uiScale` the text size. Natively it does nothing.

#[cfg(not(target_arch = "wasm32"))]
use bevy::prelude::App;
#[cfg(target_arch = "wasm32")]
use bevy::prelude::*;

#[cfg(target_arch = "wasm32")]
use super::progress::SavedProgress;
#[cfg(target_arch = "wasm32")]
use super::screens::Screen;
#[cfg(target_arch = "wasm32")]
use super::session::Session;

pub(super) fn plugin(_app: &mut App) {
    #[cfg(target_arch = "wasm32")]
    _app.add_systems(Last, publish_page_state);
}

#[cfg(target_arch = "wasm32")]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn publish_page_state(
    screen: Res<State<Screen>>,
    session: Option<Res<Session>>,
    saved: Option<Res<SavedProgress>>,
    problem: Option<Res<crate::game::session::StartProblem>>,
    runs: Option<Res<crate::game::screens::compare::CompareRuns>>,
    drill: Option<Res<crate::game::screens::play::DrillPlay>>,
    debrief: Option<Res<crate::game::ui::debrief_views::DebriefViews>>,
    charts: Option<Res<crate::game::ui::views::LiveCharts>>,
    display: (
        Option<Res<crate::game::help::HelpOverlay>>,
        Option<Res<crate::game::help::UiScale>>,
    ),
    board: (
        Option<Res<crate::game::board::BoardScene>>,
        Option<Res<crate::game::state::Selection>>,
        Option<Res<bevy::diagnostic::DiagnosticsStore>>,
        Option<Res<crate::game::board::BoardPointer>>,
        Option<Res<crate::game::input::UiHasKeyboardFocus>>,
    ),
    mut frames: Local<u32>,
) {
    use wasm_bindgen::JsValue;
    *frames += 1;
    let Some(window) = web_sys::window() else {
        return;
    };
    let state = js_sys::Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = js_sys::Reflect::set(&state, &JsValue::from_str(k), &v);
    };
    // Ready once a few frames have been drawn: the canvas shows the game.
    let ready = *frames >= 3;
    set("ready", JsValue::from_bool(ready));
    set("screen", JsValue::from_str(&format!("{:?}", screen.get())));
    if let Some(s) = &session {
        set("level", JsValue::from_str(&s.sim.level().id));
        set("seed", JsValue::from_f64(s.sim.seed() as f64));
        set("simTime", JsValue::from_f64(s.sim.now()));
        set("finished", JsValue::from_bool(s.sim.is_finished()));
        set("score", JsValue::from_f64(s.sim.score()));
        set("commands", JsValue::from_f64(s.sim.commands().len() as f64));
        if s.sim.is_finished() {
            set("stars", JsValue::from_f64(f64::from(s.sim.report().stars)));
        }
        if s.sim.is_finished() {
            set("stateHash", JsValue::from_str(&s.sim.state_hash()));
        }
    }
    if let Some(s) = &session
        && let Some(o) = &s.opened
    {
        set("opened", JsValue::from_str(o));
    }
    if let Some(p) = &problem {
        set("problem", JsValue::from_str(&p.0));
    }
    if let Some(runs) = runs.filter(|_| *screen.get() == Screen::Compare) {
        let rows = js_sys::Array::new();
        for (row, e) in runs.comparison.rows().iter().zip(&runs.comparison.entries) {
            let o = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&o, &"team".into(), &JsValue::from_str(&e.team()));
            let _ = js_sys::Reflect::set(&o, &"status".into(), &JsValue::from_str(&row[2]));
            let _ = js_sys::Reflect::set(
                &o,
                &"score".into(),
                &JsValue::from_f64(e.score().unwrap_or(f64::NAN)),
            );
            rows.push(&o);
        }
        set("compare", rows.into());
    }
    if let (Some(s), Some(d)) = (&session, &drill)
        && let (Some(spec), Some(story)) = (s.sim.level().drill, &s.storyboard)
    {
        let o = js_sys::Object::new();
        let _ = js_sys::Reflect::set(
            &o,
            &"rounds".into(),
            &JsValue::from_f64(f64::from(spec.rounds)),
        );
        let _ = js_sys::Reflect::set(
            &o,
            &"planned".into(),
            &JsValue::from_f64(story.rounds.len() as f64),
        );
        let _ = js_sys::Reflect::set(
            &o,
            &"reviewing".into(),
            &d.run
                .reviewing()
                .map_or(JsValue::NULL, |r| JsValue::from_f64(r as f64)),
        );
        set("drill", o.into());
    }
    if let Some(h) = &display.0 {
        set("help", JsValue::from_bool(h.0));
    }
    if let Some(f) = &board.4 {
        set("textFocus", JsValue::from_bool(f.0));
    }
    if let Some(u) = &display.1 {
        set("uiScale", JsValue::from_f64(f64::from(u.factor)));
    }
    if let (Some(b), Some(sel)) = (&board.0, &board.1)
        && b.key.is_some()
    {
        // The board: what it shows, the first shown token and alarm (board pixels, which
        // are CSS pixels), the selection, and the frame's costs from Bevy's diagnostics.
        let o = js_sys::Object::new();
        let put = |o: &js_sys::Object, k: &str, v: JsValue| {
            let _ = js_sys::Reflect::set(o, &JsValue::from_str(k), &v);
        };
        let sc = &b.scene;
        put(&o, "tokens", JsValue::from_f64(sc.tokens.len() as f64));
        let shown = sc.tokens.iter().filter(|t| t.visible).count();
        put(&o, "shown", JsValue::from_f64(shown as f64));
        put(&o, "people", JsValue::from_f64(sc.people.len() as f64));
        put(&o, "alarms", JsValue::from_f64(sc.alarms.len() as f64));
        let point = |id: u64, p: bevy::math::Vec2| {
            let t = js_sys::Object::new();
            put(&t, "id", JsValue::from_f64(id as f64));
            put(&t, "x", JsValue::from_f64(f64::from(p.x)));
            put(&t, "y", JsValue::from_f64(f64::from(p.y)));
            JsValue::from(t)
        };
        // Only what a click can reach (not under an egui window such as a hint).
        let free = |p: bevy::math::Vec2| board.3.as_ref().is_none_or(|b| b.allows(p));
        if let Some(t) = sc
            .tokens
            .iter()
            .rev()
            .find(|t| t.visible && !t.in_service && free(t.pos))
        {
            put(&o, "waitingToken", point(t.item.id, t.pos));
        }
        if let Some(a) = sc.alarms.iter().find(|a| free(a.pos)) {
            put(&o, "alarm", point(a.id, a.pos));
        }
        if let Some(id) = sel.item {
            put(&o, "selected", JsValue::from_f64(id as f64));
        }
        if let Some(id) = sel.outage {
            put(&o, "selectedOutage", JsValue::from_f64(id as f64));
        }
        if let Some(store) = &board.2 {
            use crate::game::board::diagnostics::{BOARD_UPDATE, RENDER_EXTRACT};
            for (k, path) in [("updateMs", &BOARD_UPDATE), ("extractMs", &RENDER_EXTRACT)] {
                if let Some(avg) = store.get(path).and_then(|d| d.average()) {
                    put(&o, k, JsValue::from_f64(avg));
                }
            }
        }
        set("board", o.into());
    }
    if let Some(c) = charts.filter(|_| *screen.get() == Screen::Play) {
        set("liveCharts", JsValue::from_bool(c.open));
    }
    if let Some(v) = debrief.filter(|_| *screen.get() == Screen::Debrief) {
        let o = js_sys::Object::new();
        let put = |o: &js_sys::Object, k: &str, v: JsValue| {
            let _ = js_sys::Reflect::set(o, &JsValue::from_str(k), &v);
        };
        put(&o, "tab", JsValue::from_str(v.tab.label()));
        if let Some(l) = &v.luck {
            let lo = js_sys::Object::new();
            let (done, total) = l.job.progress();
            put(&lo, "done", JsValue::from_f64(done as f64));
            put(&lo, "total", JsValue::from_f64(total as f64));
            put(&lo, "computeMs", JsValue::from_f64(l.compute_ms));
            if let Some(w) = l.wall_ms {
                put(&lo, "wallMs", JsValue::from_f64(w));
            }
            if let Some(r) = &l.report {
                put(&lo, "beats", JsValue::from_f64(r.beats_baseline));
                put(&lo, "percentile", JsValue::from_f64(r.percentile));
                put(&lo, "skill", JsValue::from_str(&r.skill_sentence()));
                put(&lo, "luck", JsValue::from_str(&r.luck_sentence()));
                put(&lo, "caveat", JsValue::from_str(&r.caveat()));
            }
            put(&o, "luck", lo.into());
        }
        if let Some(sc) = &v.scrub {
            let so = js_sys::Object::new();
            put(&so, "t", JsValue::from_f64(sc.t));
            put(&so, "end", JsValue::from_f64(sc.scrubber.end()));
            put(&so, "playing", JsValue::from_bool(sc.playing));
            put(&so, "viewTime", JsValue::from_f64(sc.scrubber.view().now()));
            put(
                &so,
                "viewScore",
                JsValue::from_f64(sc.scrubber.view().score()),
            );
            put(&o, "scrub", so.into());
        }
        set("debrief", o.into());
    }
    if let Some(saved) = &saved {
        let unlocked = js_sys::Array::new();
        for id in crate::sim::campaign::campaign_levels() {
            if saved.progress.unlocked(id) {
                unlocked.push(&JsValue::from_str(id));
            }
        }
        set("unlocked", unlocked.into());
    }
    let _ = js_sys::Reflect::set(&window, &JsValue::from_str("__flowkata"), &state);
    if ready && *frames == 3 {
        if let Some(el) = window
            .document()
            .and_then(|d| d.get_element_by_id("loading"))
        {
            let _ = el.set_attribute("hidden", "");
        }
        web_sys::console::log_1(&JsValue::from_str("flowkata: ready"));
    }
}

/// The shell's log lines on the web: warnings and errors from everything, and `info` from
/// flowkata itself, to the browser's console. Bevy's LogPlugin does this natively; on the web
/// it is left out, because its filter's regex engine would add 0.4 MB to the bundle.
#[cfg(target_arch = "wasm32")]
pub fn install_console_log() {
    use std::fmt::Write as _;
    use tracing::field::{Field, Visit};
    use tracing::{Event, Level, Metadata, span};

    struct Console;
    struct Message(String);
    impl Visit for Message {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            if field.name() == "message" {
                let _ = write!(self.0, "{value:?}");
            } else {
                let _ = write!(self.0, " {}={value:?}", field.name());
            }
        }
    }
    impl tracing::Subscriber for Console {
        fn enabled(&self, m: &Metadata<'_>) -> bool {
            *m.level() <= Level::WARN
                || (*m.level() <= Level::INFO && m.target().starts_with("flowkata"))
        }
        fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
            span::Id::from_u64(1)
        }
        fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
        fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut m = Message(String::new());
            event.record(&mut m);
            let meta = event.metadata();
            let text = wasm_bindgen::JsValue::from_str(&format!(
                "{} {}: {}",
                meta.level(),
                meta.target(),
                m.0
            ));
            match *meta.level() {
                Level::ERROR => web_sys::console::error_1(&text),
                Level::WARN => web_sys::console::warn_1(&text),
                _ => web_sys::console::log_1(&text),
            }
        }
        fn enter(&self, _: &span::Id) {}
        fn exit(&self, _: &span::Id) {}
    }
    let _ = tracing::subscriber::set_global_default(Console);
}
