//! Help and display: the keyboard shortcuts of every screen in one table ([`SHORTCUTS`]),
//! shown by an overlay that **H** or **?** opens on any screen, and the text size (egui's
//! zoom) for a projector or a small laptop, remembered between sessions in the player's
//! store (slot `ui-scale`).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use tracing::warn;

use super::input::UiHasKeyboardFocus;
use super::progress::SavedProgress;

/// Every keyboard shortcut: (where, keys, what). The help overlay and README's table show
/// this list; the systems that handle the keys are in [`super::input`] (play),
/// [`super::screens::debrief`] (debrief) and here (everywhere).
pub const SHORTCUTS: &[(&str, &str, &str)] = &[
    ("everywhere", "H or ?", "this help (Esc closes it)"),
    (
        "everywhere",
        "+  −  0",
        "larger, smaller or normal text (remembered)",
    ),
    ("play", "Space", "pause or resume"),
    ("play", "1 2 3 4 5", "speed 1×, 2×, 4×, 8×, 16×"),
    ("play", "P", "protect the constraint, on or off"),
    ("play", "G", "the live charts"),
    (
        "play",
        "←  →  or click",
        "select the previous or next item on the board",
    ),
    ("play", "E", "expedite the selected item"),
    ("play", "X", "refuse the selected item (in the backlog)"),
    (
        "play",
        "O  or click an alarm",
        "select the next open outage",
    ),
    (
        "play",
        "Shift + 1 … 9",
        "give the selected outage to that person (as listed under Outages)",
    ),
    ("play", "D", "defer the selected outage"),
    ("play", "Esc", "clear the selection"),
    (
        "play",
        "Tab  Shift+Tab",
        "move through the controls (Space or Enter presses, arrows change a value)",
    ),
    ("debrief", "1 … 8", "the tabs, Summary to Replay"),
    ("debrief", "Space", "play or pause the replay"),
    ("debrief", "←  →", "the previous or next event"),
    ("debrief", "Home  End", "the start or the end of the run"),
];

/// The text size's bounds and step, as egui zoom factors (1 = normal).
pub const UI_SCALE: (f32, f32, f32) = (0.5, 3.0, 0.1);

/// The store slot the text size is kept in.
const SLOT: &str = "ui-scale";

/// Whether the help overlay shows.
#[derive(Resource, Default, Debug)]
pub struct HelpOverlay(pub bool);

/// The text size (egui zoom factor) and the value last saved.
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct UiScale {
    /// The zoom factor in use.
    pub factor: f32,
    /// The factor last read from or written to the store.
    pub saved: f32,
    /// The factor last given to egui (a different zoom there came from egui's own keys).
    applied: f32,
}

impl Default for UiScale {
    fn default() -> Self {
        Self {
            factor: 1.0,
            saved: 1.0,
            applied: 1.0,
        }
    }
}

impl UiScale {
    /// Parses a saved factor; `None` when it is not a number in [`UI_SCALE`]'s bounds.
    pub fn parse(text: &str) -> Option<f32> {
        let f: f32 = text.trim().parse().ok()?;
        (UI_SCALE.0..=UI_SCALE.1).contains(&f).then_some(f)
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<HelpOverlay>()
        .init_resource::<UiScale>()
        .add_systems(Startup, load_scale)
        .add_systems(
            Update,
            help_keys
                .in_set(super::AppSystems::RecordInput)
                .run_if(|f: Res<UiHasKeyboardFocus>| !f.0),
        )
        .add_systems(Last, save_scale)
        .add_systems(
            Last,
            (|help: Res<HelpOverlay>,
              scale: Res<UiScale>,
              mut page: ResMut<crate::game::page::PageState>| {
                page.set("help", help.0);
                page.set(
                    "uiScale",
                    crate::game::page::number(f64::from(scale.factor)),
                );
            })
            .in_set(crate::game::page::PublishPage),
        );
}

pub(super) fn ui_plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, (apply_scale, help_window).chain());
}

/// Reads the remembered text size; a missing or unreadable value is the normal size.
fn load_scale(saved: Option<Res<SavedProgress>>, mut scale: ResMut<UiScale>) {
    let Some(saved) = saved else { return };
    if let Ok(Some(text)) = saved.store.read_slot(SLOT)
        && let Some(f) = UiScale::parse(&text)
    {
        scale.factor = f;
        scale.saved = f;
    }
}

/// Writes the text size when it changed (a failed write only means it is not remembered).
fn save_scale(saved: Option<Res<SavedProgress>>, mut scale: ResMut<UiScale>) {
    if scale.factor == scale.saved {
        return;
    }
    if let Some(saved) = saved
        && let Err(e) = saved
            .store
            .write_slot(SLOT, &format!("{:.2}", scale.factor))
    {
        warn!("the text size could not be remembered: {e}");
    }
    scale.saved = scale.factor;
}

/// H or ? toggles the overlay; Esc closes it; + (or =), − and 0 set the text size.
fn help_keys(
    keys: Res<ButtonInput<KeyCode>>,
    mut help: ResMut<HelpOverlay>,
    mut scale: ResMut<UiScale>,
) {
    let (least, most, step) = UI_SCALE;
    if keys.any_just_pressed([KeyCode::Equal, KeyCode::NumpadAdd]) {
        scale.factor = (scale.factor + step).min(most);
    }
    if keys.any_just_pressed([KeyCode::Minus, KeyCode::NumpadSubtract]) {
        scale.factor = (scale.factor - step).max(least);
    }
    if keys.any_just_pressed([KeyCode::Digit0, KeyCode::Numpad0]) {
        scale.factor = 1.0;
    }
    let question = keys.just_pressed(KeyCode::Slash)
        && (keys.pressed(KeyCode::ShiftLeft) || keys.pressed(KeyCode::ShiftRight));
    if keys.just_pressed(KeyCode::KeyH) || question {
        help.0 = !help.0;
    }
    if keys.just_pressed(KeyCode::Escape) {
        help.0 = false;
    }
}

/// Keeps egui's zoom and [`UiScale`] in step: a change from egui's own zoom keys (Ctrl + =
/// and Ctrl + − natively) becomes the factor to remember, and a change of the factor (the
/// keys above, the overlay's buttons, the remembered size at start-up) becomes egui's zoom.
fn apply_scale(mut contexts: EguiContexts, mut scale: ResMut<UiScale>) -> Result {
    let ctx = contexts.ctx_mut()?;
    let zoom = ctx.zoom_factor();
    if (zoom - scale.applied).abs() > 1e-4 {
        scale.factor = zoom.clamp(UI_SCALE.0, UI_SCALE.1);
    }
    if (zoom - scale.factor).abs() > 1e-4 {
        ctx.set_zoom_factor(scale.factor);
    }
    scale.applied = scale.factor;
    Ok(())
}

fn help_window(
    mut contexts: EguiContexts,
    mut help: ResMut<HelpOverlay>,
    mut scale: ResMut<UiScale>,
) -> Result {
    if !help.0 {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let mut open = true;
    egui::Window::new("❓ Help: keys and display")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .min_width(660.0)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| show(ui, &mut scale));
    help.0 = open;
    Ok(())
}

/// The overlay's contents: the shortcuts by screen, then the text size with − and +.
pub(crate) fn show(ui: &mut egui::Ui, scale: &mut UiScale) {
    egui::Grid::new("shortcuts")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            for (place, keys, what) in SHORTCUTS {
                ui.label(egui::RichText::new(*place).weak());
                ui.label(egui::RichText::new(*keys).monospace().strong());
                ui.label(*what);
                ui.end_row();
            }
        });
    ui.separator();
    ui.horizontal(|ui| {
        ui.label("Text size (for a projector or a small screen):");
        let (least, most, step) = UI_SCALE;
        if ui
            .add_enabled(scale.factor > least + 1e-4, egui::Button::new("−"))
            .clicked()
        {
            scale.factor = (scale.factor - step).max(least);
        }
        ui.label(format!("{:.0}%", scale.factor * 100.0));
        if ui
            .add_enabled(scale.factor < most - 1e-4, egui::Button::new("+"))
            .clicked()
        {
            scale.factor = (scale.factor + step).min(most);
        }
        if ui.button("100%").clicked() {
            scale.factor = 1.0;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::SHORTCUTS;
    use crate::game::input::DIGIT_KEYS;
    use crate::game::session::SPEEDS;

    /// The speed row is written out for the overlay; it must say what the keys do: one
    /// digit per speed of `SPEEDS`, in order, as the play keys map them.
    #[test]
    fn the_speed_row_names_every_speed_and_its_key() {
        let (_, keys, what) = SHORTCUTS
            .iter()
            .find(|(place, _, what)| *place == "play" && what.starts_with("speed"))
            .expect("a speed row");
        let keys: Vec<&str> = keys.split(' ').collect();
        assert_eq!(keys.len(), SPEEDS.len(), "one key per speed");
        assert!(DIGIT_KEYS.len() >= SPEEDS.len(), "a digit key per speed");
        let digits: Vec<String> = (1..=SPEEDS.len()).map(|d| d.to_string()).collect();
        assert_eq!(keys, digits);
        let speeds: Vec<String> = SPEEDS.iter().map(|s| format!("{s}×")).collect();
        assert_eq!(*what, format!("speed {}", speeds.join(", ")));
    }
}
