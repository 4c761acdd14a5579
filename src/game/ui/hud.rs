//! The HUD: sim day and time, the value-stream metrics, the score, the level's goals with
//! their values now, and time controls.

use bevy_egui::egui;

use crate::game::help::{KeyAction, keys_of};
use crate::game::session::{SPEEDS, Session, TimeControl};
use crate::game::theme;
use crate::game::ui::{Named, goals};
use crate::sim::WorkType;

/// Draws the HUD; the time controls the player clicked are pushed onto `time`, and
/// `download` is set when the player asked to download the run; `charts` toggles the
/// live charts and `help` the help overlay.
pub(crate) fn show(
    ui: &mut egui::Ui,
    session: &Session,
    time: &mut Vec<TimeControl>,
    download: &mut bool,
    charts: &mut bool,
    help: &mut bool,
) {
    let sim = &session.sim;
    let r = sim.report();
    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
    ui.add_space(4.0);
    controls_row(ui, session, time, download, charts, help);
    figures_row(ui, sim, &r);
    if !r.goals.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new("Goals").strong())
                .on_hover_text("The first star needs every goal met at the end of the run.");
            goals::standing(ui, &r.goals);
        });
    }
    ui.add_space(4.0);
}

/// The first row: the level, its seed, the clock and the run's progress; pause and the
/// speeds; download; the live charts and the help.
fn controls_row(
    ui: &mut egui::Ui,
    session: &Session,
    time: &mut Vec<TimeControl>,
    download: &mut bool,
    charts: &mut bool,
    help: &mut bool,
) {
    let sim = &session.sim;
    ui.horizontal(|ui| {
        ui.heading(&sim.level().title);
        ui.colored_label(theme::MUTED, format!("seed {}", sim.seed()))
            .on_hover_text(format!(
                "Share this run: ?level={}&seed={}",
                sim.level().id,
                sim.seed()
            ));
        ui.separator();
        ui.label(
            egui::RichText::new(sim.level().calendar.format(sim.now()))
                .monospace()
                .size(16.0),
        );
        ui.add(
            egui::ProgressBar::new((sim.now() / sim.end()) as f32)
                .desired_width(120.0)
                .text(format!("of {} days", sim.level().days)),
        );
        ui.separator();
        let pause = if session.paused {
            "▶ Resume"
        } else {
            "⏸ Pause"
        };
        if ui
            .button(pause)
            .named("hud.pause")
            .on_hover_text(keys_of(KeyAction::Pause))
            .clicked()
        {
            time.push(TimeControl::TogglePause);
        }
        for (i, s) in SPEEDS.iter().enumerate() {
            let on = session.speed == *s && !session.paused;
            if ui
                .selectable_label(on, format!("{s}×"))
                .named(&format!("hud.speed.{s}"))
                .on_hover_text(format!("key {}", i + 1)) // the digits of help::KeyAction::Speed
                .clicked()
            {
                time.push(TimeControl::Speed(*s));
            }
        }
        ui.separator();
        if ui
            .button("⬇ Download run")
            .named("hud.download")
            .on_hover_text(
                "Save this run so far as a run file: level, seed, your decisions, your figures",
            )
            .clicked()
        {
            *download = true;
        }
        if let Some(msg) = &session.run_saved {
            ui.colored_label(theme::MUTED, msg);
        }
        ui.separator();
        if ui
            .selectable_label(*charts, "📈 Charts")
            .named("hud.charts")
            .on_hover_text(format!(
                "Cumulative flow, lead time and utilization vs wait, live (key {})",
                keys_of(KeyAction::Charts)
            ))
            .clicked()
        {
            *charts = !*charts;
        }
        if ui
            .selectable_label(*help, "❓")
            .named("hud.help")
            .on_hover_text(format!("Keys and text size ({})", keys_of(KeyAction::Help)))
            .clicked()
        {
            *help = !*help;
        }
    });
}

/// The second row: throughput, WIP, backlog, lead time, DORA, debt, culture, unplanned
/// cost, score and stars.
fn figures_row(ui: &mut egui::Ui, sim: &crate::sim::Simulation, r: &crate::sim::RunReport) {
    ui.horizontal_wrapped(|ui| {
        let planned: f64 = WorkType::PLANNED
            .iter()
            .map(|t| r.run.throughput_per_day[t.key()])
            .sum();
        metric(
            ui,
            "Throughput",
            format!("{planned:.1}/day"),
            "Planned items completed per workday",
        );
        metric(
            ui,
            "WIP",
            format!("{}", r.run.wip),
            "Items in process now (released, not done)",
        );
        metric(
            ui,
            "Backlog",
            format!("{}", r.run.backlog),
            "Arrived, not yet released",
        );
        metric(
            ui,
            "Lead time p50",
            theme::hours(r.run.lead_time_p50),
            "Median time from arrival to done",
        );
        let shows = sim.level().hud();
        if shows.dora {
            goals::dora_compact(ui, &r.dora);
            ui.separator();
        }
        if shows.debt {
            metric(
                ui,
                "Tech debt",
                format!("{:.0} pts", sim.debt()),
                &format!(
                    "Technical debt: it compounds and raises the outage rate (now {:.1} a day)",
                    sim.outage_rate_per_day()
                ),
            );
        }
        if shows.culture {
            ui.label("Culture").on_hover_text(
                "Westrum culture: how fast news of an outage travels, and whether postmortems happen",
            );
            ui.label(egui::RichText::new(sim.culture().label()).strong());
            ui.separator();
        }
        if shows.unplanned_cost {
            ui.label("Unplanned cost").on_hover_text(
                "What outages and other unplanned work have cost so far: it comes off the score",
            );
            ui.colored_label(
                theme::ALARM,
                egui::RichText::new(theme::money(r.run.unplanned_cost)).strong(),
            );
            ui.separator();
        }
        ui.label("Score").on_hover_text(
            "The value of the planned work done, less the cost of unplanned work: the stars need it",
        );
        let color = if r.score >= 0.0 {
            theme::GOOD
        } else {
            theme::ALARM
        };
        ui.colored_label(
            color,
            egui::RichText::new(theme::money(r.score))
                .strong()
                .size(18.0),
        );
        ui.label(egui::RichText::new("★".repeat(r.stars as usize)).color(theme::STAR));
    });
}

fn metric(ui: &mut egui::Ui, name: &str, value: String, help: &str) {
    ui.label(name).on_hover_text(help);
    ui.label(egui::RichText::new(value).strong());
    ui.separator();
}
