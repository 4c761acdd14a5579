//! The board's egui overlay: over the Bevy board ([`crate::game::board`]) it writes the
//! stations' names and figures, the people's names and the outages' running costs; above
//! it, a strip with the outage banner and the legend; beside it, the inspector of the
//! selected item (expedite, refuse) and the figures of a hovered station or person.
//!
//! The board itself is drawn by Bevy in the area this leaves free: the central panel has no
//! fill, so the sprites show through.

use bevy::ecs::system::SystemParam;
use bevy::prelude::{Res, ResMut};
use bevy_egui::egui;

use crate::game::board::scene::{Anchor, Scene};
use crate::game::board::{
    BoardHover, BoardPointer, BoardScene, BoardSource, BoardTarget, Hover, scene::LIMIT,
};
use crate::game::state::Selection;
use crate::game::theme;
use crate::sim::{Action, Activity, ItemDetail, ItemPlace, Simulation, WorkType};

/// What the overlay reads and writes of the board's state.
pub(crate) struct BoardState<'a> {
    /// The scene the sprites show.
    pub scene: &'a Scene,
    /// Where the board goes (written here).
    pub target: &'a mut BoardTarget,
    /// Whether the pointer is on egui (written here).
    pub pointer: &'a mut BoardPointer,
    /// The selected item and outage.
    pub selection: &'a mut Selection,
    /// What the pointer rests on.
    pub hover: Option<Hover>,
}

/// The board's resources, for a screen's egui system.
#[derive(SystemParam)]
pub(crate) struct BoardParams<'w> {
    scene: Res<'w, BoardScene>,
    target: ResMut<'w, BoardTarget>,
    pointer: ResMut<'w, BoardPointer>,
    selection: ResMut<'w, Selection>,
    hover: Res<'w, BoardHover>,
}

impl BoardParams<'_> {
    /// Borrows them for [`show`]; the board stays hidden unless `show` places it this frame.
    pub(crate) fn state(&mut self) -> BoardState<'_> {
        self.target.area = None;
        BoardState {
            scene: &self.scene.scene,
            target: &mut self.target,
            pointer: &mut self.pointer,
            selection: &mut self.selection,
            hover: self.hover.what,
        }
    }
}

/// The board of `sim` in the rest of `ui`: the strip, the area the sprites fill, their
/// labels, the hover figures and (for the run in play) the inspector, whose choices go to
/// `out`.
pub(crate) fn show(
    ui: &mut egui::Ui,
    sim: &Simulation,
    paused: bool,
    source: BoardSource,
    board: BoardState,
    out: &mut Vec<Action>,
) {
    let ctx = ui.ctx().clone();
    // The legend, then one status line of fixed height (paused, the outage banner): what
    // comes and goes there never moves the board.
    ui.horizontal_wrapped(legend);
    let line = ui.spacing().interact_size.y + 10.0;
    ui.allocate_ui_with_layout(
        egui::vec2(ui.available_width(), line),
        egui::Layout::left_to_right(egui::Align::Center),
        |ui| {
            ui.set_min_size(egui::vec2(ui.available_width(), line));
            if paused {
                ui.colored_label(theme::MUTED, "Paused: press Space or ▶ Resume.");
            }
            outage_banner(ui, sim, board.selection);
        },
    );
    let rest = ui.available_rect_before_wrap();
    let zoom = ctx.zoom_factor();
    board.target.area = Some(bevy::math::Rect::new(
        rest.min.x * zoom,
        rest.min.y * zoom,
        rest.max.x * zoom,
        rest.max.y * zoom,
    ));
    let window = ctx.viewport_rect().size() * zoom;
    board.target.window = bevy::math::Vec2::new(window.x, window.y);
    board.target.scale = zoom;
    board.target.source = source;
    // Claim the area, so egui lays nothing else there.
    ui.allocate_rect(rest, egui::Sense::hover());

    let painter = ui.painter_at(rest);
    // Where the board is drawn smaller than the text size (to fit), so is its text.
    let fit = board
        .scene
        .layout
        .as_ref()
        .map_or(1.0, |l| (l.scale / zoom).min(1.0));
    for l in &board.scene.labels {
        let pos = egui::pos2(l.pos.x / zoom, l.pos.y / zoom);
        let align = match l.anchor {
            Anchor::TopLeft => egui::Align2::LEFT_TOP,
            Anchor::Center => egui::Align2::CENTER_CENTER,
        };
        painter.text(
            pos,
            align,
            &l.text,
            egui::FontId::proportional(l.size * fit),
            l.color,
        );
    }

    // Picks count only on the board, not through a window, a popup or a panel.
    let px = |r: egui::Rect| {
        bevy::math::Rect::new(
            r.min.x * zoom,
            r.min.y * zoom,
            r.max.x * zoom,
            r.max.y * zoom,
        )
    };
    board.pointer.area = board.target.area;
    board.pointer.covers = ctx.memory(|m| {
        m.areas()
            .visible_layer_ids()
            .into_iter()
            .filter(|l| l.order != egui::Order::Background)
            .filter_map(|l| m.area_rect(l.id))
            .map(px)
            .collect()
    });
    let on_board = ctx.pointer_hover_pos().is_some_and(|p| {
        board
            .pointer
            .allows(bevy::math::Vec2::new(p.x * zoom, p.y * zoom))
    });

    if let Some(what) = board.hover
        && on_board
        && let Some(p) = ctx.pointer_hover_pos()
    {
        egui::Area::new(egui::Id::new("board-hover"))
            .order(egui::Order::Tooltip)
            .fixed_pos(p + egui::vec2(16.0, 16.0))
            .interactable(false)
            .show(&ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| match what {
                    Hover::Station(i) => station_figures(ui, sim, i),
                    Hover::Person(i) => person_figures(ui, sim, i),
                });
            });
    }

    if source == BoardSource::Session
        && let Some(id) = board.selection.item
    {
        let mut open = true;
        egui::Window::new(format!("Item #{id}"))
            .id(egui::Id::new("item-inspector"))
            .open(&mut open)
            .resizable(false)
            .collapsible(false)
            // Docked at the board's top right and kept on the board: never over the
            // decisions panel, which a hint may be pointing at.
            .pivot(egui::Align2::RIGHT_TOP)
            .fixed_pos(rest.right_top() + egui::vec2(-8.0, 8.0))
            .constrain_to(rest)
            .max_width(320.0)
            .show(&ctx, |ui| inspector(ui, sim, id, out));
        if !open {
            board.selection.item = None;
        }
    }
}

/// The selected item: what it is, its route with where it is now, how long it has been
/// under way and waiting, and the buttons to expedite or refuse it (greyed out with the
/// core's reason when not allowed).
pub(crate) fn inspector(ui: &mut egui::Ui, sim: &Simulation, id: u64, out: &mut Vec<Action>) {
    let Some(d) = sim.item_detail(id) else {
        ui.label(format!(
            "#{id} has left the value stream (done or refused)."
        ));
        return;
    };
    let names = center_names(sim);
    ui.label(
        egui::RichText::new(format!("{} · {}", d.item.work_type.label(), d.stream))
            .color(theme::work_color(d.item.work_type))
            .strong(),
    );
    let (where_, center) = match d.place {
        ItemPlace::Backlog => ("waiting in the backlog".to_string(), None),
        ItemPlace::AwaitingApproval(c) => (
            format!("waiting for the change board at {}", names[c]),
            Some(c),
        ),
        ItemPlace::Queue(c) => (format!("queued at {}", names[c]), Some(c)),
        ItemPlace::Service(c) => (format!("in service at {}", names[c]), Some(c)),
        ItemPlace::Blocked(c) => (format!("done at {}, blocked downstream", names[c]), Some(c)),
    };
    ui.label(where_);
    let route: Vec<String> = d
        .route
        .iter()
        .map(|&c| {
            if Some(c) == center {
                format!("[{}]", names[c])
            } else {
                names[c].to_string()
            }
        })
        .collect();
    ui.colored_label(theme::MUTED, format!("Route: {}", route.join(" ➡ ")));
    // Two whole lines: one sentence joined with "·" wrapped mid-figure in a narrow window.
    ui.label(format!("Lead time so far: {}", theme::hours(Some(d.age))));
    ui.label(format!("At this station: {}", theme::hours(Some(d.here))));
    waits(ui, &d, &names);
    let mut flags = Vec::new();
    if d.item.expedited {
        flags.push("expedited".to_string());
    }
    if d.item.late {
        flags.push("late".to_string());
    }
    if d.item.work_type == WorkType::Change {
        flags.push(format!("{:?} risk", d.item.risk).to_lowercase());
    }
    if let Some(due) = d.due_at {
        flags.push(format!("due {}", sim.level().calendar.format(due)));
    }
    if !flags.is_empty() {
        ui.colored_label(theme::MUTED, flags.join(" · "));
    }
    ui.horizontal(|ui| {
        let b = ui.add_enabled(d.expedite.is_ok(), egui::Button::new("⏩ Expedite (E)"));
        let b = match &d.expedite {
            Ok(()) => b.on_hover_text(
                "Ahead of all other work at every queue, at a cost in technical debt",
            ),
            Err(why) => b.on_disabled_hover_text(why),
        };
        if b.clicked() {
            out.push(Action::Expedite { item: id });
        }
        let b = ui.add_enabled(d.refuse.is_ok(), egui::Button::new("✖ Refuse (X)"));
        let b = match &d.refuse {
            Ok(()) => b.on_hover_text("It leaves the backlog without being done"),
            Err(why) => b.on_disabled_hover_text(why),
        };
        if b.clicked() {
            out.push(Action::Refuse { item: id });
        }
    });
}

/// Where the item's time went so far: the backlog, then at each center of its route its
/// queue wait and the time after service began (service, and blocked downstream), the
/// current center bracketed as in the route.
fn waits(ui: &mut egui::Ui, d: &ItemDetail, names: &[&str]) {
    egui::Grid::new(("item-waits", d.item.id))
        .num_columns(3)
        .spacing([12.0, 2.0])
        .show(ui, |ui| {
            ui.colored_label(theme::MUTED, "");
            ui.colored_label(theme::MUTED, "queue wait");
            ui.colored_label(theme::MUTED, "in service, blocked");
            ui.end_row();
            ui.label(if d.place == ItemPlace::Backlog {
                "[Backlog]"
            } else {
                "Backlog"
            });
            ui.label(theme::hours(Some(d.in_backlog)));
            ui.label("");
            ui.end_row();
            for v in &d.visits {
                if v.done {
                    ui.label(names[v.center]);
                } else {
                    ui.label(format!("[{}]", names[v.center]));
                }
                ui.label(theme::hours(Some(v.wait)));
                ui.label(if v.after > 0.0 || v.done {
                    theme::hours(Some(v.after))
                } else {
                    "—".to_string()
                });
                ui.end_row();
            }
        });
}

/// The centers' display names, in level order.
fn center_names(sim: &Simulation) -> Vec<&str> {
    sim.level()
        .centers
        .iter()
        .map(|c| c.name.as_str())
        .collect()
}

/// A station's figures, for the hover.
fn station_figures(ui: &mut egui::Ui, sim: &Simulation, i: usize) {
    let centers = sim.center_views();
    let Some(c) = centers.get(i) else { return };
    ui.label(egui::RichText::new(&c.name).strong());
    let wip = c.queue.len() + c.in_service.len() + c.blocked.len() + c.awaiting_approval.len();
    ui.label(format!(
        "WIP {wip} ({}) · queue {} · in service {} · blocked {}",
        c.wip_limit
            .map_or("no limit".to_string(), |l| format!("limit {l}")),
        c.queue.len(),
        c.in_service.len(),
        c.blocked.len()
    ));
    ui.label(format!(
        "busy {:.0}% of the time (utilization ρ) · {} server{}",
        100.0 * c.utilization,
        c.capacity,
        if c.capacity == 1 { "" } else { "s" }
    ));
    if let Some(b) = c.batch {
        ui.label(format!("batch size {b}"));
    }
    if let Some(b) = c.buffer {
        ui.label(format!("buffer holds {b}"));
    }
    if c.constraint_only {
        ui.colored_label(theme::CONSTRAINT, "only the constraint can work here");
    }
    if sim.drum() == Some(i) {
        ui.colored_label(theme::CONSTRAINT, "the drum: release follows its pace");
    }
    if c.skipped {
        ui.colored_label(theme::ALARM, "skipped: items go straight past (adds debt)");
    }
}

/// A person's figures, for the hover.
fn person_figures(ui: &mut egui::Ui, sim: &Simulation, i: usize) {
    let workers = sim.worker_views();
    let Some(w) = workers.get(i) else { return };
    let names = center_names(sim);
    ui.label(
        egui::RichText::new(if w.constraint {
            format!("{} ★ the constraint", w.name)
        } else {
            w.name.clone()
        })
        .strong(),
    );
    ui.label(match &w.activity {
        Activity::Idle => "idle".to_string(),
        Activity::Working {
            center,
            work_type,
            item,
        } => {
            format!("{} #{item} at {}", work_type.label(), names[*center])
        }
        Activity::Batch { center, items } => format!("{}: batch of {items}", names[*center]),
        Activity::Improving { job } => format!("improvement work (#{job})"),
        Activity::FixingOutage { outage } => format!("⚠ on outage #{outage}"),
    });
    ui.label(format!(
        "busy {:.0}% of the time so far, {:.0}% on outages",
        100.0 * w.utilization,
        100.0 * w.unplanned_share
    ));
    if w.paused > 0 {
        ui.colored_label(theme::ALARM, format!("{} task(s) interrupted", w.paused));
    }
    if w.queued_outages > 0 {
        ui.colored_label(
            theme::ALARM,
            format!("{} outage(s) waiting for them", w.queued_outages),
        );
    }
    let skills: Vec<String> = w
        .skills
        .iter()
        .map(|(c, s)| {
            if (s - 1.0).abs() < 1e-9 {
                names[*c].to_string()
            } else {
                format!("{} ×{s:.2}", names[*c])
            }
        })
        .collect();
    ui.colored_label(theme::MUTED, format!("skills: {}", skills.join(", ")));
}

/// A banner while production is down: how many outages, what they cost per hour, and a
/// link to select the oldest for triage.
fn outage_banner(ui: &mut egui::Ui, sim: &Simulation, selected: &mut Selection) {
    let open: Vec<_> = sim.open_outages().collect();
    let Some(oldest) = open.first() else { return };
    let per_hour = sim.outage_cost_per_hour() * open.len() as f64;
    egui::Frame::new()
        .fill(theme::ALARM.linear_multiply(0.25))
        .stroke(egui::Stroke::new(1.5, theme::ALARM))
        .inner_margin(4.0)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(
                    egui::RichText::new(format!(
                        "⚠ {} outage{} open: losing {} per hour",
                        open.len(),
                        if open.len() == 1 { "" } else { "s" },
                        theme::money(per_hour)
                    ))
                    .color(theme::TEXT)
                    .strong(),
                );
                if ui.link(format!("triage #{} (O)", oldest.id)).clicked() {
                    selected.outage = Some(oldest.id);
                }
            });
        });
}

/// The legend: each work type's shape and color, and the marks on tokens and queues
/// (drawn as the board draws them: the default fonts have no geometric glyphs).
fn legend(ui: &mut egui::Ui) {
    for t in WorkType::PLANNED {
        icon(ui, Icon::Token(t));
        ui.label(t.label());
    }
    icon(ui, Icon::Dot(theme::ALARM));
    ui.label("expedited");
    icon(ui, Icon::Dot(LIMIT));
    ui.label("late");
    icon(ui, Icon::Pips);
    ui.label("risk");
    icon(ui, Icon::Bar(LIMIT));
    ui.label("WIP limit");
    icon(ui, Icon::Ring);
    ui.label("in service");
    ui.colored_label(theme::MUTED, "· click an item, hover a station");
}

/// A legend's icon.
enum Icon {
    /// A work type's token: ● business, ■ internal, ◆ change, ▲ unplanned.
    Token(WorkType),
    /// A small dot.
    Dot(egui::Color32),
    /// Two risk pips.
    Pips,
    /// A boundary bar.
    Bar(egui::Color32),
    /// The in-service outline.
    Ring,
}

fn icon(ui: &mut egui::Ui, what: Icon) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
    let p = ui.painter();
    let c = rect.center();
    match what {
        Icon::Token(t) => {
            let color = theme::work_color(t);
            match t {
                WorkType::Business => {
                    p.circle_filled(c, 5.5, color);
                }
                WorkType::Internal => {
                    p.rect_filled(
                        egui::Rect::from_center_size(c, egui::vec2(10.0, 10.0)),
                        1.0,
                        color,
                    );
                }
                WorkType::Change => {
                    let pts = [
                        c + egui::vec2(0.0, -6.0),
                        c + egui::vec2(6.0, 0.0),
                        c + egui::vec2(0.0, 6.0),
                        c + egui::vec2(-6.0, 0.0),
                    ];
                    p.add(egui::Shape::convex_polygon(
                        pts.to_vec(),
                        color,
                        egui::Stroke::NONE,
                    ));
                }
                WorkType::Unplanned => {
                    let pts = [
                        c + egui::vec2(0.0, -6.0),
                        c + egui::vec2(6.0, 5.0),
                        c + egui::vec2(-6.0, 5.0),
                    ];
                    p.add(egui::Shape::convex_polygon(
                        pts.to_vec(),
                        color,
                        egui::Stroke::NONE,
                    ));
                }
            }
        }
        Icon::Dot(color) => {
            p.circle_filled(c, 3.5, color);
        }
        Icon::Pips => {
            for dx in [-2.5, 2.5] {
                p.rect_filled(
                    egui::Rect::from_center_size(c + egui::vec2(dx, 0.0), egui::vec2(2.5, 2.5)),
                    0.0,
                    theme::TEXT,
                );
            }
        }
        Icon::Bar(color) => {
            p.rect_filled(
                egui::Rect::from_center_size(c, egui::vec2(2.5, 12.0)),
                0.0,
                color,
            );
        }
        Icon::Ring => {
            p.circle_stroke(c, 5.0, egui::Stroke::new(1.5, theme::TEXT));
        }
    }
}
