//! The level's briefing: before a level starts (and again on **B** during play), a window
//! with its story, its goals, the decisions it offers and what each does (never which one
//! is right), and how to read the board. The clock stands still while it is open; ▶ Start
//! (or **Enter**) closes it. It is presentation only: no command, no change to the run.

use bevy_egui::egui;

use crate::game::theme;
use crate::game::ui::Named;
use crate::sim::Simulation;
use crate::sim::level::Decision;

/// Draws the briefing of `sim`'s level in the middle of the screen; returns whether the
/// player pressed ▶ Start. `started`: the run has already begun (reopened during play), so
/// the button says "Back to the level".
pub(crate) fn show(ctx: &egui::Context, sim: &Simulation, started: bool) -> bool {
    let level = sim.level();
    let mut start = false;
    egui::Window::new(format!("Briefing: {}", level.title))
        .id(egui::Id::new("briefing"))
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .collapsible(false)
        .resizable(false)
        // A fixed width: wrapped text then has one layout, so the window stays in place.
        .min_width(520.0)
        .max_width(520.0)
        .show(ctx, |ui| {
            // At most 60% of the screen's height, and exactly that once the text needs a
            // scroll bar: a window grows to its content over frames, so without a fixed
            // height the briefing would creep downwards while the player reads it.
            let height = ctx.content_rect().height() * 0.6;
            egui::ScrollArea::vertical()
                .max_height(height)
                .min_scrolled_height(height)
                .show(ui, |ui| {
                    ui.label(&level.briefing);
                    if !level.goals.is_empty() {
                        ui.add_space(6.0);
                        ui.label(egui::RichText::new("Your goals").strong());
                        for g in &level.goals {
                            ui.label(format!("• {}", g.label()));
                        }
                        ui.colored_label(
                            theme::MUTED,
                            "The first star needs every goal met when the level ends; the score decides the rest.",
                        );
                    }
                    ui.add_space(6.0);
                    ui.label(egui::RichText::new("Your decisions").strong());
                    let offered: Vec<Decision> = Decision::ALL
                        .into_iter()
                        .filter(|&d| sim.available(d))
                        .collect();
                    if offered.is_empty() {
                        ui.label("None in this level: watch how the work flows.");
                    }
                    for d in offered {
                        ui.label(egui::RichText::new(capitalized(d.label())).strong());
                        ui.indent(d.label(), |ui| ui.label(d.explain()));
                    }
                    ui.add_space(6.0);
                    ui.label(egui::RichText::new("The board").strong());
                    ui.label(
                        "Work moves from left to right: from the backlog through each station to Done. Each shape is one item; hover a station or a person for their figures, click an item to inspect it.",
                    );
                });
            ui.separator();
            ui.horizontal(|ui| {
                let label = if started {
                    "▶ Back to the level"
                } else {
                    "▶ Start"
                };
                if ui
                    .button(egui::RichText::new(label).strong())
                    .named("briefing.start")
                    .on_hover_text("Starts the clock (Enter). B opens this briefing again.")
                    .clicked()
                {
                    start = true;
                }
                ui.colored_label(theme::MUTED, "The clock starts when you do.");
            });
        });
    start
}

/// `label` with its first letter in upper case ("refuse work" → "Refuse work").
fn capitalized(label: &str) -> String {
    let mut chars = label.chars();
    chars.next().map_or(String::new(), |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}
