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

/// The goals: each with its label, its value and its status in words as well as color
/// (so color is never the only cue), the core's one rule for all goals
/// ([`crate::sim::challenge::GoalStatus`]).
pub(crate) fn standing(ui: &mut egui::Ui, goals: &[GoalResult]) {
    for g in goals {
        let word = g.status.words();
        let color = if g.status.is_good() {
            theme::GOOD
        } else if g.status.is_bad() {
            theme::ALARM
        } else {
            theme::MUTED
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

/// The four keys as (short name, long name, key, value shown, help), in DORA's order.
fn dora_parts(keys: &FourKeys) -> [(&'static str, &'static str, &Key, String, &'static str); 4] {
    let shown = |k: &Key, f: &dyn Fn(f64) -> String| k.value.map_or("—".into(), f);
    [
        (
            "deploys",
            "Deployment frequency",
            &keys.deployment_frequency,
            shown(&keys.deployment_frequency, &|v| format!("{v:.1}/day")),
            "Deploys per workday",
        ),
        (
            "lead time",
            "Change lead time",
            &keys.change_lead_time_days,
            shown(&keys.change_lead_time_days, &|v| format!("{v:.2} days")),
            "Median time from a change's arrival to its deploy",
        ),
        (
            "fail",
            "Change fail rate",
            &keys.change_fail_rate,
            shown(&keys.change_fail_rate, &|v| format!("{:.0}%", 100.0 * v)),
            "Share of deploys that caused an outage",
        ),
        (
            "recovery",
            "Failed deployment recovery time",
            &keys.recovery_time_hours,
            shown(&keys.recovery_time_hours, &|v| format!("{v:.1} h")),
            "Mean time from a failed deploy's outage to its fix",
        ),
    ]
}

fn tier_label(ui: &mut egui::Ui, key: &Key) {
    match key.tier {
        Some(t) => ui.colored_label(tier_color(t), t.label()),
        None => ui.colored_label(theme::MUTED, "—"),
    };
}

/// The DORA four keys with their tiers on one line, for the HUD.
pub(crate) fn dora_compact(ui: &mut egui::Ui, keys: &FourKeys) {
    ui.label("DORA").on_hover_text(DORA_SOURCE);
    for (short, _, key, shown, help) in dora_parts(keys) {
        ui.label(short).on_hover_text(help);
        ui.label(egui::RichText::new(shown).strong());
        tier_label(ui, key);
    }
}

/// The DORA four keys with their tiers, as a grid.
pub(crate) fn dora(ui: &mut egui::Ui, keys: &FourKeys) {
    egui::Grid::new("dora")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            for (_, name, key, shown, help) in dora_parts(keys) {
                ui.label(name).on_hover_text(help);
                ui.label(egui::RichText::new(shown).strong());
                tier_label(ui, key);
                ui.end_row();
            }
        });
    ui.colored_label(theme::MUTED, DORA_SOURCE);
}

const DORA_SOURCE: &str =
    "Tiers after DORA's Accelerate State of DevOps Report 2024; a workday counts as a day.";
