//! The challenge and the DORA keys as widgets: the goals with their values and whether they
//! are met (HUD, debrief) or as a list to aim for (campaign screen), and the four keys with
//! their tiers.

use bevy_egui::egui;

use crate::game::theme;
use crate::sim::challenge::GoalResult;
use crate::sim::dora::{FourKeys, Key, Tier};
use crate::sim::level::Level;

/// The goals of `level` as a list to aim for: "Goals: …".
pub(crate) fn aims(ui: &mut egui::Ui, level: &Level) {
    if level.goals.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new("Goals:").strong());
        for (i, g) in level.goals.iter().enumerate() {
            if i > 0 {
                ui.label("·");
            }
            ui.label(g.label());
        }
    });
}

/// The goals: each with its label, its value and whether it is met, in words as well as
/// color (so color is never the only cue). `ended`: the run is over ("missed", not
/// "not yet").
pub(crate) fn standing(ui: &mut egui::Ui, goals: &[GoalResult], ended: bool) {
    for g in goals {
        let (word, color) = match (g.met, ended) {
            (true, _) => ("met", theme::GOOD),
            (false, false) => ("not yet", theme::ALARM),
            (false, true) => ("missed", theme::ALARM),
        };
        ui.label(&g.label);
        ui.label(egui::RichText::new(&g.shown).strong());
        ui.colored_label(color, egui::RichText::new(word).strong());
        ui.separator();
    }
}

fn tier_color(t: Tier) -> egui::Color32 {
    match t {
        Tier::Elite | Tier::High => theme::GOOD,
        Tier::Medium => theme::MUTED,
        Tier::Low => theme::ALARM,
    }
}

/// The DORA four keys with their tiers, as a grid.
pub(crate) fn dora(ui: &mut egui::Ui, keys: &FourKeys) {
    let row = |ui: &mut egui::Ui, name: &str, key: &Key, shown: String, help: &str| {
        ui.label(name).on_hover_text(help);
        ui.label(egui::RichText::new(shown).strong());
        match key.tier {
            Some(t) => ui.colored_label(tier_color(t), t.label()),
            None => ui.colored_label(theme::MUTED, "—"),
        };
        ui.end_row();
    };
    egui::Grid::new("dora")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            row(
                ui,
                "Deployment frequency",
                &keys.deployment_frequency,
                keys.deployment_frequency
                    .value
                    .map_or("—".into(), |v| format!("{v:.1} per day")),
                "Deploys per workday",
            );
            row(
                ui,
                "Change lead time",
                &keys.change_lead_time_days,
                keys.change_lead_time_days
                    .value
                    .map_or("—".into(), |v| format!("{v:.2} days")),
                "Median time from a change's arrival to its deploy",
            );
            row(
                ui,
                "Change fail rate",
                &keys.change_fail_rate,
                keys.change_fail_rate
                    .value
                    .map_or("—".into(), |v| format!("{:.0}%", 100.0 * v)),
                "Share of deploys that caused an outage",
            );
            row(
                ui,
                "Failed deployment recovery time",
                &keys.recovery_time_hours,
                keys.recovery_time_hours
                    .value
                    .map_or("—".into(), |v| format!("{v:.1} h")),
                "Mean time from a failed deploy's outage to its fix",
            );
        });
    ui.colored_label(
        theme::MUTED,
        "Tiers after DORA's Accelerate State of DevOps Report 2024; a workday counts as a day.",
    );
}
