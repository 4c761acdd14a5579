//! The title screen: what flowkata is, and the levels to choose from.

use bevy_egui::egui;

use crate::game::screens::title::TitleChoices;
use crate::game::session::{StartLevel, StartProblem};
use crate::game::theme;
use crate::sim::Level;

/// Draws the title screen; returns a level to start when the player picks one.
pub(crate) fn show(
    ui: &mut egui::Ui,
    choices: &mut TitleChoices,
    problem: Option<&StartProblem>,
) -> Option<StartLevel> {
    let mut start = None;
    ui.vertical_centered(|ui| {
        ui.add_space(24.0);
        ui.heading(egui::RichText::new("flowkata").size(40.0).strong());
        ui.label("Parts Unlimited, IT Operations. You are Bill Palmer: keep the work flowing.");
        ui.add_space(16.0);
        if let Some(StartProblem(msg)) = problem {
            ui.colored_label(theme::ALARM, msg);
            ui.add_space(8.0);
        }
    });
    ui.horizontal(|ui| {
        ui.label("Seed:");
        if ui
            .add(egui::DragValue::new(&mut choices.seed).range(0..=u32::MAX as u64))
            .on_hover_text(
                "Teams given the same level and seed meet the same work and the same outages.",
            )
            .changed()
        {
            choices.custom_seed = true;
        }
        if choices.custom_seed {
            if ui.small_button("use each level's seed").clicked() {
                choices.custom_seed = false;
            }
        } else {
            ui.colored_label(theme::MUTED, "(each level's own seed)");
        }
    });
    ui.add_space(8.0);
    egui::ScrollArea::vertical().show(ui, |ui| {
        for level in Level::all_embedded() {
            egui::Frame::group(ui.style())
                .inner_margin(12.0)
                .show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.horizontal(|ui| {
                        ui.heading(&level.title);
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            let button =
                                egui::Button::new(egui::RichText::new("▶ Play").size(18.0));
                            if ui.add(button).clicked() {
                                start = Some(StartLevel {
                                    level: level.id.clone(),
                                    seed: choices.custom_seed.then_some(choices.seed),
                                    speed: None,
                                });
                            }
                        });
                    });
                    ui.label(&level.briefing);
                    ui.colored_label(
                        theme::MUTED,
                        format!("{} workdays · level id `{}`", level.days, level.id),
                    );
                });
            ui.add_space(6.0);
        }
        ui.add_space(12.0);
        ui.colored_label(
            theme::MUTED,
            "Keys in play: Space pause · 1–5 speed (1×–16×) · P protect the constraint. \
             Share a level with ?level=ID&seed=N in the address.",
        );
    });
    start
}
