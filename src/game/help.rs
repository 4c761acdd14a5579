//! Help and display: the keyboard shortcuts of every screen in one table ([`SHORTCUTS`]),
//! shown by an overlay that **H** or **?** opens on any screen, and the text size (egui's
//! zoom) for a projector or a small laptop, remembered between sessions in the player's
//! store (slot `ui-scale`).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use tracing::warn;

use super::input::UiHasKeyboardFocus;
use super::progress::SavedProgress;

/// What a keyboard shortcut does. Each is handled by one key system, which asks the table
/// ([`pressed`], [`codes`]) which keys trigger it, so the overlay and the keys cannot
/// disagree: [`super::input`] (play), [`super::screens::debrief`] (debrief) and here
/// (everywhere).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyAction {
    /// Open or close the help overlay.
    Help,
    /// Close the help overlay.
    CloseHelp,
    /// Larger text.
    TextLarger,
    /// Smaller text.
    TextSmaller,
    /// Normal text.
    TextNormal,
    /// Start the level from its briefing (or close the briefing reopened during play).
    Start,
    /// Reopen the level's briefing during play.
    Briefing,
    /// Pause or resume play.
    Pause,
    /// A speed, by its digit (the n-th key, the n-th of `SPEEDS`).
    Speed,
    /// Protect the constraint, on or off.
    Protect,
    /// The live charts.
    Charts,
    /// The previous item (first key) or the next one (second key).
    SelectItem,
    /// Expedite the selected item.
    Expedite,
    /// Refuse the selected item.
    Refuse,
    /// Select the next open outage.
    NextOutage,
    /// Give the selected outage to the n-th person who can fix outages (with Shift).
    GiveOutage,
    /// Defer the selected outage.
    Defer,
    /// Clear the selection.
    ClearSelection,
    /// Move through the controls (egui's own keyboard focus: no system of ours).
    Focus,
    /// A debrief tab, by its digit.
    DebriefTab,
    /// Play or pause the debrief's replay.
    DebriefPlay,
    /// The previous (first key) or next (second key) event of the run.
    DebriefEvent,
    /// The start (first key) or end (second key) of the run.
    DebriefEnds,
}

/// One keyboard shortcut: where it works, what it does, the keys that trigger it (in the
/// order its handler reads them: previous before next, 1 before 2), and how the overlay
/// writes them and what they do.
#[derive(Clone, Copy, Debug)]
pub struct Shortcut {
    /// The screen: `everywhere`, `play` or `debrief`.
    pub place: &'static str,
    /// What it does.
    pub action: KeyAction,
    /// The keys, in the order the handler reads them.
    pub codes: &'static [KeyCode],
    /// The keys as the overlay writes them.
    pub keys: &'static str,
    /// What they do, as the overlay says it.
    pub what: &'static str,
}

const DIGITS: [KeyCode; 9] = super::input::DIGIT_KEYS;

/// Every keyboard shortcut, in the order the help overlay lists them.
pub const SHORTCUTS: &[Shortcut] = &[
    Shortcut {
        place: "everywhere",
        action: KeyAction::Help,
        codes: &[KeyCode::KeyH, KeyCode::Slash],
        keys: "H or ?",
        what: "this help",
    },
    Shortcut {
        place: "everywhere",
        action: KeyAction::CloseHelp,
        codes: &[KeyCode::Escape],
        keys: "Esc",
        what: "close this help",
    },
    Shortcut {
        place: "everywhere",
        action: KeyAction::TextLarger,
        codes: &[KeyCode::Equal, KeyCode::NumpadAdd],
        keys: "+ or =",
        what: "larger text (remembered)",
    },
    Shortcut {
        place: "everywhere",
        action: KeyAction::TextSmaller,
        codes: &[KeyCode::Minus, KeyCode::NumpadSubtract],
        keys: "-",
        what: "smaller text (remembered)",
    },
    Shortcut {
        place: "everywhere",
        action: KeyAction::TextNormal,
        codes: &[KeyCode::Digit0, KeyCode::Numpad0],
        keys: "0",
        what: "normal text",
    },
    Shortcut {
        place: "play",
        action: KeyAction::Start,
        codes: &[KeyCode::Enter, KeyCode::NumpadEnter],
        keys: "Enter",
        what: "start the level from its briefing",
    },
    Shortcut {
        place: "play",
        action: KeyAction::Briefing,
        codes: &[KeyCode::KeyB],
        keys: "B",
        what: "the level's briefing again (the clock stops while it is open)",
    },
    Shortcut {
        place: "play",
        action: KeyAction::Pause,
        codes: &[KeyCode::Space],
        keys: "Space",
        what: "pause or resume",
    },
    Shortcut {
        place: "play",
        action: KeyAction::Speed,
        codes: &[DIGITS[0], DIGITS[1], DIGITS[2], DIGITS[3], DIGITS[4]],
        keys: "1 2 3 4 5",
        what: "speed 1×, 2×, 4×, 8×, 16×",
    },
    Shortcut {
        place: "play",
        action: KeyAction::Protect,
        codes: &[KeyCode::KeyP],
        keys: "P",
        what: "protect the constraint, on or off",
    },
    Shortcut {
        place: "play",
        action: KeyAction::Charts,
        codes: &[KeyCode::KeyG],
        keys: "G",
        what: "the live charts",
    },
    Shortcut {
        place: "play",
        action: KeyAction::SelectItem,
        codes: &[KeyCode::ArrowLeft, KeyCode::ArrowRight],
        keys: "←  →  or click",
        what: "select the previous or next item on the board",
    },
    Shortcut {
        place: "play",
        action: KeyAction::Expedite,
        codes: &[KeyCode::KeyE],
        keys: "E",
        what: "expedite the selected item",
    },
    Shortcut {
        place: "play",
        action: KeyAction::Refuse,
        codes: &[KeyCode::KeyX],
        keys: "X",
        what: "refuse the selected item (in the backlog)",
    },
    Shortcut {
        place: "play",
        action: KeyAction::NextOutage,
        codes: &[KeyCode::KeyO],
        keys: "O  or click an alarm",
        what: "select the next open outage",
    },
    Shortcut {
        place: "play",
        action: KeyAction::GiveOutage,
        codes: &DIGITS,
        keys: "Shift + 1 … 9",
        what: "give the selected outage to that person (as listed under Outages)",
    },
    Shortcut {
        place: "play",
        action: KeyAction::Defer,
        codes: &[KeyCode::KeyD],
        keys: "D",
        what: "defer the selected outage",
    },
    Shortcut {
        place: "play",
        action: KeyAction::ClearSelection,
        codes: &[KeyCode::Escape],
        keys: "Esc",
        what: "clear the selection",
    },
    Shortcut {
        place: "play",
        action: KeyAction::Focus,
        codes: &[KeyCode::Tab],
        keys: "Tab  Shift+Tab",
        what: "move through the controls (Space or Enter presses, arrows change a value)",
    },
    Shortcut {
        place: "debrief",
        action: KeyAction::DebriefTab,
        codes: &[
            DIGITS[0], DIGITS[1], DIGITS[2], DIGITS[3], DIGITS[4], DIGITS[5], DIGITS[6], DIGITS[7],
        ],
        keys: "1 … 8",
        what: "the tabs, Summary to Replay",
    },
    Shortcut {
        place: "debrief",
        action: KeyAction::DebriefPlay,
        codes: &[KeyCode::Space],
        keys: "Space",
        what: "play or pause the replay",
    },
    Shortcut {
        place: "debrief",
        action: KeyAction::DebriefEvent,
        codes: &[KeyCode::ArrowLeft, KeyCode::ArrowRight],
        keys: "←  →",
        what: "the previous or next event",
    },
    Shortcut {
        place: "debrief",
        action: KeyAction::DebriefEnds,
        codes: &[KeyCode::Home, KeyCode::End],
        keys: "Home  End",
        what: "the start or the end of the run",
    },
];

/// The keys of `action`, from [`SHORTCUTS`] (empty if it has no row, which a test forbids).
pub fn codes(action: KeyAction) -> &'static [KeyCode] {
    SHORTCUTS
        .iter()
        .find(|s| s.action == action)
        .map_or(&[], |s| s.codes)
}

/// How the overlay writes `action`'s keys (for hover texts that name them).
pub fn keys_of(action: KeyAction) -> &'static str {
    SHORTCUTS
        .iter()
        .find(|s| s.action == action)
        .map_or("", |s| s.keys)
}

/// Whether one of `action`'s keys was just pressed.
pub fn pressed(keys: &ButtonInput<KeyCode>, action: KeyAction) -> bool {
    keys.any_just_pressed(codes(action).iter().copied())
}

/// Which of `action`'s keys was just pressed, by its place in the row (0 for the first).
pub fn pressed_nth(keys: &ButtonInput<KeyCode>, action: KeyAction) -> Option<usize> {
    codes(action).iter().position(|k| keys.just_pressed(*k))
}

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
    if pressed(&keys, KeyAction::TextLarger) {
        scale.factor = (scale.factor + step).min(most);
    }
    if pressed(&keys, KeyAction::TextSmaller) {
        scale.factor = (scale.factor - step).max(least);
    }
    if pressed(&keys, KeyAction::TextNormal) {
        scale.factor = 1.0;
    }
    // H, or ? (Shift and the slash key).
    let shift = keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]);
    match pressed_nth(&keys, KeyAction::Help) {
        Some(0) => help.0 = !help.0,
        Some(_) if shift => help.0 = !help.0,
        _ => {}
    }
    if pressed(&keys, KeyAction::CloseHelp) {
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
            for s in SHORTCUTS {
                ui.label(egui::RichText::new(s.place).weak());
                ui.label(egui::RichText::new(s.keys).monospace().strong());
                ui.label(s.what);
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
    use super::{KeyAction, SHORTCUTS, codes};
    use crate::game::session::SPEEDS;

    /// The speed row says what its keys do: one digit per speed of `SPEEDS`, in order, and
    /// its handler reads exactly those keys.
    #[test]
    fn the_speed_row_names_every_speed_and_its_key() {
        let row = SHORTCUTS
            .iter()
            .find(|s| s.action == KeyAction::Speed)
            .expect("a speed row");
        let keys: Vec<&str> = row.keys.split(' ').collect();
        assert_eq!(keys.len(), SPEEDS.len(), "one key per speed");
        assert_eq!(row.codes.len(), SPEEDS.len(), "one key code per speed");
        let digits: Vec<String> = (1..=SPEEDS.len()).map(|d| d.to_string()).collect();
        assert_eq!(keys, digits);
        let speeds: Vec<String> = SPEEDS.iter().map(|s| format!("{s}×")).collect();
        assert_eq!(row.what, format!("speed {}", speeds.join(", ")));
    }

    /// Every action has exactly one row with at least one key, and no key means two things
    /// on one screen (Esc clears the selection in play and closes the help everywhere: the
    /// one exception, since closing the help first is what a player pressing Esc wants).
    #[test]
    fn every_action_has_one_row_and_keys_do_not_clash() {
        for s in SHORTCUTS {
            let rows = SHORTCUTS.iter().filter(|t| t.action == s.action).count();
            assert_eq!(rows, 1, "{:?}", s.action);
            assert!(!codes(s.action).is_empty(), "{:?} has no key", s.action);
        }
        for a in SHORTCUTS {
            for b in SHORTCUTS {
                let same_screen = a.place == b.place;
                let modified = [KeyAction::GiveOutage, KeyAction::Help];
                if a.action == b.action
                    || !same_screen
                    || modified.contains(&a.action)
                    || modified.contains(&b.action)
                {
                    continue;
                }
                for k in a.codes {
                    assert!(
                        !b.codes.contains(k),
                        "{k:?} is both {:?} and {:?} on {}",
                        a.action,
                        b.action,
                        a.place
                    );
                }
            }
        }
    }
}
