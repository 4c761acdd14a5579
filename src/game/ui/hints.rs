//! Hints: a level's hints appear one at a time in a small window at the bottom of the
//! board, once each, when the core's [`HintWatcher`] says the run calls for them. The player
//! dismisses one, or turns hints off (remembered with the progress).

use bevy_egui::egui;

use crate::game::theme;

/// What the player did with the hint shown.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum HintChoice {
    /// "Got it": the hint goes away.
    Dismiss,
    /// "No more hints": hints are turned off.
    TurnOff,
}

/// Draws hint `text` anchored at the bottom left of the screen; returns the player's choice.
///
/// [`HintWatcher`]: crate::sim::challenge::HintWatcher
pub(crate) fn show(ctx: &egui::Context, text: &str, more: usize) -> Option<HintChoice> {
    let mut choice = None;
    egui::Window::new("💡 Hint")
        .id(egui::Id::new("hint"))
        .anchor(egui::Align2::LEFT_BOTTOM, egui::vec2(12.0, -12.0))
        .collapsible(false)
        .resizable(false)
        .default_width(360.0)
        .show(ctx, |ui| {
            ui.label(text);
            ui.horizontal(|ui| {
                if ui.button("Got it").clicked() {
                    choice = Some(HintChoice::Dismiss);
                }
                if ui
                    .small_button("No more hints")
                    .on_hover_text("Turn hints off (turn them back on from the campaign screen)")
                    .clicked()
                {
                    choice = Some(HintChoice::TurnOff);
                }
                if more > 0 {
                    ui.colored_label(theme::MUTED, format!("{more} more waiting"));
                }
            });
        });
    choice
}

/// The hints already shown in this run (dismissed, or withdrawn once their moment passed),
/// to read again: a collapsed window at the bottom left while no hint is due.
pub(crate) fn earlier(ctx: &egui::Context, texts: &[&str]) {
    if texts.is_empty() {
        return;
    }
    egui::Window::new(format!("💡 Earlier hints ({})", texts.len()))
        .id(egui::Id::new("earlier-hints"))
        .anchor(egui::Align2::LEFT_BOTTOM, egui::vec2(12.0, -12.0))
        .default_open(false)
        .resizable(false)
        .default_width(360.0)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .max_height(200.0)
                .min_scrolled_height(200.0)
                .show(ui, |ui| {
                    for t in texts {
                        ui.label(*t);
                        ui.separator();
                    }
                });
        });
}
