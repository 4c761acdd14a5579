//! The control panel: the decisions the player can make, each sent as a player command.
//! A control appears only when its decision is available ([`Simulation::available`]: the
//! level offers it, as the campaign's progressive controls do, and has the mechanic it acts
//! on): staffing and routes, flow and release, the change board, improvement work, outages,
//! and the backlog.

use bevy_egui::egui;

use crate::game::session::Session;
use crate::game::state::Selection;
use crate::game::theme;
use crate::game::ui::Named;
use crate::sim::level::{Decision, OUTAGE_SKILL};
use crate::sim::{
    Action, Assignee, DIALS, Dial, DialScale, Level, OutageCause, OutagePhase, OutageState,
    PostmortemState, SWITCHES, Simulation, rules,
};

pub(crate) fn show(
    ui: &mut egui::Ui,
    session: &Session,
    selected: &mut Selection,
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
        let open = sim.standing_open();
        if !open {
            ui.colored_label(
                theme::MUTED,
                "Drill: standing decisions change between rounds, as your experiment. Triage, expedite, refuse and postmortems stay open.",
            );
        }
        ui.add_enabled_ui(open, |ui| standing(ui, sim, out));
        ui.separator();
        outages(ui, sim, selected, out);
        if sim.backlog_len() > 0
            && (sim.available(Decision::Expedite) || sim.available(Decision::Intake))
        {
            egui::CollapsingHeader::new(format!("Backlog ({})", sim.backlog_len()))
                .default_open(false)
                .show(ui, |ui| backlog(ui, sim, out));
        }
    });
}

/// The standing decisions: policies that hold until changed, each available one in the
/// order of [`Decision::ALL`]. (The operational ones, triage, postmortems and expediting,
/// are drawn with the outages and the backlog.)
fn standing(ui: &mut egui::Ui, sim: &Simulation, out: &mut Vec<Action>) {
    for d in Decision::ALL.into_iter().filter(|&d| sim.available(d)) {
        control(ui, sim, d, out);
    }
}

/// The control of standing decision `d`: its own widget, or for a decision that is only
/// on/off switches, the switches the core's table gives it ([`SWITCHES`]).
fn control(ui: &mut egui::Ui, sim: &Simulation, d: Decision, out: &mut Vec<Action>) {
    let section = |ui: &mut egui::Ui,
                   title: &str,
                   out: &mut Vec<Action>,
                   draw: fn(&mut egui::Ui, &Simulation, &mut Vec<Action>)| {
        egui::CollapsingHeader::new(title)
            .default_open(true)
            .show(ui, |ui| draw(ui, sim, out));
    };
    match d {
        Decision::Staffing => section(ui, "Staffing: who works where", out, staffing),
        Decision::Routes => section(ui, "Routes", out, routes),
        Decision::ProtectConstraint => protect_constraint(ui, sim, out),
        Decision::Intake => intake(ui, sim, out),
        Decision::BatchSize => batch_sizes(ui, sim, out),
        Decision::SkipStep => skip_steps(ui, sim, out),
        Decision::ChangeBoard => section(ui, "Change board", out, change_board),
        Decision::Improvements => section(ui, "Improvement work", out, improvements),
        Decision::Triage | Decision::Postmortems | Decision::Expedite => {}
        // A decision whose control is only its switches and dials from the core's tables
        // (holding work, the freeze, the release rule, WIP limits, improvement time).
        _ => {
            switches(ui, sim, d, out);
            for dial in DIALS.iter().filter(|x| x.decision == d) {
                self::dial(ui, sim, dial, out);
            }
            // Improvement time alone still shows the plan it funds.
            if d == Decision::ImprovementShare && !sim.available(Decision::Improvements) {
                section(ui, "Improvement work", out, improvements);
            }
        }
    }
}

/// The checkboxes of decision `d`'s on/off switches, each drawn from the core's table
/// ([`SWITCHES`]): its label, hover text, value and action. A switch whose value is `None`
/// has nothing to act on in this run and is not drawn.
fn switches(ui: &mut egui::Ui, sim: &Simulation, d: Decision, out: &mut Vec<Action>) {
    if !sim.available(d) {
        return;
    }
    for switch in SWITCHES.iter().filter(|s| s.decision == d) {
        let Some(mut on) = (switch.value)(sim) else {
            continue;
        };
        if ui
            .checkbox(&mut on, switch.label)
            .named(&format!("switch.{}", switch.label))
            .on_hover_text(switch.hint)
            .changed()
        {
            out.push((switch.set)(on));
        }
    }
}

/// The rows of numeric decision `dial`, drawn from the core's table ([`DIALS`]): per row
/// its switch where the decision can be off, its number within the table's bounds and its
/// note. A dial with no rows has nothing to act on in this run and is not drawn.
fn dial(ui: &mut egui::Ui, sim: &Simulation, dial: &Dial, out: &mut Vec<Action>) {
    let rows = (dial.rows)(sim);
    if rows.is_empty() {
        return;
    }
    ui.separator();
    ui.label(dial.label).on_hover_text(dial.hint);
    for (i, row) in rows.iter().enumerate() {
        ui.horizontal(|ui| {
            if let Some(default) = dial.default_on {
                let mut on = row.value.is_some();
                if ui
                    .checkbox(&mut on, &row.label)
                    .named(&format!("dial.{}.{}", dial.label, row.label))
                    .on_hover_text(dial.hint)
                    .changed()
                {
                    out.push((dial.set)(
                        &row.target,
                        on.then_some(row.value.unwrap_or(default)),
                    ));
                }
            }
            let Some(value) = row.value else { return };
            let new = match dial.scale {
                DialScale::Count => {
                    // The table's bounds are whole numbers of items.
                    let range = dial.min as u32..=dial.max as u32;
                    number_box(ui, (dial.label, i), value as u32, range).map(f64::from)
                }
                DialScale::Percent => {
                    let mut pct = value * 100.0;
                    let resp = ui
                        .add(
                            egui::Slider::new(&mut pct, dial.min * 100.0..=dial.max * 100.0)
                                .step_by(5.0)
                                .fixed_decimals(0)
                                .suffix("%")
                                .text(&row.label),
                        )
                        .on_hover_text(dial.hint);
                    committed(&resp).then_some(pct / 100.0)
                }
            };
            if let Some(v) = new {
                out.push((dial.set)(&row.target, Some(v)));
            }
            if let Some(note) = &row.note {
                ui.colored_label(theme::MUTED, note);
            }
        });
    }
}

/// Sends the command when a slider is released or a value is typed, not on every drag step.
fn committed(resp: &egui::Response) -> bool {
    resp.drag_stopped() || (resp.changed() && !resp.dragged())
}

/// A number box for a value the core holds: while the player drags it or types in it, the
/// value being edited lives in egui's memory (the core's value does not change until the
/// edit is committed), and the committed value is returned once, if it differs from
/// `current`.
fn number_box(
    ui: &mut egui::Ui,
    id_salt: impl std::hash::Hash + std::fmt::Debug,
    current: u32,
    range: std::ops::RangeInclusive<u32>,
) -> Option<u32> {
    let id = ui.make_persistent_id(id_salt);
    let mut value = ui.data(|d| d.get_temp::<u32>(id)).unwrap_or(current);
    let resp = ui.add(egui::DragValue::new(&mut value).range(range));
    if committed(&resp) {
        ui.data_mut(|d| d.remove::<u32>(id));
        return (value != current).then_some(value);
    }
    if resp.dragged() || resp.has_focus() {
        ui.data_mut(|d| d.insert_temp(id, value));
    } else {
        ui.data_mut(|d| d.remove::<u32>(id));
    }
    None
}

/// The constraint's protection: its worker by name, and the key P.
fn protect_constraint(ui: &mut egui::Ui, sim: &Simulation, out: &mut Vec<Action>) {
    let Some(name) = sim
        .level()
        .workers
        .iter()
        .find(|w| w.constraint)
        .map(|w| &w.name)
    else {
        return;
    };
    let mut protect = sim.policy().protect_constraint;
    if ui
        .checkbox(&mut protect, format!("Protect {name} (P)"))
        .named("protect")
        .on_hover_text(format!(
            "{name} does only the constraint's own work, and outages go to others who can fix them."
        ))
        .changed()
    {
        out.push(Action::ProtectConstraint { on: protect });
    }
}

/// Which project streams' new work is accepted.
fn intake(ui: &mut egui::Ui, sim: &Simulation, out: &mut Vec<Action>) {
    let accepted = sim.policy().accept;
    let intake: Vec<_> = sim
        .level()
        .arrivals
        .iter()
        .enumerate()
        .filter(|(_, a)| a.work_type.is_project())
        .collect();
    if intake.is_empty() {
        return;
    }
    ui.separator();
    ui.label("Accept incoming projects")
        .on_hover_text("Refused work never enters: no value, no load.");
    for (i, a) in intake {
        let mut accept = accepted[i];
        if ui
            .checkbox(&mut accept, &a.name)
            .named(&format!("intake.{}", a.name))
            .changed()
        {
            out.push(Action::SetIntake {
                stream: a.name.clone(),
                accept,
            });
        }
    }
}

/// A slider for each batch center, over the sizes the core allows there.
fn batch_sizes(ui: &mut egui::Ui, sim: &Simulation, out: &mut Vec<Action>) {
    ui.separator();
    ui.label("Batch sizes");
    for (i, c) in sim.center_views().iter().enumerate() {
        let (Some(mut size), Some(sizes)) = (c.batch, sim.batch_sizes(i)) else {
            continue;
        };
        let slider = egui::Slider::new(&mut size, sizes)
            .logarithmic(true)
            .text(&c.name);
        if committed(&ui.add(slider)) {
            out.push(Action::SetBatchSize {
                size,
                center: Some(sim.level().centers[i].id.clone()),
            });
        }
    }
    ui.colored_label(
        theme::MUTED,
        "Big batches: fewer setups, but riskier deploys and longer waits.",
    );
}

/// A checkbox for each skippable step.
fn skip_steps(ui: &mut egui::Ui, sim: &Simulation, out: &mut Vec<Action>) {
    let centers = sim.center_views();
    let skippable: Vec<_> = centers.iter().filter(|c| c.skippable).collect();
    if skippable.is_empty() {
        return;
    }
    ui.separator();
    for c in skippable {
        let mut skip = c.skipped;
        if ui
            .checkbox(&mut skip, format!("Skip {}", c.name))
            .on_hover_text("Faster now; every skipped step adds technical debt.")
            .changed()
        {
            out.push(Action::SkipStep {
                center: c.id.clone(),
                on: skip,
            });
        }
    }
}

fn change_board(ui: &mut egui::Ui, sim: &Simulation, out: &mut Vec<Action>) {
    let Some(b) = sim.change_board_view() else {
        return;
    };
    let cal = &sim.level().calendar;
    ui.label(format!(
        "{} change(s) waiting · next meeting {}",
        b.waiting,
        b.next_meeting.map_or("–".into(), |t| cal.format(t))
    ));
    let mut every = b.every_days;
    let resp = ui
        .add(
            egui::Slider::new(&mut every, rules::BOARD_INTERVAL_DAYS.range())
                .logarithmic(true)
                .text("days between meetings"),
        )
        .on_hover_text("A board that meets rarely is a queue every change waits in.");
    if committed(&resp) {
        out.push(Action::SetBoardInterval { every_days: every });
    }
    switches(ui, sim, Decision::ChangeBoard, out);
}

fn improvements(ui: &mut egui::Ui, sim: &Simulation, out: &mut Vec<Action>) {
    let fund_offered = sim.available(Decision::Improvements);
    for m in sim.improvement_views() {
        ui.horizontal(|ui| {
            let left = m.max_rounds - m.funded;
            let fund = ui
                .add_enabled(left > 0 && fund_offered, egui::Button::new("Fund"))
                .on_hover_text(format!(
                    "{} ({:.0} h of work a round)",
                    m.description,
                    m.mean_work / 60.0
                ));
            if fund.clicked() {
                out.push(Action::FundImprovement { id: m.id.clone() });
            }
            ui.label(&m.name);
            ui.colored_label(theme::MUTED, format!("{}/{} done", m.done, m.max_rounds));
        });
    }
    for j in sim.open_jobs() {
        ui.horizontal(|ui| {
            ui.add(
                egui::ProgressBar::new(j.progress as f32)
                    .desired_width(60.0)
                    .text(format!("{:.0}%", 100.0 * j.progress)),
            );
            ui.label(&j.label);
            ui.colored_label(
                theme::MUTED,
                j.worker.as_deref().unwrap_or("waiting for someone"),
            );
        });
    }
}

fn outages(ui: &mut egui::Ui, sim: &Simulation, selected: &mut Selection, out: &mut Vec<Action>) {
    let open: Vec<_> = sim.open_outages().collect();
    ui.heading(format!("Outages ({})", open.len()));
    if open.is_empty() {
        ui.colored_label(theme::MUTED, "Production looks healthy.");
    }
    let workers = sim.worker_views();
    for o in open {
        outage_card(ui, sim, o, &workers, selected, out);
    }
    if sim.available(Decision::Postmortems) {
        postmortems(ui, sim, out);
    }
}

/// One open outage: its system and cause (a click selects it), who has it, what it costs,
/// and, when selected, who takes it (the triage buttons).
fn outage_card(
    ui: &mut egui::Ui,
    sim: &Simulation,
    o: &crate::sim::Outage,
    workers: &[crate::sim::WorkerView],
    selected: &mut Selection,
    out: &mut Vec<Action>,
) {
    let is_selected = selected.outage == Some(o.id);
    let frame = egui::Frame::group(ui.style()).stroke(egui::Stroke::new(
        if is_selected { 2.5 } else { 1.0 },
        theme::ALARM,
    ));
    frame.show(ui, |ui| {
        ui.set_width(ui.available_width());
        let (phase, left) = sim.outage_phase(o);
        let who = match (o.state, phase) {
            (OutageState::Open, _) => "waiting for someone free".to_string(),
            (OutageState::Deferred, _) => "deferred".to_string(),
            (OutageState::Queued(w), _) => format!("queued for {}", workers[w].name),
            (OutageState::InWork(w), OutagePhase::Diagnosing) => {
                format!("{} is diagnosing ({:.0} min left)", workers[w].name, left)
            }
            (OutageState::InWork(w), _) => {
                format!("{} is fixing it ({:.0} min left)", workers[w].name, left)
            }
            _ => String::new(),
        };
        let cause = match o.cause {
            OutageCause::BaseRate => "incident".to_string(),
            OutageCause::FailedDeploy { changes, .. } => format!("failed deploy of {changes}"),
        };
        let system = &sim.level().system_names()[o.system];
        if ui
            .selectable_label(
                is_selected,
                egui::RichText::new(format!("⚠ #{} {system}: {cause}", o.id))
                    .color(theme::ALARM)
                    .strong(),
            )
            .on_hover_text("Select this outage to see it and choose who fixes it (O selects the next one)")
            .clicked()
        {
            selected.outage = if is_selected { None } else { Some(o.id) };
        }
        let noticed = o.detected_at.map_or(0.0, |d| d - o.raised_at);
        ui.label(format!(
            "{who} · costing {} · noticed after {noticed:.0} min",
            theme::money(sim.outage_cost(o))
        ));
        if o.off_board {
            ui.colored_label(
                theme::ALARM,
                "an off-board change is missing from the change list: diagnosis is slower",
            );
        }
        if is_selected && sim.available(Decision::Triage) {
            ui.label("Who takes it?");
            ui.horizontal_wrapped(|ui| {
                for w in workers.iter().filter(|w| w.outage_speed.is_some()) {
                    let label = if w.constraint {
                        format!("{} ★", w.name)
                    } else {
                        w.name.clone()
                    };
                    let speed = w.outage_speed.unwrap_or(1.0);
                    let hint = if w.constraint {
                        format!("{} fixes it (speed {speed:.2}), and leaves the constraint's own work meanwhile", w.name)
                    } else {
                        format!("{} fixes it (speed {speed:.2}), setting their own work aside", w.name)
                    };
                    if ui.button(label).on_hover_text(hint).clicked() {
                        out.push(Action::Triage {
                            outage: o.id,
                            to: Assignee::Worker(w.name.clone()),
                        });
                    }
                }
                if ui
                    .button("Defer")
                    .on_hover_text("Nobody, for now. It keeps costing.")
                    .clicked()
                {
                    out.push(Action::Triage {
                        outage: o.id,
                        to: Assignee::Defer,
                    });
                }
                if ui
                    .button("Auto")
                    .on_hover_text("Back to the standing rule")
                    .clicked()
                {
                    out.push(Action::Triage {
                        outage: o.id,
                        to: Assignee::Auto,
                    });
                }
            });
        }
    });
}

/// The postmortem practice's switch, and a postmortem button for each of the last fixed
/// outages without one (disabled in a pathological culture).
fn postmortems(ui: &mut egui::Ui, sim: &Simulation, out: &mut Vec<Action>) {
    switches(ui, sim, Decision::Postmortems, out);
    let fixed: Vec<_> = sim
        .outages()
        .iter()
        .filter(|o| o.state == OutageState::Resolved && o.postmortem == PostmortemState::None)
        .rev()
        .take(4)
        .collect();
    if !fixed.is_empty() {
        ui.label("Fixed: hold a blameless postmortem?").on_hover_text(
            "It costs someone's time and makes failures of that system rarer. What it achieves depends on the culture.",
        );
        let allowed = sim.culture().postmortem_work_factor().is_some();
        for o in fixed {
            ui.horizontal(|ui| {
                let system = &sim.level().system_names()[o.system];
                let b = ui.add_enabled(allowed, egui::Button::new("Postmortem"));
                let b = if allowed {
                    b
                } else {
                    b.on_disabled_hover_text(
                        "Pathological culture: nobody admits to a failure, so no postmortem happens.",
                    )
                };
                if b.clicked() {
                    out.push(Action::Postmortem { outage: o.id });
                }
                ui.label(format!("#{} {system}", o.id));
            });
        }
    }
}

fn backlog(ui: &mut egui::Ui, sim: &Simulation, out: &mut Vec<Action>) {
    const SHOWN: usize = 8;
    let (expedite, refuse) = (
        sim.available(Decision::Expedite),
        sim.available(Decision::Intake),
    );
    for it in sim.backlog_views().into_iter().take(SHOWN) {
        ui.horizontal(|ui| {
            theme::item_chip(ui, it.work_type, it.id, false);
            ui.label(format!("#{} {}", it.id, it.work_type.label()));
            if expedite
                && !it.expedited
                && ui
                    .small_button("Expedite")
                    .on_hover_text("Ahead of everything else, at a cost in technical debt")
                    .clicked()
            {
                out.push(Action::Expedite { item: it.id });
            }
            if refuse
                && ui
                    .small_button("Refuse")
                    .on_hover_text("It leaves without being done")
                    .clicked()
            {
                out.push(Action::Refuse { item: it.id });
            }
        });
    }
    if sim.backlog_len() > SHOWN {
        ui.colored_label(
            theme::MUTED,
            format!("and {} more", sim.backlog_len() - SHOWN),
        );
    }
}

/// Staffing: for each worker, the posts (centers and outages) they have the skill for, each
/// a toggle. The first toggle takes the worker off the standing rule; "any" returns them.
fn staffing(ui: &mut egui::Ui, sim: &Simulation, out: &mut Vec<Action>) {
    let level = sim.level();
    let staffing = sim.policy().staffing;
    ui.colored_label(
        theme::MUTED,
        "Unassigned people take work wherever they can (the standing rule).",
    );
    for (w, view) in sim.worker_views().iter().enumerate() {
        let skills: Vec<(String, String)> = view
            .skills
            .iter()
            .map(|(c, _)| (level.centers[*c].id.clone(), level.centers[*c].name.clone()))
            .chain(
                view.outage_speed
                    .map(|_| (OUTAGE_SKILL.to_string(), "Outages".to_string())),
            )
            .collect();
        if skills.len() < 2 {
            continue; // one skill: nothing to decide
        }
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(&view.name).strong());
            let current = &staffing[w];
            for (id, name) in &skills {
                let on = current.as_ref().is_none_or(|p| p.contains(id));
                let help = match (current, on) {
                    (None, _) => format!("Make {name} {}'s only post", view.name),
                    (Some(_), true) => format!("Take {} off {name}", view.name),
                    (Some(_), false) => format!("Add {name} to {}'s posts", view.name),
                };
                if ui
                    .selectable_label(on && current.is_some(), name)
                    .on_hover_text(help)
                    .clicked()
                {
                    out.push(Action::SetStaffing {
                        worker: view.name.clone(),
                        posts: Some(toggled(current.as_deref(), &skills, id)),
                    });
                }
            }
            if current.is_some()
                && ui
                    .small_button("any")
                    .on_hover_text(format!(
                        "Back to the standing rule: {} works wherever their skills allow",
                        view.name
                    ))
                    .clicked()
            {
                out.push(Action::SetStaffing {
                    worker: view.name.clone(),
                    posts: None,
                });
            }
        });
    }
}

/// The posts after clicking `id`: from the standing rule, only `id`; else `id` toggled.
fn toggled(current: Option<&[String]>, skills: &[(String, String)], id: &str) -> Vec<String> {
    match current {
        None => vec![id.to_string()],
        Some(posts) => skills
            .iter()
            .map(|(s, _)| s)
            .filter(|s| (posts.contains(s)) != (s.as_str() == id))
            .cloned()
            .collect(),
    }
}

/// Routes: for each stream with alternatives, its routes as radio buttons.
fn routes(ui: &mut egui::Ui, sim: &Simulation, out: &mut Vec<Action>) {
    let chosen = sim.policy().routes;
    let level: &Level = sim.level();
    for (s, a) in level.arrivals.iter().enumerate() {
        if a.alternatives.is_empty() {
            continue;
        }
        ui.label(&a.name)
            .on_hover_text("Applies to items that arrive from now on.");
        ui.horizontal_wrapped(|ui| {
            for (name, steps) in a.routes() {
                let path: Vec<&str> = steps
                    .iter()
                    .map(|st| {
                        level
                            .center_index(&st.center)
                            .map_or(st.center.as_str(), |c| level.centers[c].name.as_str())
                    })
                    .collect();
                if ui
                    .radio(chosen[s] == name, name)
                    .on_hover_text(path.join(" → "))
                    .clicked()
                    && chosen[s] != name
                {
                    out.push(Action::ChooseRoute {
                        stream: a.name.clone(),
                        route: name.to_string(),
                    });
                }
            }
        });
    }
}
