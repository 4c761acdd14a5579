//! The control panel: the decisions the player can make, each sent as a player command.

use bevy_egui::egui;

use super::SelectedOutage;
use crate::game::session::Session;
use crate::game::theme;
use crate::sim::{Action, Assignee, OutageCause, OutageState, level::MAX_BATCH};

pub(super) fn show(
    ui: &mut egui::Ui,
    session: &Session,
    selected: &mut SelectedOutage,
    out: &mut Vec<Action>,
) {
    let sim = &session.sim;
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading("Decisions");
        if let Some((msg, at)) = &session.last_error
            && sim.now() - at < 60.0
        {
            ui.colored_label(theme::ALARM, format!("Refused: {msg}"));
        }

        let policy = sim.policy();
        let constraint = sim.level().workers.iter().find(|w| w.constraint).map(|w| w.name.clone());
        if let Some(name) = &constraint {
            let mut protect = policy.protect_constraint;
            let label = format!("Protect {name} (P)");
            if ui.checkbox(&mut protect, label).on_hover_text(format!(
                "{name} does only the work nobody else can do, and outages go to others who can fix them."
            )).changed() {
                out.push(Action::ProtectConstraint { on: protect });
            }
        }
        let mut hold = policy.hold_work;
        if ui
            .checkbox(&mut hold, "Hold new work in the backlog")
            .on_hover_text("Stop releasing new work into the value stream.")
            .changed()
        {
            out.push(Action::HoldWork { hold });
        }

        if sim.deploy_center().is_some() {
            ui.separator();
            ui.label("Deploy batch size");
            let mut size = policy.batch_size;
            let slider = egui::Slider::new(&mut size, 1..=MAX_BATCH.min(50)).logarithmic(true).text("changes");
            let resp = ui.add(slider);
            if resp.drag_stopped() || (resp.changed() && !resp.dragged()) {
                out.push(Action::SetBatchSize { size });
            }
            ui.colored_label(theme::MUTED, "Big batches: fewer setups, but riskier deploys and longer waits.");
        }

        ui.separator();
        ui.label("WIP limits");
        egui::Grid::new("wip").num_columns(2).show(ui, |ui| {
            for (i, c) in sim.level().centers.iter().enumerate() {
                if Some(i) == sim.deploy_center() {
                    continue;
                }
                ui.label(&c.name);
                let current = sim.wip_limit(i);
                ui.horizontal(|ui| {
                    let mut on = current.is_some();
                    if ui.checkbox(&mut on, "").on_hover_text("Limit the work at this center").changed() {
                        out.push(Action::SetWipLimit { center: c.id.clone(), limit: on.then_some(current.unwrap_or(4)) });
                    }
                    if let Some(mut l) = current
                        && ui.add(egui::DragValue::new(&mut l).range(1..=99)).changed()
                    {
                        out.push(Action::SetWipLimit { center: c.id.clone(), limit: Some(l) });
                    }
                });
                ui.end_row();
            }
        });

        ui.separator();
        let open: Vec<_> = sim.outages().iter().filter(|o| o.state != OutageState::Resolved).collect();
        ui.heading(format!("Outages ({})", open.len()));
        if open.is_empty() {
            ui.colored_label(theme::MUTED, "Production is healthy.");
        }
        let workers = sim.worker_views();
        for o in open {
            let is_selected = selected.0 == Some(o.id);
            let frame = egui::Frame::group(ui.style()).stroke(egui::Stroke::new(
                if is_selected { 2.5 } else { 1.0 },
                theme::ALARM,
            ));
            frame.show(ui, |ui| {
                ui.set_width(ui.available_width());
                let who = match o.state {
                    OutageState::Open => "waiting for someone free".to_string(),
                    OutageState::Deferred => "deferred".to_string(),
                    OutageState::Queued(w) => format!("queued for {}", workers[w].name),
                    OutageState::InWork(w) => format!("{} is fixing it", workers[w].name),
                    OutageState::Resolved => "fixed".to_string(),
                };
                let cause = match o.cause {
                    OutageCause::BaseRate => "incident".to_string(),
                    OutageCause::FailedDeploy { changes } => format!("failed deploy of {changes}"),
                };
                if ui
                    .selectable_label(is_selected, egui::RichText::new(format!("⚠ #{} {cause}", o.id)).color(theme::ALARM).strong())
                    .clicked()
                {
                    selected.0 = if is_selected { None } else { Some(o.id) };
                }
                ui.label(format!("{who} · costing {}", theme::money(sim.outage_cost(o))));
                if is_selected {
                    ui.label("Who takes it?");
                    ui.horizontal_wrapped(|ui| {
                        for w in workers.iter().filter(|w| w.fixes_outages) {
                            let label = if w.constraint { format!("{} ★", w.name) } else { w.name.clone() };
                            if ui.button(label).clicked() {
                                out.push(Action::Triage { outage: o.id, to: Assignee::Worker(w.name.clone()) });
                            }
                        }
                        if ui.button("Defer").on_hover_text("Nobody, for now. It keeps costing.").clicked() {
                            out.push(Action::Triage { outage: o.id, to: Assignee::Defer });
                        }
                        if ui.button("Auto").on_hover_text("Back to the standing rule").clicked() {
                            out.push(Action::Triage { outage: o.id, to: Assignee::Auto });
                        }
                    });
                }
            });
        }
    });
}
