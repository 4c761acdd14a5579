//! The board: the value stream left to right, each work center with its queue, the workers
//! and what they are doing. Items are colored by work type and carry its letter.

use bevy_egui::egui;

use crate::game::screens::play::SelectedOutage;
use crate::game::session::Session;
use crate::game::theme;
use crate::sim::{Action, Activity, CenterView, ItemView, Simulation, WorkType, WorkerView};

pub(crate) fn show(
    ui: &mut egui::Ui,
    session: &Session,
    selected: &mut SelectedOutage,
    out: &mut Vec<Action>,
) {
    show_sim(ui, &session.sim, session.paused, selected, out);
}

/// Draws the board of `sim` (the debrief's time scrub draws a replayed run with it; what
/// it returns in `out` is then ignored).
pub(crate) fn show_sim(
    ui: &mut egui::Ui,
    sim: &Simulation,
    paused: bool,
    selected: &mut SelectedOutage,
    out: &mut Vec<Action>,
) {
    let centers = sim.center_views();
    let workers = sim.worker_views();

    if paused {
        ui.colored_label(theme::MUTED, "Paused — press Space or ▶ Resume");
    }
    outage_banner(ui, sim, selected);
    legend(ui);
    ui.add_space(6.0);

    // Stations in value-stream order, each an equal share of the width less the arrows.
    let n = centers.len().max(1) as f32;
    let width = ((ui.available_width() - 44.0 * (n - 1.0)) / n - 20.0).clamp(150.0, 360.0);
    egui::ScrollArea::horizontal()
        .id_salt("stations")
        .show(ui, |ui| {
            ui.horizontal_top(|ui| {
                for (i, c) in centers.iter().enumerate() {
                    if i > 0 {
                        ui.label(egui::RichText::new("➡").size(22.0).color(theme::MUTED));
                    }
                    card(ui, c.constraint_only).show(ui, |ui| {
                        ui.set_width(width);
                        ui.set_min_height(190.0);
                        ui.vertical(|ui| station(ui, c, out));
                    });
                }
            });
        });

    ui.add_space(10.0);
    ui.heading("People");
    // Rows of cards as wide as the board allows (egui does not wrap frames by itself).
    const CARD: f32 = 210.0;
    let per_row = ((ui.available_width() + 8.0) / (CARD + 28.0))
        .floor()
        .max(1.0) as usize;
    for row in workers.chunks(per_row) {
        ui.horizontal_top(|ui| {
            for w in row {
                card(ui, w.constraint).show(ui, |ui| {
                    ui.set_width(CARD);
                    ui.vertical(|ui| person(ui, w, &centers, selected));
                });
            }
        });
    }
}

/// The frame of a station or a person, outlined in the constraint's color when `constraint`.
fn card(ui: &egui::Ui, constraint: bool) -> egui::Frame {
    let stroke = if constraint {
        egui::Stroke::new(2.5, theme::CONSTRAINT)
    } else {
        ui.visuals().widgets.noninteractive.bg_stroke
    };
    egui::Frame::group(ui.style())
        .stroke(stroke)
        .inner_margin(8.0)
}

/// One work center: its name, WIP, utilization and the items in it.
fn station(ui: &mut egui::Ui, c: &CenterView, out: &mut Vec<Action>) {
    ui.label(egui::RichText::new(&c.name).strong().size(16.0));
    let wip = c.queue.len() + c.in_service.len() + c.blocked.len();
    let limit = c
        .wip_limit
        .map_or("no limit".to_string(), |l| format!("limit {l}"));
    ui.colored_label(
        theme::MUTED,
        format!("WIP {wip} ({limit}) · ρ {:.0}%", 100.0 * c.utilization),
    );
    if let Some(b) = c.batch {
        let what = if c.is_deploy { "deploy" } else { "batch" };
        ui.colored_label(
            theme::MUTED,
            format!("{what} of {b}: {} waiting", c.queue.len()),
        );
    }
    if let Some(b) = c.buffer {
        ui.colored_label(theme::MUTED, format!("buffer holds {b}"));
    }
    if c.constraint_only {
        ui.colored_label(theme::CONSTRAINT, "only the constraint can work here");
    }
    if c.is_drum {
        ui.colored_label(theme::CONSTRAINT, "the drum: release follows its pace")
            .on_hover_text("Drum-buffer-rope: when it is on, work is released only while the buffer ahead of this center has room.");
    }
    if c.skipped {
        ui.colored_label(theme::ALARM, "skipped: items go straight past (adds debt)");
    }
    ui.add_space(4.0);
    ui.label(if c.is_deploy {
        "Deploying"
    } else {
        "In service"
    });
    chips(ui, &c.in_service, true, out);
    if c.is_deploy && !c.awaiting_approval.is_empty() {
        ui.colored_label(
            theme::MUTED,
            format!(
                "Waiting for the change board ({})",
                c.awaiting_approval.len()
            ),
        );
        chips(ui, &c.awaiting_approval, false, out);
    }
    ui.label(format!("Queue ({})", c.queue.len()));
    chips(ui, &c.queue, false, out);
    if !c.blocked.is_empty() {
        ui.colored_label(
            theme::ALARM,
            format!("Done, blocked downstream ({})", c.blocked.len()),
        );
        chips(ui, &c.blocked, false, out);
    }
}

/// One worker: name, what they are doing, interruptions, load and skills.
fn person(
    ui: &mut egui::Ui,
    w: &WorkerView,
    centers: &[CenterView],
    selected: &mut SelectedOutage,
) {
    let name = if w.constraint {
        format!("{} ★ constraint", w.name)
    } else {
        w.name.clone()
    };
    ui.label(egui::RichText::new(name).strong());
    match &w.activity {
        Activity::Idle => {
            ui.colored_label(theme::MUTED, "idle");
        }
        Activity::Working {
            center,
            work_type,
            item,
        } => {
            ui.label(format!(
                "{} #{item} at {}",
                work_type.label(),
                centers[*center].name
            ));
        }
        Activity::Batch { center, items } => {
            ui.label(format!("{}: batch of {items}", centers[*center].name));
        }
        Activity::Improving { job } => {
            ui.colored_label(
                theme::work_color(WorkType::Internal),
                format!("improvement work (#{job})"),
            );
        }
        Activity::FixingOutage { outage } => {
            let text = egui::RichText::new(format!("⚠ on outage #{outage}"))
                .color(theme::ALARM)
                .strong();
            if ui
                .link(text)
                .on_hover_text("Select it for triage")
                .clicked()
            {
                selected.0 = Some(*outage);
            }
        }
    }
    if w.paused > 0 {
        ui.colored_label(theme::ALARM, format!("{} task(s) interrupted", w.paused));
    }
    if w.queued_outages > 0 {
        ui.colored_label(
            theme::ALARM,
            format!("{} outage(s) waiting for them", w.queued_outages),
        );
    }
    load_bar(ui, w.utilization, w.unplanned_share);
    let speed = |s: f64| {
        if (s - 1.0).abs() < 1e-9 {
            String::new()
        } else {
            format!(" ×{s:.2}")
        }
    };
    let mut skills: Vec<String> = w
        .skills
        .iter()
        .map(|(c, s)| format!("{}{}", centers[*c].name, speed(*s)))
        .collect();
    if let Some(s) = w.outage_speed {
        skills.push(format!("outages{}", speed(s)));
    }
    ui.colored_label(theme::MUTED, skills.join(", "))
        .on_hover_text("Skills, with speed where it is not nominal (×0.50 takes twice as long)");
}

/// A banner across the board while production is down: how many outages, what they cost
/// per hour, and a link to select the oldest for triage.
fn outage_banner(ui: &mut egui::Ui, sim: &Simulation, selected: &mut SelectedOutage) {
    let open: Vec<_> = sim.open_outages().collect();
    let Some(oldest) = open.first() else { return };
    let per_hour = sim.outage_cost_per_hour() * open.len() as f64;
    egui::Frame::new()
        .fill(theme::ALARM.linear_multiply(0.25))
        .stroke(egui::Stroke::new(1.5, theme::ALARM))
        .inner_margin(6.0)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(
                    egui::RichText::new(format!(
                        "⚠ {} outage{} open: losing {} per hour",
                        open.len(),
                        if open.len() == 1 { "" } else { "s" },
                        theme::money(per_hour)
                    ))
                    .color(egui::Color32::WHITE)
                    .strong(),
                );
                if ui.link(format!("triage #{}", oldest.id)).clicked() {
                    selected.0 = Some(oldest.id);
                }
            });
        });
    ui.add_space(4.0);
}

fn legend(ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        for t in WorkType::PLANNED {
            theme::item_chip(ui, t, 0, false);
            ui.label(t.label());
            ui.add_space(8.0);
        }
        ui.colored_label(theme::MUTED, "· white outline: in service");
    });
}

/// The items as chips; right-click (or long-press) one that is waiting to expedite it.
fn chips(ui: &mut egui::Ui, items: &[ItemView], in_service: bool, out: &mut Vec<Action>) {
    const MAX: usize = 60;
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing = egui::vec2(3.0, 3.0);
        for it in items.iter().take(MAX) {
            let resp = theme::item_chip(ui, it.work_type, it.id, in_service);
            if it.expedited {
                ui.painter()
                    .circle_filled(resp.rect.right_top(), 3.0, theme::ALARM);
            }
            if !in_service && !it.expedited {
                resp.context_menu(|ui| {
                    if ui.button(format!("Expedite #{}", it.id)).clicked() {
                        out.push(Action::Expedite { item: it.id });
                        ui.close();
                    }
                });
            }
        }
        if items.len() > MAX {
            ui.label(format!("+{}", items.len() - MAX));
        }
        if items.is_empty() {
            ui.colored_label(theme::MUTED, "–");
        }
    });
}

/// A bar of the share of time busy so far, its unplanned part in the alarm color.
fn load_bar(ui: &mut egui::Ui, busy: f64, unplanned: f64) {
    let (rect, resp) =
        ui.allocate_exact_size(egui::vec2(ui.available_width(), 10.0), egui::Sense::hover());
    let p = ui.painter();
    p.rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
    let w = rect.width();
    let planned = (busy - unplanned).max(0.0) as f32;
    let mut r = rect;
    r.set_width(w * planned);
    p.rect_filled(r, 2.0, theme::work_color(WorkType::Business));
    let mut u = rect;
    u.min.x = rect.min.x + w * planned;
    u.set_width(w * unplanned as f32);
    p.rect_filled(u, 2.0, theme::ALARM);
    resp.on_hover_text(format!(
        "busy {:.0}% of the time so far ({:.0}% of the time on outages)",
        100.0 * busy,
        100.0 * unplanned
    ));
}
