//! Page glue on wasm: hides the page's loading indicator once the first frames are drawn, and
//! publishes `window.__flowkata` = `{ ready, screen, level, seed, simTime, finished, score,
//! stars, commands, stateHash, unlocked }` (the hash once the run has ended; `unlocked` the
//! campaign levels the saved progress opens) for the page and the browser test. Natively it
//! does nothing.

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
fn publish_page_state(
    screen: Res<State<Screen>>,
    session: Option<Res<Session>>,
    saved: Option<Res<SavedProgress>>,
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
