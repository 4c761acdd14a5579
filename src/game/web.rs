//! Page glue on wasm: hides the page's loading indicator once the first frames are drawn, and
//! writes the page state ([`super::page::PageState`], which each plugin fills with its own
//! part) to `window.__flowkata` every frame, with `ready` once a few frames have been drawn.
//! The keys are listed in docs/architecture.md ("The page state"). Natively it does nothing.

#[cfg(not(target_arch = "wasm32"))]
use bevy::prelude::App;
#[cfg(target_arch = "wasm32")]
use bevy::prelude::*;

pub(super) fn plugin(_app: &mut App) {
    #[cfg(target_arch = "wasm32")]
    _app.init_resource::<super::page::PageState>()
        .add_systems(Last, publish_page_state.after(super::page::PublishPage));
}

/// Writes this frame's page state to `window.__flowkata` (through `JSON.parse`, so the page
/// reads plain objects), with `ready` from the third frame on; on the third frame, hides the
/// loading indicator and logs "flowkata: ready".
#[cfg(target_arch = "wasm32")]
fn publish_page_state(page: Res<super::page::PageState>, mut frames: Local<u32>) {
    use wasm_bindgen::JsValue;
    *frames += 1;
    let Some(window) = web_sys::window() else {
        return;
    };
    // Ready once a few frames have been drawn: the canvas shows the game.
    let ready = *frames >= 3;
    let mut state = page.0.clone();
    state.insert("ready".into(), ready.into());
    let text = serde_json::Value::Object(state).to_string();
    if let Ok(value) = js_sys::JSON::parse(&text) {
        let _ = js_sys::Reflect::set(&window, &JsValue::from_str("__flowkata"), &value);
    }
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
