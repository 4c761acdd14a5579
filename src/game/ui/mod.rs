//! The egui parts the screens are drawn with: title, HUD, board, controls and debrief, each
//! a plain function of what it shows that returns what the player asked for (tested with
//! egui_kittest in `tests.rs`). The screen systems that place them live in
//! [`crate::game::screens`]; this plugin adds the camera and tracks keyboard focus.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::input::UiHasKeyboardFocus;

pub(crate) mod board_overlay;
pub(crate) mod briefing;
pub(crate) mod compare;
pub(crate) mod controls;
pub(crate) mod debrief;
pub mod debrief_views;
pub(crate) mod goals;
pub(crate) mod hints;
pub(crate) mod hud;
pub(crate) mod kata;
pub mod title;
pub mod views;
pub(crate) mod workshop;

#[cfg(test)]
mod tests;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, spawn_camera)
        .add_systems(EguiPrimaryContextPass, track_keyboard_focus)
        .add_systems(Last, publish_widgets.in_set(crate::game::page::PublishPage));
}

fn spawn_camera(mut commands: Commands) {
    commands.spawn(Camera2d);
}

/// A `Ui` covering the whole window, to lay panels out in (egui 0.36 panels live in a `Ui`).
pub(crate) fn root_ui(ctx: &egui::Context) -> egui::Ui {
    egui::Ui::new(
        ctx.clone(),
        "flowkata-root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    )
}

fn track_keyboard_focus(
    mut contexts: EguiContexts,
    mut focus: ResMut<UiHasKeyboardFocus>,
) -> Result {
    focus.0 = contexts.ctx_mut()?.egui_wants_keyboard_input();
    Ok(())
}

/// The widgets named this frame with [`Named::named`]: each name's rectangle (egui points) and the
/// layer it was drawn on. Kept in the egui context's memory, so the widget functions stay
/// plain functions of an `egui::Ui`.
#[derive(Clone, Default)]
struct NamedWidgets(std::collections::BTreeMap<String, (egui::Rect, egui::LayerId)>);

fn named_widgets_id() -> egui::Id {
    egui::Id::new("flowkata.named-widgets")
}

/// Names a widget for the page state's `widgets` (what the browser test clicks):
/// `ui.button("⬇ Download run").named("hud.download")`. Only the part a clip leaves
/// visible counts (the response's `interact_rect`); a widget wholly clipped away is not
/// named this frame. Names are dotted paths such as `hud.download` or
/// `intake.Favours for marketing` (docs/architecture.md lists them).
pub(crate) trait Named {
    /// Names this widget `name` for this frame and returns it unchanged.
    fn named(self, name: &str) -> Self;
}

impl Named for egui::Response {
    fn named(self, name: &str) -> Self {
        let rect = self.interact_rect;
        if rect.is_positive() {
            self.ctx.data_mut(|d| {
                d.get_temp_mut_or_default::<NamedWidgets>(named_widgets_id())
                    .0
                    .insert(name.to_string(), (rect, self.layer_id));
            });
        }
        self
    }
}

/// The page state's `widgets` from the widgets named since the last call (which forgets
/// them): `{ NAME: { x, y, w, h } }`, the centre and size in CSS pixels (egui points times
/// the text-size zoom), for each widget a click at its centre reaches, that is, whose layer
/// is the topmost there (a widget under a window is left out).
pub(crate) fn take_named_widgets(
    ctx: &egui::Context,
) -> serde_json::Map<String, serde_json::Value> {
    use crate::game::page::number;
    let named = ctx
        .data_mut(|d| d.remove_temp::<NamedWidgets>(named_widgets_id()))
        .unwrap_or_default();
    let zoom = f64::from(ctx.zoom_factor());
    let mut out = serde_json::Map::new();
    for (name, (rect, layer)) in named.0 {
        let centre = rect.center();
        let top = ctx
            .layer_id_at(centre)
            .unwrap_or_else(egui::LayerId::background);
        if top != layer {
            continue;
        }
        let px = |v: f32| number(f64::from(v) * zoom);
        out.insert(
            name,
            serde_json::json!({
                "x": px(centre.x),
                "y": px(centre.y),
                "w": px(rect.width()),
                "h": px(rect.height()),
            }),
        );
    }
    out
}

/// Publishes [`take_named_widgets`] as the page state's `widgets`.
fn publish_widgets(
    mut contexts: EguiContexts,
    mut page: ResMut<crate::game::page::PageState>,
) -> Result {
    let widgets = take_named_widgets(contexts.ctx_mut()?);
    page.set("widgets", serde_json::Value::Object(widgets));
    Ok(())
}
