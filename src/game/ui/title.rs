//! The campaign screen: the acts and their levels (locked or open, stars and best score),
//! each level's briefing, goals and decisions, the free-play sandboxes, and the progress
//! controls (free play, hints, export, import, clear for the next group), with the workshop
//! row (open a run or a level, compare, set up a drill, resume a saved run) above the acts.

use bevy_egui::egui;

use bevy::prelude::Resource;

use crate::game::progress::SavedProgress;
use crate::game::runs::Resumable;
use crate::game::session::{StartLevel, StartProblem};
use crate::game::theme;
use crate::game::ui::goals;
use crate::game::ui::workshop::DrillForm;
use crate::sim::Level;
use crate::sim::campaign::{self, ACTS};
use crate::sim::level::Decision;

/// Choices on the title screen. They live as long as the app on purpose: a facilitator
/// who sets the workshop's seed keeps it from one level to the next.
#[derive(Resource)]
pub struct TitleChoices {
    /// Seed typed by the player or the facilitator.
    pub seed: u64,
    /// Whether the player has changed the seed (otherwise each level's own seed is used).
    pub custom_seed: bool,
    /// Whether "clear for the next group" is waiting for its confirmation.
    pub confirm_clear: bool,
    /// The team's name, written into run files.
    pub team: String,
    /// A run link or (natively) a path typed into the workshop row.
    pub typed: String,
    /// The facilitator's drill being set up.
    pub(crate) drill_form: DrillForm,
    /// Saved runs that can be resumed (read on entering the screen).
    pub resumable: Vec<Resumable>,
}

impl Default for TitleChoices {
    fn default() -> Self {
        Self {
            seed: 1,
            custom_seed: false,
            confirm_clear: false,
            team: String::new(),
            typed: String::new(),
            drill_form: DrillForm::default(),
            resumable: Vec::new(),
        }
    }
}

/// Draws the campaign screen; returns a level to start when the player picks one. Progress
/// controls change `saved` directly (and save it).
pub(crate) fn show(
    ui: &mut egui::Ui,
    choices: &mut TitleChoices,
    problem: Option<&StartProblem>,
    saved: &mut SavedProgress,
    workshop: &mut dyn FnMut(&mut egui::Ui, &mut TitleChoices),
) -> Option<StartLevel> {
    let mut start = None;
    ui.vertical_centered(|ui| {
        ui.add_space(16.0);
        ui.heading(egui::RichText::new("flowkata").size(40.0).strong());
        ui.label(
            "Parts Unlimited, IT Operations. You are Bill Palmer, newly promoted: keep the work flowing.",
        );
        ui.add_space(8.0);
        if let Some(StartProblem(msg)) = problem {
            ui.colored_label(theme::ALARM, msg);
        }
    });
    if let Some(notice) = saved.notice.clone() {
        ui.horizontal(|ui| {
            ui.colored_label(theme::CONSTRAINT, notice);
            if ui.small_button("✖").on_hover_text("Dismiss").clicked() {
                saved.notice = None;
            }
        });
    }
    ui.horizontal_wrapped(|ui| {
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
        ui.separator();
        ui.label("Team:");
        ui.add(
            egui::TextEdit::singleline(&mut choices.team)
                .desired_width(120.0)
                .hint_text("your team's name"),
        )
        .on_hover_text(
            "Written into the run files you download, so a facilitator knows whose run it is.",
        );
        ui.separator();
        let mut free = saved.progress.free_play;
        if ui
            .checkbox(&mut free, "Free play: every level open")
            .on_hover_text("For workshops: open any level without earning the stars before it.")
            .changed()
        {
            saved.progress.free_play = free;
            saved.save();
        }
        let mut hints = !saved.progress.hints_off;
        if ui.checkbox(&mut hints, "Hints").changed() {
            saved.progress.hints_off = !hints;
            saved.save();
        }
    });
    // The workshop row and the saved runs to resume come first: a team reopening the page
    // and a facilitator collecting runs find them without scrolling past the campaign.
    ui.add_space(6.0);
    workshop(ui, choices);
    ui.add_space(6.0);
    egui::ScrollArea::vertical().show(ui, |ui| {
        for act in &ACTS {
            ui.add_space(6.0);
            ui.heading(act.title);
            ui.colored_label(theme::MUTED, act.summary);
            for id in act.levels {
                if let Some(level) = Level::shipped(id) {
                    level_card(ui, level, choices, saved, &mut start);
                }
            }
        }
        ui.add_space(10.0);
        ui.heading("Sandboxes: free play");
        for level in Level::all_embedded() {
            if campaign::position(&level.id).is_none() {
                level_card(ui, level, choices, saved, &mut start);
            }
        }
        ui.add_space(10.0);
        progress_controls(ui, choices, saved);
        ui.add_space(8.0);
        ui.colored_label(
            theme::MUTED,
            "Keys in play: Space pause · 1–5 speed (1×–16×) · P protect the constraint. \
             Share a level with ?level=ID&seed=N in the address.",
        );
        ui.colored_label(
            theme::MUTED,
            format!("{} · H: keys and text size", build_version()),
        );
    });
    start
}

/// One level: title, stars and best score, lock, briefing, goals and decisions, Play.
fn level_card(
    ui: &mut egui::Ui,
    level: &Level,
    choices: &TitleChoices,
    saved: &SavedProgress,
    start: &mut Option<StartLevel>,
) {
    let progress = &saved.progress;
    let open = progress.unlocked(&level.id);
    let record = progress.levels.get(&level.id);
    egui::Frame::group(ui.style())
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                let title = if open {
                    egui::RichText::new(&level.title)
                } else {
                    egui::RichText::new(format!("🔒 {}", level.title)).color(theme::MUTED)
                };
                ui.heading(title);
                let stars = record.map_or(0, |r| r.stars);
                ui.label(
                    egui::RichText::new(format!(
                        "{}{}",
                        "★".repeat(stars as usize),
                        "☆".repeat(3 - stars as usize)
                    ))
                    .color(theme::STAR),
                );
                if let Some(r) = record {
                    ui.colored_label(theme::MUTED, format!("best {}", theme::money(r.best_score)));
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let play = ui.add_enabled(
                        open,
                        egui::Button::new(egui::RichText::new("▶ Play").size(18.0)),
                    );
                    let play = match campaign::previous(&level.id) {
                        Some(prev) if !open => {
                            let prev = Level::shipped(prev).map_or(prev, |l| l.title.as_str());
                            play.on_disabled_hover_text(format!(
                                "Earn a star on “{prev}” to open this level (or turn on free play)."
                            ))
                        }
                        _ => play,
                    };
                    if play.clicked() {
                        *start = Some(StartLevel {
                            level: level.id.clone(),
                            seed: choices.custom_seed.then_some(choices.seed),
                            speed: None,
                            briefing: true,
                            ..Default::default()
                        });
                    }
                });
            });
            ui.label(&level.briefing);
            goals::aims(ui, level);
            let decisions: Vec<&str> = match &level.decisions {
                Some(d) => Decision::ALL
                    .iter()
                    .filter(|x| d.contains(x))
                    .map(|x| x.label())
                    .collect(),
                None => vec!["every decision"],
            };
            ui.colored_label(
                theme::MUTED,
                format!(
                    "{} workdays · you decide: {} · level id `{}`",
                    level.days,
                    decisions.join(", "),
                    level.id
                ),
            );
        });
    ui.add_space(4.0);
}

/// Export, import and clearing progress.
fn progress_controls(ui: &mut egui::Ui, choices: &mut TitleChoices, saved: &mut SavedProgress) {
    ui.label(egui::RichText::new("Progress").strong());
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Export progress")
            .on_hover_text(format!("Saves it to {}", saved.store.export_place()))
            .clicked()
        {
            saved.export();
        }
        if ui
            .button("Import progress")
            .on_hover_text(format!("Reads {}", saved.store.export_place()))
            .clicked()
        {
            saved.request_import();
        }
        if choices.confirm_clear {
            ui.colored_label(theme::ALARM, "Clear all stars and scores?");
            if ui.button("Yes, clear").clicked() {
                saved.reset();
                choices.confirm_clear = false;
            }
            if ui.button("No").clicked() {
                choices.confirm_clear = false;
            }
        } else if ui
            .button("Clear for the next group")
            .on_hover_text("A shared lab machine: start the campaign afresh")
            .clicked()
        {
            choices.confirm_clear = true;
        }
    });
}

/// The build, for the title screen and bug reports: the game's version, the build id the
/// bundle was made with (`FLOWKATA_BUILD` at compile time, set by `cargo xtask`), and the
/// engine and run-format versions that decide which run files verify here.
pub(crate) fn build_version() -> String {
    format!(
        "flowkata {} · build {} · engine {} · run format {}",
        env!("CARGO_PKG_VERSION"),
        option_env!("FLOWKATA_BUILD").unwrap_or("dev"),
        crate::sim::run_file::ENGINE_VERSION,
        crate::sim::run_file::RUN_FORMAT_VERSION
    )
}
