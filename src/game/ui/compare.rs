//! The facilitator's Compare screen: every team's run verified and ranked in one table
//! ([`crate::sim::compare`]), the main charts with one line per team, and the storyboards
//! side by side.

use bevy_egui::egui;
use egui_plot::{Legend, Line, Plot, PlotPoints};

use crate::game::theme;
use crate::sim::Sample;
use crate::sim::compare::{COLUMNS, Comparison};

/// What the facilitator asked for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum CompareChoice {
    /// Choose run files (web: the picker, several at once).
    AddFiles,
    /// Add what was pasted: run links, one per line (natively also paths).
    AddTyped(String),
    /// Forget every run.
    Clear,
    /// Save the table as CSV.
    Csv,
    /// Save the Markdown debrief pack.
    Markdown,
    /// Back to the title screen.
    Back,
}

/// Draws the comparison; `typed` is the paste field, `notice` what the last export did.
pub(crate) fn show(
    ui: &mut egui::Ui,
    cmp: &Comparison,
    typed: &mut String,
    notice: Option<&str>,
    web: bool,
) -> Option<CompareChoice> {
    let mut choice = None;
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.heading("Compare the teams' runs");
            if ui.button("◀ Back").clicked() {
                choice = Some(CompareChoice::Back);
            }
        });
        ui.label("Open every team's run file (or drop them on the page), or paste their run links, one per line. Each is replayed and verified; runs on another level, seed or drill are marked, not mixed in.");
        ui.horizontal_wrapped(|ui| {
            if web && ui.button("📂 Add run files…").clicked() {
                choice = Some(CompareChoice::AddFiles);
            }
            ui.add(
                egui::TextEdit::multiline(typed)
                    .desired_rows(1)
                    .desired_width(360.0)
                    .hint_text(if web { "paste run links" } else { "run links or file paths" }),
            );
            if ui.button("Add").clicked() {
                choice = Some(CompareChoice::AddTyped(std::mem::take(typed)));
            }
            let any = !cmp.entries.is_empty();
            if ui.add_enabled(any, egui::Button::new("⬇ CSV")).clicked() {
                choice = Some(CompareChoice::Csv);
            }
            if ui
                .add_enabled(any, egui::Button::new("⬇ Debrief pack (Markdown)"))
                .clicked()
            {
                choice = Some(CompareChoice::Markdown);
            }
            if ui.add_enabled(any, egui::Button::new("Clear")).clicked() {
                choice = Some(CompareChoice::Clear);
            }
        });
        if let Some(n) = notice {
            ui.colored_label(theme::MUTED, n);
        }
        if let Some(k) = &cmp.key {
            ui.label(egui::RichText::new(format!("Runs on {}", k.label())).strong());
        }
        table(ui, cmp);
        charts(ui, cmp);
        storyboards(ui, cmp);
    });
    choice
}

fn table(ui: &mut egui::Ui, cmp: &Comparison) {
    // The columns shown on screen (the CSV has all of them).
    const SHOWN: [usize; 14] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14];
    egui::ScrollArea::horizontal()
        .id_salt("compare-table")
        .show(ui, |ui| {
            egui::Grid::new("compare")
                .striped(true)
                .num_columns(SHOWN.len())
                .show(ui, |ui| {
                    for &c in &SHOWN {
                        ui.strong(COLUMNS[c]);
                    }
                    ui.end_row();
                    for (row, e) in cmp.rows().iter().zip(&cmp.entries) {
                        for &c in &SHOWN {
                            if c == 2 {
                                let color = if e.verified() && e.comparable {
                                    theme::GOOD
                                } else {
                                    theme::ALARM
                                };
                                ui.colored_label(color, &row[c]);
                            } else {
                                ui.label(&row[c]);
                            }
                        }
                        ui.end_row();
                    }
                });
        });
}

fn charts(ui: &mut egui::Ui, cmp: &Comparison) {
    let teams: Vec<(String, &[Sample], f64)> = cmp
        .entries
        .iter()
        .filter(|e| e.verified() && e.comparable)
        .map(|e| (e.team(), e.samples.as_slice(), e.calendar.minutes_per_day))
        .collect();
    if teams.is_empty() {
        return;
    }
    ui.add_space(8.0);
    ui.label(egui::RichText::new("Over time, one line per team (x: workday)").strong());
    let plot = |ui: &mut egui::Ui, id: &str, title: &str, f: &dyn Fn(&Sample) -> f64| {
        ui.label(title);
        Plot::new(id)
            .height(180.0)
            .legend(Legend::default())
            .show(ui, |p| {
                for (i, (team, samples, mpd)) in teams.iter().enumerate() {
                    let pts: PlotPoints = samples.iter().map(|s| [s.t / mpd, f(s)]).collect();
                    p.line(Line::new(team.clone(), pts).color(theme::okabe_ito(i)));
                }
            });
    };
    ui.columns(2, |cols| {
        plot(&mut cols[0], "cmp-score", "Score (money)", &|s| s.score);
        plot(&mut cols[1], "cmp-wip", "WIP (items)", &|s| {
            f64::from(s.wip)
        });
    });
    ui.columns(2, |cols| {
        plot(&mut cols[0], "cmp-done", "Completed (items)", &|s| {
            s.completed as f64
        });
        plot(
            &mut cols[1],
            "cmp-cost",
            "Cost of unplanned work (money)",
            &|s| s.unplanned_cost,
        );
    });
}

fn storyboards(ui: &mut egui::Ui, cmp: &Comparison) {
    let with: Vec<_> = cmp
        .entries
        .iter()
        .filter_map(|e| Some((e.team(), e.run.as_ref()?.storyboard.as_ref()?)))
        .collect();
    if with.is_empty() {
        return;
    }
    ui.add_space(8.0);
    ui.label(egui::RichText::new("Storyboards").strong());
    ui.columns(with.len().min(4), |cols| {
        for (i, (team, story)) in with.iter().enumerate() {
            let ui = &mut cols[i % cols.len()];
            ui.label(egui::RichText::new(team).strong());
            for (k, r) in story.rounds.iter().enumerate() {
                let m = &r.target.metric;
                ui.label(format!("Round {}: {}", k + 1, r.target.label()));
                ui.label(format!("Experiment: {}", r.experiment));
                ui.label(format!(
                    "Predicted {} · measured {}",
                    crate::sim::kata::format_value(m, Some(r.prediction)),
                    crate::sim::kata::format_value(m, r.result)
                ));
                if !r.learned.is_empty() {
                    ui.colored_label(theme::MUTED, format!("Learned: {}", r.learned));
                }
                ui.add_space(4.0);
            }
        }
    });
}
