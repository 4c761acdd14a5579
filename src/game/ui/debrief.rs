//! The debrief: score and stars, the key metrics, charts over time (egui_plot) and the
//! lesson of the level.

use bevy_egui::egui;
use egui_plot::{Legend, Line, Plot, PlotPoints};

use crate::game::board::BoardSource;
use crate::game::session::{SPEEDS, Session};
use crate::game::theme;
use crate::game::ui::debrief_views::{DebriefViews, Tab};
use crate::game::ui::{board_overlay, goals, views};
use crate::sim::WorkType;
use crate::sim::challenge::Verdict;

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

/// Draws the debrief of `session` with its `views`: the header and its buttons, the tabs,
/// the time scrub, the tab's view and, under the time charts, the events timeline. The
/// Replay tab places the animated board with `board_state` (without it, a line of text).
/// `unlocked` is the level this run unlocked, if any, and `next` the next campaign level
/// when it is open.
pub(crate) fn show(
    ui: &mut egui::Ui,
    session: &Session,
    v: &mut DebriefViews,
    unlocked: Option<&str>,
    next: Option<&str>,
    board_state: Option<board_overlay::BoardState>,
) -> Option<Choice> {
    let mut choice = None;
    egui::ScrollArea::vertical().show(ui, |ui| {
        choice = header(ui, session, next);
        if let Some(opened) = &session.opened {
            ui.colored_label(theme::GOOD, opened);
        }
        ui.horizontal_wrapped(|ui| {
            for (k, tab) in Tab::ALL.into_iter().enumerate() {
                let label = format!("{} {}", k + 1, tab.label());
                if ui.selectable_label(v.tab == tab, label).clicked() {
                    v.tab = tab;
                }
            }
        });
        ui.separator();
        if v.tab == Tab::Summary {
            summary(ui, session, unlocked);
        } else {
            scrub_bar(ui, v);
            ui.add_space(4.0);
            tab_view(ui, session, v, board_state);
        }
    });
    choice
}

/// The debrief's title and its buttons (next level, campaign, download, link, play again,
/// go on playing), and what the player chose.
fn header(ui: &mut egui::Ui, session: &Session, next: Option<&str>) -> Option<Choice> {
    let sim = &session.sim;
    let mut choice = None;
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
    choice
}

/// The verdict, first on the Summary tab: passed or not, every reason it was not (each goal
/// missed with its figure, a score below the first star), and what the next star needs.
fn verdict(ui: &mut egui::Ui, v: &Verdict, r: &crate::sim::RunReport) {
    let (head, color) = match v.stars {
        0 => ("Not passed".to_string(), theme::ALARM),
        1 => ("Passed with one star".to_string(), theme::GOOD),
        n => (format!("Passed with {n} stars"), theme::GOOD),
    };
    ui.label(egui::RichText::new(head).size(22.0).strong().color(color));
    for &i in &v.missed {
        let g = &r.goals[i];
        ui.colored_label(
            theme::ALARM,
            format!("Goal missed: {} (this run: {}).", g.label, g.shown),
        );
    }
    if v.score < v.first_threshold {
        ui.colored_label(
            theme::ALARM,
            format!(
                "The score of {} is below the first star's {}.",
                theme::money(v.score),
                theme::money(v.first_threshold)
            ),
        );
    }
    if !v.missed.is_empty() {
        ui.label("A star needs every goal met when the level ends.");
    } else if let Some(t) = v.next_threshold {
        ui.label(format!(
            "The next star needs a score of {} ({} more).",
            theme::money(t),
            theme::money(t - v.score)
        ));
    }
}

/// The Summary tab: the score and stars, the goals, the run's figures, DORA's keys, who did
/// what, the run over time, the other facts and the level's lesson.
fn summary(ui: &mut egui::Ui, session: &Session, unlocked: Option<&str>) {
    let sim = &session.sim;
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
    let r = sim.report();
    if sim.is_finished() {
        verdict(ui, &Verdict::of(sim.level(), &r), &r);
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
        ui.label(egui::RichText::new(stars).size(32.0).color(theme::STAR));
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
        ui.label(egui::RichText::new(format!("Goals met: {met} of {}", r.goals.len())).strong());
        ui.horizontal_wrapped(|ui| goals::standing(ui, &r.goals));
    }
    ui.add_space(8.0);
    figures(ui, sim, &r);
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

    over_time(ui, sim);
    facts(ui, sim, &r.run);
    ui.add_space(8.0);
    ui.label(egui::RichText::new("What this level was about").strong());
    ui.label(&sim.level().lesson);
}

/// The run's figures, two to a row: value, cost, items, outages, lead times, deploys,
/// change failure rate, restore time, unplanned work, WIP and commands.
fn figures(ui: &mut egui::Ui, sim: &crate::sim::Simulation, r: &crate::sim::RunReport) {
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
}

/// The run over time (x: workday): WIP, completions, open outages and debt; the score and
/// the unplanned cost.
fn over_time(ui: &mut egui::Ui, sim: &crate::sim::Simulation) {
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
                    Line::new("Unplanned cost", series(&|s| s.unplanned_cost)).color(theme::ALARM),
                );
            });
    });
}

/// The other facts of the run, in one line: due dates, detection, improvements,
/// postmortems, collisions, off-board changes, debt.
fn facts(ui: &mut egui::Ui, sim: &crate::sim::Simulation, m: &crate::sim::RunMetrics) {
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
}

/// The time scrub: ⏮ previous event, ▶/⏸, the speed, next event ⏭, and a slider over the
/// run (workdays). Keys: Space, ← →, Home, End.
fn scrub_bar(ui: &mut egui::Ui, v: &mut DebriefViews) {
    let prev = v.neighbour_event(false);
    let next = v.neighbour_event(true);
    let mpd = v.mpd;
    let Some(s) = &mut v.scrub else {
        if let Some(p) = &v.scrub_problem {
            ui.colored_label(theme::ALARM, format!("No replay: {p}"));
        }
        return;
    };
    let end = s.scrubber.end();
    let mut jump = None;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(prev.is_some(), egui::Button::new("⏮"))
            .on_hover_text("Previous event (←)")
            .clicked()
        {
            jump = prev;
        }
        let play = if s.playing { "⏸ Pause" } else { "▶ Play" };
        if ui
            .button(play)
            .on_hover_text("Play the run back (Space)")
            .clicked()
        {
            s.toggle_play();
        }
        if ui
            .add_enabled(next.is_some(), egui::Button::new("⏭"))
            .on_hover_text("Next event (→)")
            .clicked()
        {
            jump = next;
        }
        egui::ComboBox::from_id_salt("scrub-speed")
            .width(56.0)
            .selected_text(format!("{}×", s.speed))
            .show_ui(ui, |ui| {
                for sp in SPEEDS {
                    ui.selectable_value(&mut s.speed, sp, format!("{sp}×"));
                }
            });
        let mut day = s.t / mpd;
        let slider = egui::Slider::new(&mut day, 0.0..=end / mpd)
            .text("workday")
            .fixed_decimals(2);
        ui.spacing_mut().slider_width = (ui.available_width() - 120.0).max(120.0);
        let moved = ui.add(slider);
        // Only the player's hand moves the scrub here (a value the slider merely redraws
        // while playing is not a seek).
        if moved.changed() && (moved.dragged() || moved.drag_stopped() || moved.clicked()) {
            jump = Some(day * mpd);
            s.playing = false;
        }
    });
    if let Some(t) = jump {
        s.go_to(t);
    }
}

/// The view of the current tab (every tab but the summary).
fn tab_view(
    ui: &mut egui::Ui,
    session: &Session,
    v: &mut DebriefViews,
    board_state: Option<board_overlay::BoardState>,
) {
    let sim = &session.sim;
    let mpd = v.mpd;
    let cursor = v.cursor_days();
    let h = (ui.available_height() - 200.0).clamp(240.0, 460.0);
    let with_timeline = matches!(
        v.tab,
        Tab::Flow | Tab::LeadTime | Tab::TimeUse | Tab::Dora | Tab::Replay
    );
    match v.tab {
        Tab::Summary => {}
        Tab::Flow => {
            ui.label(
                "Cumulative flow: the items in each stage over time, done at the bottom. A band that widens is a queue growing; the horizontal distance across the bands is the lead time.",
            );
            views::cfd(ui, &v.cfd, mpd, cursor, h);
        }
        Tab::LeadTime => {
            ui.label(format!(
                "Lead time of each completed planned item, arrival to done: p50 {}, p85 {}. Hover a point for the item.",
                theme::hours(v.lead.p50),
                theme::hours(v.lead.p85)
            ));
            views::lead_scatter(ui, &v.lead, mpd, cursor, h);
        }
        Tab::Wait => {
            ui.label(
                "Wait time = % busy / % idle: the closer a center runs to 100% busy, the faster its queue wait grows. Each center sits at its measured utilization and queue wait (in its own service times).",
            );
            views::wait_curves(ui, &v.curves, h);
        }
        Tab::TimeUse => {
            ui.label("Where each person's time went over the run, the constraint first.");
            views::time_use(ui, &v.workers, h * 0.6);
            if let Some((name, series)) = &v.over_time {
                views::time_use_over_time(ui, name, series, mpd, cursor, h * 0.6);
            }
        }
        Tab::Dora => {
            ui.label("The DORA four keys, each over the trailing week, with the 2024 report's tier boundaries dotted.");
            if sim.level().hud().dora {
                views::dora_keys(ui, &v.dora, cursor, mpd, h * 0.45);
            } else {
                ui.colored_label(
                    theme::MUTED,
                    "This level has no deploy step, so DORA's keys have nothing to measure: they count deploys and what they cause.",
                );
            }
        }
        Tab::Luck => luck_view(ui, v, h),
        Tab::Replay => {
            if let Some(s) = &v.scrub {
                let view = s.scrubber.view();
                ui.label(
                    egui::RichText::new(format!(
                        "The board at {} — score {}",
                        sim.level().calendar.format(view.now()),
                        theme::money(view.score())
                    ))
                    .strong(),
                );
                let mut ignored = Vec::new();
                match board_state {
                    Some(state) => {
                        let size = egui::vec2(ui.available_width(), h);
                        ui.allocate_ui(size, |ui| {
                            ui.set_min_size(size);
                            board_overlay::show(
                                ui,
                                view,
                                !s.playing,
                                BoardSource::Replay,
                                state,
                                &mut ignored,
                            )
                        });
                    }
                    None => {
                        ui.label(format!("{} items on the board", view.wip()));
                    }
                }
            }
        }
    }
    if with_timeline {
        ui.add_space(6.0);
        ui.label(egui::RichText::new("Events").strong());
        views::timeline(ui, &v.events, mpd, sim.now(), cursor, 150.0);
    }
}

/// Luck versus skill: progress while the seeds run, then the band and the two sentences.
fn luck_view(ui: &mut egui::Ui, v: &DebriefViews, h: f32) {
    let Some(l) = &v.luck else {
        if let Some(p) = &v.luck_problem {
            ui.colored_label(theme::MUTED, format!("No luck band: {p}."));
        }
        return;
    };
    let (done, total) = l.job.progress();
    let Some(r) = &l.report else {
        ui.label(format!(
            "Replaying your decisions and doing nothing on {total} other seeds…"
        ));
        ui.add(egui::ProgressBar::new(done as f32 / total.max(1) as f32).show_percentage());
        return;
    };
    ui.label(egui::RichText::new(r.skill_sentence()).size(18.0).strong());
    ui.label(egui::RichText::new(r.luck_sentence()).size(18.0).strong());
    ui.colored_label(theme::MUTED, r.caveat());
    ui.colored_label(
        theme::MUTED,
        format!(
            "{} seeds, each run twice, in {:.1} s of computing.",
            r.seeds.len(),
            l.compute_ms / 1000.0
        ),
    );
    views::luck_band(ui, r, h);
}
