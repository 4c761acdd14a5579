//! What the board shows at one moment: every item as a token at its place, every person
//! at the station they work at, every open outage on its system, the stations' shapes and
//! the text egui writes over them. A pure function of the core's views and the layout; the
//! sprites follow it (with animation) and the egui overlay writes its labels.

use bevy::math::{Rect, Vec2};
use bevy_egui::egui::Color32;

use super::layout::{self, ColumnKind, Grid, Layout};
use crate::game::theme;
use crate::sim::{Activity, CenterView, ItemView, OutagePhase, Risk, Simulation, WorkType};

/// What a static mark is, when the pointer can pick it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// A work center's card (index in level order): hovering shows its figures.
    Station(usize),
}

/// A static mark: a card, a gauge, a WIP limit's boundary, a ticket, a crack of debt.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mark {
    /// Where, logical pixels.
    pub rect: Rect,
    /// Fill.
    pub color: Color32,
    /// Drawing order (higher on top), 0–1.
    pub z: f32,
    /// Rotation, radians (cracks).
    pub angle: f32,
    /// What the pointer picks here.
    pub pick: Option<Pick>,
}

/// Where a token is, for the board's keys (selection order) and the inspector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Spot {
    /// In the backlog.
    Backlog,
    /// At a center (index): waiting, awaiting approval, in service or blocked.
    Center(usize),
}

/// One item's token.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TokenSpec {
    /// The item.
    pub item: ItemView,
    /// Where its token goes, logical pixels (its center).
    pub pos: Vec2,
    /// Whether it shows (false: collapsed into its place's counted stack).
    pub visible: bool,
    /// Whether it is in service (drawn outlined).
    pub in_service: bool,
    /// Where it is.
    pub spot: Spot,
}

/// One person.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonSpec {
    /// Index in the level's workers.
    pub index: usize,
    /// Where the figure stands (its center), logical pixels.
    pub pos: Vec2,
    /// Whether this is the constraint.
    pub constraint: bool,
    /// Whether they are idle.
    pub idle: bool,
    /// Whether they are fighting an outage.
    pub on_outage: bool,
    /// Share of elapsed time busy and the unplanned part of it, 0–1.
    pub busy: (f64, f64),
    /// Work waiting for them alone: interrupted tasks, outages queued for them, and (for
    /// the constraint) items queued at centers only the constraint can work.
    pub pile: usize,
}

/// One open outage's alarm.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AlarmSpec {
    /// The outage's id.
    pub id: u64,
    /// Where the alarm shows, logical pixels.
    pub pos: Vec2,
}

/// How a label is anchored at its position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// Its top-left corner.
    TopLeft,
    /// Its center.
    Center,
}

/// Text the egui overlay writes over the board.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// Where, logical pixels.
    pub pos: Vec2,
    /// What.
    pub text: String,
    /// Color.
    pub color: Color32,
    /// Size in egui points (egui scales it with the text size, as the layout does).
    pub size: f32,
    /// Anchor.
    pub anchor: Anchor,
}

/// The board at one moment.
#[derive(Clone, Debug, Default)]
pub struct Scene {
    /// The layout it was placed in.
    pub layout: Option<Layout>,
    /// Every item in the backlog and the value stream, in value-stream order.
    pub tokens: Vec<TokenSpec>,
    /// Every person, in level order.
    pub people: Vec<PersonSpec>,
    /// Every open (detected, unresolved) outage, in id order.
    pub alarms: Vec<AlarmSpec>,
    /// The static marks.
    pub marks: Vec<Mark>,
    /// The text.
    pub labels: Vec<Label>,
    /// Where completed items go (the done pile's center), logical pixels.
    pub done_at: Vec2,
    /// Where the deploy step's desk is, if the level has one.
    pub deploy_at: Option<Vec2>,
    /// Failed deploys so far (a new one blows its batch up on the board).
    pub failed_deploys: usize,
}

/// The WIP limit's boundary ([`theme::LIMIT`]), which the board's halo also draws.
pub const LIMIT: Color32 = theme::LIMIT;

/// How degraded the board looks, 0–1: the share of the outage rate that technical debt
/// adds, k·D / (1 + k·D) with k the level's `outage_rate_per_point` (a level whose debt
/// does not raise outages uses D / (D + 100)). Presentation only.
pub fn debt_grime(sim: &Simulation) -> f32 {
    let d = sim.debt().max(0.0);
    let k = sim
        .level()
        .debt
        .as_ref()
        .map_or(0.0, |d| d.outage_rate_per_point);
    let x = if k > 0.0 { k * d } else { d / 100.0 };
    (x / (1.0 + x)) as f32
}

/// The utilization gauge's color: calm below 80%, warning below 95%, alarm above.
fn gauge_color(rho: f64) -> Color32 {
    if rho < 0.8 {
        theme::GOOD
    } else if rho < 0.95 {
        theme::work_color(WorkType::Change)
    } else {
        theme::ALARM
    }
}

/// Builds the board of `sim` in `area` (logical pixels) at `scale`: the backlog, each
/// center's column, done, the production systems with their outages, the people and the
/// cracks of technical debt, each drawn by its own function below.
pub fn build(sim: &Simulation, area: Rect, scale: f32) -> Scene {
    let centers = sim.center_views();
    let systems = if sim.level().outages.is_some() {
        sim.level().system_names()
    } else {
        Vec::new()
    };
    let mut kinds = vec![ColumnKind::Backlog];
    kinds.extend(centers.iter().map(|c| ColumnKind::Center {
        approval: c.is_deploy,
    }));
    kinds.push(ColumnKind::Done);
    let l = layout::layout(area, scale, &kinds, systems.len());
    let grime = debt_grime(sim);
    let card_fill = theme::lerp(theme::CARD, theme::CARD_DEBT, grime);
    let mut scene = Scene {
        failed_deploys: sim.deploy_log().iter().filter(|d| d.failed).count(),
        ..Default::default()
    };
    backlog(&mut scene, sim, &l, card_fill);
    for (i, c) in centers.iter().enumerate() {
        center(&mut scene, &l, card_fill, i, c);
    }
    done(&mut scene, sim, &l, card_fill);
    production(&mut scene, sim, &l, card_fill, &systems);
    people(&mut scene, sim, &l, &centers, systems.len());
    debt_cracks(&mut scene, area, l.scale, grime);
    scene.layout = Some(l);
    scene
}

/// A static mark (not picked, not turned).
fn mark(rect: Rect, color: Color32, z: f32) -> Mark {
    Mark {
        rect,
        color,
        z,
        angle: 0.0,
        pick: None,
    }
}

/// A label anchored at its top left corner.
fn label(pos: Vec2, text: String, color: Color32, size: f32) -> Label {
    Label {
        pos,
        text,
        color,
        size,
        anchor: Anchor::TopLeft,
    }
}

/// The backlog's column: its count (and whether it is held) and its tokens.
fn backlog(scene: &mut Scene, sim: &Simulation, l: &Layout, card_fill: Color32) {
    let s = l.scale;
    let backlog = sim.backlog_views();
    let col = &l.columns[0];
    scene.marks.push(mark(col.card, card_fill, 0.0));
    let hold = sim.backlog_held();
    scene
        .labels
        .push(label(col.header.min, "Backlog".into(), theme::TEXT, 15.0));
    scene.labels.push(label(
        col.header.min + Vec2::new(0.0, 17.0 * s),
        format!("{}{}", backlog.len(), if hold { " · on hold" } else { "" }),
        theme::MUTED,
        12.0,
    ));
    place_tokens(scene, l, l.grid(col.queue), &backlog, Spot::Backlog, false);
}

/// Center `i`'s column: its card and header (WIP against its limit, ρ), its gauge, its desk
/// with the items in service, its outbox, the change board's queue at the deploy step, its
/// queue, and the WIP limit's and a forming batch's boundaries.
fn center(scene: &mut Scene, l: &Layout, card_fill: Color32, i: usize, c: &CenterView) {
    let s = l.scale;
    let col = &l.columns[i + 1];
    let spot = Spot::Center(i);
    if c.constraint_only {
        let b = 2.5 * s;
        scene.marks.push(mark(
            Rect::from_corners(col.card.min - b, col.card.max + b),
            theme::CONSTRAINT,
            0.0,
        ));
    }
    let fill = if c.skipped {
        theme::lerp(card_fill, theme::ALARM, 0.25)
    } else {
        card_fill
    };
    scene.marks.push(Mark {
        pick: Some(Pick::Station(i)),
        ..mark(col.card, fill, 0.01)
    });
    let wip = c.queue.len() + c.in_service.len() + c.blocked.len() + c.awaiting_approval.len();
    let limit = c.wip_limit.map_or(String::new(), |l| format!("/{l}"));
    scene.labels.push(label(
        col.header.min,
        if c.constraint_only {
            format!("★ {}", c.name)
        } else {
            c.name.clone()
        },
        if c.constraint_only {
            theme::CONSTRAINT
        } else {
            theme::TEXT
        },
        15.0,
    ));
    scene.labels.push(label(
        col.header.min + Vec2::new(0.0, 17.0 * s),
        format!(
            "WIP {wip}{limit} · busy {:.0}%{}",
            100.0 * c.utilization,
            if c.skipped { " · skipped" } else { "" }
        ),
        theme::MUTED,
        12.0,
    ));
    // Utilization gauge.
    scene.marks.push(mark(col.gauge, theme::GAUGE_BG, 0.02));
    let mut g = col.gauge;
    g.max.x = g.min.x + g.width() * c.utilization.clamp(0.0, 1.0) as f32;
    scene.marks.push(mark(g, gauge_color(c.utilization), 0.03));
    // The desk: one lighter slot per server.
    scene.marks.push(mark(col.desk, theme::DESK, 0.02));
    place_tokens(scene, l, l.grid(col.desk), &c.in_service, spot, true);
    if !c.blocked.is_empty() {
        scene
            .marks
            .push(mark(col.outbox, theme::ALARM.linear_multiply(0.35), 0.02));
    }
    place_tokens(scene, l, l.grid(col.outbox), &c.blocked, spot, false);
    if c.is_deploy {
        scene.deploy_at = Some(col.desk.center());
        scene.labels.push(label(
            Vec2::new(col.approval.min.x, col.approval.min.y - 14.0 * s),
            format!("Change board ({})", c.awaiting_approval.len()),
            theme::MUTED,
            11.0,
        ));
        place_tokens(
            scene,
            l,
            l.grid(col.approval),
            &c.awaiting_approval,
            spot,
            false,
        );
    }
    let queue_grid = l.grid(col.queue);
    scene.labels.push(label(
        Vec2::new(col.queue.min.x, col.queue.min.y - 14.0 * s),
        match c.batch {
            Some(b) => format!(
                "{} of {b}: {} waiting",
                if c.is_deploy { "deploy" } else { "batch" },
                c.queue.len()
            ),
            None => format!("Queue {}", c.queue.len()),
        },
        theme::MUTED,
        11.0,
    ));
    place_tokens(scene, l, queue_grid, &c.queue, spot, false);
    // The WIP limit as a boundary: a bar where the queue has no more room.
    if let Some(lim) = c.wip_limit {
        let used = c.in_service.len() + c.blocked.len() + c.awaiting_approval.len();
        let room = (lim as usize).saturating_sub(used);
        if room < queue_grid.capacity() {
            scene
                .marks
                .push(boundary(&queue_grid, room, LIMIT, l.token, s));
        }
    }
    // A forming batch: a bar after the batch's size.
    if let Some(b) = c.batch
        && (b as usize) < queue_grid.capacity()
    {
        scene
            .marks
            .push(boundary(&queue_grid, b as usize, theme::BATCH, l.token, s));
    }
}

/// The done column: the count of items done.
fn done(scene: &mut Scene, sim: &Simulation, l: &Layout, card_fill: Color32) {
    let col = l.columns.last().expect("done column");
    scene.marks.push(mark(col.card, card_fill, 0.0));
    scene.done_at = col.queue.center();
    scene
        .labels
        .push(label(col.header.min, "Done".into(), theme::TEXT, 15.0));
    scene.labels.push(Label {
        anchor: Anchor::Center,
        ..label(
            col.queue.center(),
            sim.items_done().to_string(),
            theme::GOOD,
            28.0,
        )
    });
}

/// The production systems, each up or down, with an alarm per open outage and, for the
/// first, its phase and running cost; and the improvement work's area.
fn production(
    scene: &mut Scene,
    sim: &Simulation,
    l: &Layout,
    card_fill: Color32,
    systems: &[String],
) {
    let s = l.scale;
    let open: Vec<_> = sim.open_outages().collect();
    for (k, (r, name)) in l.systems.iter().zip(systems).enumerate() {
        let down: Vec<_> = open.iter().filter(|o| o.system == k).collect();
        let fill = if down.is_empty() {
            card_fill
        } else {
            theme::lerp(card_fill, theme::ALARM, 0.35)
        };
        scene.marks.push(mark(*r, fill, 0.0));
        scene.labels.push(label(
            r.min + Vec2::splat(5.0 * s),
            format!("{name}{}", if down.is_empty() { ": up" } else { "" }),
            if down.is_empty() {
                theme::MUTED
            } else {
                theme::TEXT
            },
            13.0,
        ));
        for (j, o) in down.iter().enumerate() {
            let pos = Vec2::new(r.min.x + (16.0 + 30.0 * j as f32) * s, r.max.y - 18.0 * s);
            scene.alarms.push(AlarmSpec { id: o.id, pos });
            if j == 0 {
                let (phase, _) = sim.outage_phase(o);
                let what = match phase {
                    OutagePhase::Waiting => "waiting",
                    OutagePhase::Diagnosing => "diagnosing",
                    OutagePhase::Fixing => "fixing",
                    OutagePhase::Resolved => "fixed",
                };
                let cost: f64 = down.iter().map(|o| sim.outage_cost(o)).sum();
                scene.labels.push(label(
                    r.min + Vec2::new(5.0 * s, 20.0 * s),
                    format!("⚠ #{} {what} · −{}", o.id, theme::money(cost)),
                    theme::ALARM,
                    12.0,
                ));
            }
        }
    }
    scene.labels.push(label(
        l.improvement.min + Vec2::splat(5.0 * s),
        "Improvement work".into(),
        theme::MUTED,
        12.0,
    ));
}

/// The people, at the station they work at (or the system they fix, or improvement work),
/// each with their pile of tickets, their load bar and their name.
fn people(scene: &mut Scene, sim: &Simulation, l: &Layout, centers: &[CenterView], systems: usize) {
    let s = l.scale;
    let workers = sim.worker_views();
    let open: Vec<_> = sim.open_outages().collect();
    let mut standing: Vec<usize> = vec![0; centers.len() + systems + 1];
    let improving_slot = centers.len() + systems;
    for (wi, w) in workers.iter().enumerate() {
        let home = w.skills.first().map_or(0, |(c, _)| *c);
        let (slot, base, row) = match &w.activity {
            Activity::Working { center, .. } | Activity::Batch { center, .. } => {
                (*center, l.columns[center + 1].staff, true)
            }
            Activity::FixingOutage { outage } => {
                let sys = open
                    .iter()
                    .find(|o| o.id == *outage)
                    .map_or(0, |o| o.system);
                match l.systems.get(sys) {
                    Some(r) => (centers.len() + sys, *r, false),
                    None => (improving_slot, l.improvement, false),
                }
            }
            Activity::Improving { .. } => (improving_slot, l.improvement, false),
            Activity::Idle => (home, l.columns[home + 1].staff, true),
        };
        let k = standing[slot];
        standing[slot] += 1;
        let pos = if row {
            Vec2::new(
                base.min.x + l.person.x * (0.7 + 1.6 * k as f32),
                base.min.y + l.person.y * 0.5 + 2.0 * s,
            )
        } else {
            Vec2::new(
                base.max.x - l.person.x * (0.9 + 1.6 * k as f32),
                base.min.y + base.height() * 0.5 + 4.0 * s,
            )
        };
        let mut pile = w.paused + w.queued_outages;
        if w.constraint {
            pile += centers
                .iter()
                .filter(|c| c.constraint_only)
                .map(|c| c.queue.len())
                .sum::<usize>();
        }
        // The pile of tickets beside the figure, up to ten, and a count beyond.
        let shown = pile.min(10);
        for t in 0..shown {
            let y = pos.y + l.person.y * 0.5 - (t as f32 + 1.0) * 2.6 * s;
            let x = pos.x + l.person.x * 0.75;
            scene.marks.push(mark(
                Rect::from_center_size(Vec2::new(x, y), Vec2::new(9.0 * s, 2.0 * s)),
                if w.constraint {
                    theme::CONSTRAINT
                } else {
                    theme::PAPER
                },
                0.6,
            ));
        }
        if pile > shown {
            scene.labels.push(label(
                pos + Vec2::new(l.person.x * 1.05, -l.person.y * 0.6),
                format!("+{}", pile - shown),
                if w.constraint {
                    theme::CONSTRAINT
                } else {
                    theme::TEXT
                },
                11.0,
            ));
        }
        // Load bar under the figure: planned time, then unplanned.
        let bar = Rect::from_center_size(
            pos + Vec2::new(0.0, l.person.y * 0.5 + 2.5 * s),
            Vec2::new(l.person.x * 1.3, 3.0 * s),
        );
        scene.marks.push(mark(bar, theme::GAUGE_BG, 0.6));
        let planned = (w.utilization - w.unplanned_share).max(0.0) as f32;
        let mut p = bar;
        p.max.x = p.min.x + bar.width() * planned;
        scene
            .marks
            .push(mark(p, theme::work_color(WorkType::Business), 0.61));
        let mut u = bar;
        u.min.x = p.max.x;
        u.max.x = (u.min.x + bar.width() * w.unplanned_share as f32).min(bar.max.x);
        scene.marks.push(mark(u, theme::ALARM, 0.61));
        scene.labels.push(Label {
            anchor: Anchor::Center,
            ..label(
                pos + Vec2::new(0.0, l.person.y * 0.5 + 10.0 * s),
                w.name.split_whitespace().next().unwrap_or("").to_string(),
                if w.constraint {
                    theme::CONSTRAINT
                } else {
                    theme::NAME
                },
                10.0,
            )
        });
        scene.people.push(PersonSpec {
            index: wi,
            pos,
            constraint: w.constraint,
            idle: matches!(w.activity, Activity::Idle),
            on_outage: matches!(w.activity, Activity::FixingOutage { .. }),
            busy: (w.utilization, w.unplanned_share),
            pile,
        });
    }
}

/// Technical debt: cracks across the board, more as it grows (fixed places, so the board
/// does not flicker).
fn debt_cracks(scene: &mut Scene, area: Rect, s: f32, grime: f32) {
    let cracks = (grime * 40.0).round() as usize;
    for k in 0..cracks {
        let h = |salt: u64| {
            let mut x = (k as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt;
            x ^= x >> 31;
            x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
            ((x >> 11) as f64 / (1u64 << 53) as f64) as f32
        };
        let c = Vec2::new(
            area.min.x + h(1) * area.width(),
            area.min.y + h(2) * area.height(),
        );
        scene.marks.push(Mark {
            angle: h(3) * std::f32::consts::PI,
            ..mark(
                Rect::from_center_size(c, Vec2::new((14.0 + 30.0 * h(4)) * s, 1.5 * s)),
                theme::CRACK,
                0.05,
            )
        });
    }
}

/// A bar across the grid at cell `k`'s left edge (or, at a row's start, its top edge):
/// the boundary a WIP limit or a batch size draws.
fn boundary(grid: &Grid, k: usize, color: Color32, token: f32, s: f32) -> Mark {
    let p = grid.slot(k);
    let rect = Rect::from_center_size(
        Vec2::new(p.x - grid.cell * 0.5, p.y),
        Vec2::new(2.5 * s, token + 2.0 * s),
    );
    Mark {
        rect,
        color,
        z: 0.5,
        angle: 0.0,
        pick: None,
    }
}

/// Places `items` on `grid` in order; beyond its capacity the last cell is a counted stack
/// (a label "+K") and the items past it are hidden there.
fn place_tokens(
    scene: &mut Scene,
    l: &Layout,
    grid: Grid,
    items: &[ItemView],
    spot: Spot,
    in_service: bool,
) {
    let cap = grid.capacity();
    let collapse = items.len() > cap;
    let shown = if collapse { cap - 1 } else { items.len() };
    for (k, it) in items.iter().enumerate() {
        let pos = grid.slot(k.min(shown));
        scene.tokens.push(TokenSpec {
            item: *it,
            pos,
            visible: k < shown,
            in_service,
            spot,
        });
    }
    if collapse {
        let p = grid.slot(shown);
        for d in 0..3 {
            let off = Vec2::splat(d as f32 * 2.0 * l.scale);
            scene.marks.push(Mark {
                rect: Rect::from_center_size(p - off, Vec2::splat(l.token)),
                color: theme::stack_shade(d as u8),
                z: 0.4 + 0.01 * d as f32,
                angle: 0.0,
                pick: None,
            });
        }
        scene.labels.push(Label {
            pos: p + Vec2::new(0.0, l.token * 0.9),
            text: format!("+{}", items.len() - shown),
            color: theme::TEXT,
            size: 11.0,
            anchor: Anchor::Center,
        });
    }
}

/// The marker of an item's risk class on its token: none for standard, one pip for
/// medium, two for high.
pub fn risk_pips(r: Risk) -> usize {
    match r {
        Risk::Standard => 0,
        Risk::Medium => 1,
        Risk::High => 2,
    }
}
