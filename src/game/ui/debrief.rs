//! The debrief: score and stars, the key metrics, charts over time (egui_plot) and the
//! lesson of the level.

use bevy_egui::egui;
use egui_plot::{Legend, Line, Plot, PlotPoints};

use crate::game::session::Session;
use crate::game::theme;
use crate::game::ui::goals;
use crate::sim::WorkType;

/// What the player chose on the debrief screen.
pub(crate) enum Choice {
    /// Play the same level and seed again.
    Replay,
    /// Back to the level select.
    LevelSelect,
    /// Play the next campaign level.
    Next(String),
    /// Save the run as a run file.
    DownloadRun,
    /// Copy the run as a run link.
    CopyLink,
    /// Go on playing an opened run that had not ended.
    Continue,
}

/// Draws the debrief of `session`. `unlocked` is the level this run unlocked, if any, and
/// `next` the next campaign level when it is open.
pub(crate) fn show(
    ui: &mut egui::Ui,
    session: &Session,
    unlocked: Option<&str>,
    next: Option<&str>,
) -> Option<Choice> {
    let sim = &session.sim;
    let r = sim.report();
    let mut choice = None;
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.heading(format!(
                "Debrief — {} (seed {})",
                sim.level().title,
                sim.seed()
            ));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if let Some(id) = next
                    && ui
                        .button(egui::RichText::new("Next level ▶").strong())
                        .clicked()
                {
                    choice = Some(Choice::Next(id.to_string()));
                }
                if ui.button("Campaign").clicked() {
                    choice = Some(Choice::LevelSelect);
                }
                if ui
                    .button("⬇ Download run")
                    .on_hover_text(
                        "Save this run as a run file to hand in: flowkata-cli verify checks it",
                    )
                    .clicked()
                {
                    choice = Some(Choice::DownloadRun);
                }
                if let Some(msg) = &session.run_saved {
                    ui.colored_label(theme::MUTED, msg);
                }
                if ui
                    .button("🔗 Copy run link")
                    .on_hover_text(
                        "The run in a link (nothing reaches a server): paste it into the workshop chat",
                    )
                    .clicked()
                {
                    choice = Some(Choice::CopyLink);
                }
                if ui.button("↻ Play again (same seed)").clicked() {
                    choice = Some(Choice::Replay);
                }
                if session.opened.is_some()
                    && !sim.is_finished()
                    && ui
                        .button("▶ Go on playing")
                        .on_hover_text("This run was saved before its end: play on from there")
                        .clicked()
                {
                    choice = Some(Choice::Continue);
                }
            });
        });
        if let Some(opened) = &session.opened {
            ui.colored_label(theme::GOOD, opened);
        }
        if !sim.is_finished() {
            ui.colored_label(
                theme::MUTED,
                format!(
                    "This run was saved at {}, before the level's end: these are its figures then.",
                    sim.level().calendar.format(sim.now())
                ),
            );
        }
        if let Some(story) = &session.storyboard {
            super::kata::storyboard_view(ui, story);
        }
        if let Some(e) = sim.halted() {
            ui.colored_label(
                theme::ALARM,
                format!("This run stopped before its end: {e}."),
            );
        }
        ui.horizontal(|ui| {
            ui.label(
                egui::RichText::new(theme::money(r.score))
                    .size(32.0)
                    .strong(),
            );
            let stars = format!(
                "{}{}",
                "★".repeat(r.stars as usize),
                "☆".repeat(3 - r.stars as usize)
            );
            ui.label(
                egui::RichText::new(stars)
                    .size(32.0)
                    .color(egui::Color32::GOLD),
            );
        });
        let s = sim.level().scoring.stars;
        ui.colored_label(
            theme::MUTED,
            format!(
                "Stars at {}, {} and {}, once every goal is met",
                theme::money(s[0]),
                theme::money(s[1]),
                theme::money(s[2])
            ),
        );
        if let Some(id) = unlocked {
            let title = crate::sim::Level::shipped(id).map_or(id, |l| l.title.as_str());
            ui.colored_label(
                theme::GOOD,
                egui::RichText::new(format!("Unlocked: {title}")).strong(),
            );
        }
        if !r.goals.is_empty() {
            let met = r.goals.iter().filter(|g| g.met).count();
            ui.label(
                egui::RichText::new(format!("Goals met: {met} of {}", r.goals.len())).strong(),
            );
            ui.horizontal_wrapped(|ui| goals::standing(ui, &r.goals, true));
        }
        ui.add_space(8.0);
        egui::Grid::new("debrief-metrics")
            .num_columns(4)
            .striped(true)
            .show(ui, |ui| {
                let m = &r.run;
                let planned: u64 = WorkType::PLANNED.iter().map(|t| m.completed[t.key()]).sum();
                let rows = [
                    (
                        "Value delivered",
                        theme::money(m.value_delivered),
                        "Unplanned cost",
                        theme::money(m.unplanned_cost),
                    ),
                    (
                        "Planned items done",
                        planned.to_string(),
                        "Outages",
                        format!("{} ({} fixed)", m.outages, m.outages_resolved),
                    ),
                    (
                        "Lead time p50",
                        theme::hours(m.lead_time_p50),
                        "Lead time p85",
                        theme::hours(m.lead_time_p85),
                    ),
                    (
                        "Deploys per day",
                        format!("{:.1}", m.deploys_per_day),
                        "Change failure rate",
                        format!("{:.0}%", 100.0 * m.change_failure_rate),
                    ),
                    (
                        "Mean time to restore",
                        theme::hours(m.mean_time_to_restore),
                        "Unplanned work",
                        format!("{:.1} worker-hours", m.unplanned_work_hours),
                    ),
                    (
                        "Mean WIP",
                        format!("{:.1} items", m.mean_wip),
                        "Commands given",
                        sim.commands().len().to_string(),
                    ),
                ];
                for (a, va, b, vb) in rows {
                    ui.label(a);
                    ui.label(egui::RichText::new(va).strong());
                    ui.label(b);
                    ui.label(egui::RichText::new(vb).strong());
                    ui.end_row();
                }
            });
        if r.run.deploys > 0 {
            ui.add_space(8.0);
            ui.label(egui::RichText::new("DORA's four keys").strong());
            goals::dora(ui, &r.dora);
        }
        ui.add_space(8.0);
        ui.label("Who did what (share of the run)");
        egui::Grid::new("debrief-workers")
            .num_columns(3)
            .show(ui, |ui| {
                for w in &r.workers {
                    let name = if w.constraint {
                        format!("{} ★", w.name)
                    } else {
                        w.name.clone()
                    };
                    ui.label(name);
                    ui.label(format!("planned {:.0}%", 100.0 * w.planned_utilization));
                    ui.colored_label(
                        theme::ALARM,
                        format!("outages {:.0}%", 100.0 * w.unplanned_utilization),
                    );
                    ui.end_row();
                }
            });

        ui.add_space(8.0);
        let days = |t: f64| t / sim.level().calendar.minutes_per_day;
        let samples = sim.samples();
        let series = |f: &dyn Fn(&crate::sim::Sample) -> f64| -> PlotPoints<'static> {
            samples
                .iter()
                .map(|s| [days(s.t), f(s)])
                .collect::<Vec<_>>()
                .into()
        };
        ui.label(egui::RichText::new("Over time (x: workday)").strong());
        ui.columns(2, |cols| {
            Plot::new("flow")
                .height(220.0)
                .legend(Legend::default())
                .show(&mut cols[0], |p| {
                    p.line(Line::new("WIP (items)", series(&|s| f64::from(s.wip))));
                    p.line(Line::new(
                        "Completed (items)",
                        series(&|s| s.completed as f64),
                    ));
                    p.line(
                        Line::new("Open outages", series(&|s| f64::from(s.open_outages)))
                            .color(theme::ALARM),
                    );
                    if sim.level().debt.is_some() {
                        p.line(
                            Line::new("Tech debt (points)", series(&|s| s.debt))
                                .color(theme::CONSTRAINT),
                        );
                    }
                });
            Plot::new("money")
                .height(220.0)
                .legend(Legend::default())
                .show(&mut cols[1], |p| {
                    p.line(Line::new("Score", series(&|s| s.score)).color(theme::GOOD));
                    p.line(
                        Line::new("Unplanned cost", series(&|s| s.unplanned_cost))
                            .color(theme::ALARM),
                    );
                });
        });

        let m = &r.run;
        let mut facts = Vec::new();
        if m.on_time + m.late > 0 {
            facts.push(format!(
                "{} of {} due-dated items on time",
                m.on_time,
                m.on_time + m.late
            ));
        }
        if let Some(d) = m.mean_time_to_detect {
            facts.push(format!("outages noticed after {:.0} min on average", d));
        }
        if m.improvements_done > 0 {
            facts.push(format!(
                "{} improvement round(s) finished",
                m.improvements_done
            ));
        }
        if m.postmortems_done > 0 {
            facts.push(format!("{} postmortem(s)", m.postmortems_done));
        }
        if m.collisions > 0 {
            facts.push(format!("{} change collision(s)", m.collisions));
        }
        if m.off_board_changes > 0 {
            facts.push(format!("{} change(s) off the board", m.off_board_changes));
        }
        if sim.level().debt.is_some() {
            facts.push(format!(
                "tech debt {:.0} points (peak {:.0})",
                m.debt, m.debt_peak
            ));
        }
        if !facts.is_empty() {
            ui.add_space(4.0);
            ui.label(facts.join(" · "));
        }

        ui.add_space(8.0);
        ui.label(egui::RichText::new("What this level was about").strong());
        ui.label(&sim.level().lesson);
    });
    choice
}
