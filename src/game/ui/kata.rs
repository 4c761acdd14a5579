//! The improvement kata on screen: the storyboard as a table, the form that plans a round
//! (target condition, obstacle, experiment, prediction) and the review at a round's end
//! (the result next to the prediction, and "what did we learn?").

use bevy_egui::egui;

use crate::game::theme;
use crate::game::ui::Named;
use crate::sim::challenge::{Goal, Metric};
use crate::sim::kata::{Figure, KataRound, Storyboard, format_value, input_hint};

/// The plan being written for the next round.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RoundPlan {
    /// Index into [`Metric::kata_metrics`].
    pub metric: usize,
    /// Whether the target is "at least" (else "at most").
    pub at_least: bool,
    /// The target's number.
    pub target: f64,
    /// The obstacle addressed now.
    pub obstacle: String,
    /// The experiment.
    pub experiment: String,
    /// The predicted value.
    pub prediction: f64,
}

impl Default for RoundPlan {
    fn default() -> Self {
        Self {
            metric: 0,
            at_least: true,
            target: 0.0,
            obstacle: String::new(),
            experiment: String::new(),
            prediction: 0.0,
        }
    }
}

impl RoundPlan {
    /// The round this plan describes, with its current condition.
    pub fn round(&self, current: Vec<Figure>) -> KataRound {
        let metric = Metric::kata_metrics()
            .get(self.metric)
            .cloned()
            .unwrap_or(Metric::Score);
        KataRound {
            current_condition: current,
            target: Goal {
                metric,
                at_least: self.at_least.then_some(self.target),
                at_most: (!self.at_least).then_some(self.target),
            },
            obstacle: self.obstacle.trim().to_string(),
            experiment: self.experiment.trim().to_string(),
            prediction: self.prediction,
            result: None,
            learned: String::new(),
        }
    }
}

/// The storyboard, read-only: the challenge and one row per round.
pub(crate) fn storyboard_view(ui: &mut egui::Ui, story: &Storyboard) {
    egui::CollapsingHeader::new("Improvement-kata storyboard")
        .default_open(true)
        .show(ui, |ui| {
            ui.label(format!("Challenge: {}", story.challenge));
            egui::Grid::new("storyboard")
                .striped(true)
                .num_columns(7)
                .show(ui, |ui| {
                    for h in [
                        "round",
                        "current condition",
                        "target condition",
                        "obstacle",
                        "experiment",
                        "predicted · measured",
                        "learned",
                    ] {
                        ui.strong(h);
                    }
                    ui.end_row();
                    for (k, r) in story.rounds.iter().enumerate() {
                        let m = &r.target.metric;
                        ui.label((k + 1).to_string());
                        ui.label(
                            r.current_condition
                                .iter()
                                .find(|f| &f.metric == m)
                                .map_or("—".into(), Figure::shown),
                        );
                        ui.label(r.target.label());
                        ui.label(&r.obstacle);
                        ui.label(&r.experiment);
                        let text = format!(
                            "{} · {}",
                            format_value(m, Some(r.prediction)),
                            format_value(m, r.result)
                        );
                        match r.target_met() {
                            Some(true) => ui.colored_label(theme::GOOD, format!("{text} ✔ met")),
                            Some(false) => {
                                ui.colored_label(theme::ALARM, format!("{text} ✖ not met"))
                            }
                            None => ui.label(text),
                        };
                        ui.label(&r.learned);
                        ui.end_row();
                    }
                });
        });
}

/// The form that plans round `k` (0-based) of `rounds`, with its current condition.
/// Returns true when the team starts the round.
pub(crate) fn plan_form(
    ctx: &egui::Context,
    k: usize,
    rounds: u32,
    story: &Storyboard,
    current: &[Figure],
    plan: &mut RoundPlan,
) -> bool {
    let mut go = false;
    let metrics = Metric::kata_metrics();
    egui::Window::new(format!("Plan round {} of {rounds}", k + 1))
        .collapsible(false)
        .default_width(560.0)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.label(egui::RichText::new("Challenge").strong());
            ui.label(&story.challenge);
            ui.add_space(4.0);
            ui.label(
                egui::RichText::new(if k == 0 {
                    "Current condition (the first round with no decisions: a baseline on the same seed)"
                } else {
                    "Current condition (measured over the last round)"
                })
                .strong(),
            );
            egui::Grid::new("current").num_columns(2).show(ui, |ui| {
                for f in current.iter().filter(|f| f.value.is_some()) {
                    ui.label(f.metric.label());
                    ui.label(format_value(&f.metric, f.value));
                    ui.end_row();
                }
            });
            ui.separator();
            egui::Grid::new("plan").num_columns(2).show(ui, |ui| {
                ui.label("Target condition");
                ui.horizontal(|ui| {
                    egui::ComboBox::from_id_salt("target-metric")
                        .selected_text(metrics[plan.metric.min(metrics.len() - 1)].label())
                        .show_ui(ui, |ui| {
                            for (i, m) in metrics.iter().enumerate() {
                                ui.selectable_value(&mut plan.metric, i, m.label());
                            }
                        });
                    egui::ComboBox::from_id_salt("target-dir")
                        .selected_text(if plan.at_least { "at least" } else { "at most" })
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut plan.at_least, true, "at least");
                            ui.selectable_value(&mut plan.at_least, false, "at most");
                        });
                    ui.add(egui::DragValue::new(&mut plan.target).speed(0.1));
                });
                ui.end_row();
                let metric = &metrics[plan.metric.min(metrics.len() - 1)];
                ui.label("Obstacle we address now");
                ui.text_edit_singleline(&mut plan.obstacle)
                    .named("plan.obstacle");
                ui.end_row();
                ui.label("Experiment (the change we make)");
                ui.text_edit_singleline(&mut plan.experiment)
                    .named("plan.experiment");
                ui.end_row();
                ui.label(format!("We predict ({})", input_hint(metric)));
                ui.add(egui::DragValue::new(&mut plan.prediction).speed(0.1));
                ui.end_row();
            });
            ui.colored_label(
                theme::MUTED,
                "Make your standing decisions now (the controls on the right): during the round only triage, expedite, refuse and postmortems change.",
            );
            let ready = !plan.experiment.trim().is_empty();
            go = ui
                .add_enabled(ready, egui::Button::new(egui::RichText::new("▶ Start the round").strong()))
                .named("plan.start")
                .on_disabled_hover_text("Write down the experiment first")
                .clicked();
        });
    go
}

/// The review of a round just played: its result next to the prediction, and what the
/// team learned. Returns true when the team goes on.
pub(crate) fn review(ctx: &egui::Context, k: usize, round: &mut KataRound, last: bool) -> bool {
    let mut go = false;
    egui::Window::new(format!("Round {} is over", k + 1))
        .collapsible(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            let m = round.target.metric.clone();
            ui.label(format!("Target condition: {}", round.target.label()));
            ui.label(format!("Experiment: {}", round.experiment));
            ui.label(
                egui::RichText::new(format!(
                    "Predicted {} · measured {}",
                    format_value(&m, Some(round.prediction)),
                    format_value(&m, round.result)
                ))
                .size(18.0),
            );
            match round.target_met() {
                Some(true) => ui.colored_label(theme::GOOD, "Target condition met."),
                _ => ui.colored_label(theme::ALARM, "Target condition not met (yet)."),
            };
            ui.label(egui::RichText::new("What did we learn?").strong());
            ui.add(egui::TextEdit::multiline(&mut round.learned).desired_rows(3))
                .named("review.learned");
            go = ui
                .button(if last {
                    "To the debrief"
                } else {
                    "Plan the next round"
                })
                .named("review.next")
                .clicked();
        });
    go
}
