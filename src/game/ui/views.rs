//! The debrief's charts, drawn with egui_plot from the core's views ([`crate::sim::debrief`],
//! [`crate::sim::luck`]): the cumulative flow diagram, the lead-time scatter, utilization
//! versus wait, where the time went, the DORA keys over the run, the events timeline and the
//! luck band. Every time axis is in workdays; `cursor` (workdays) draws the time scrub's
//! position as a vertical line. Colors: the Okabe–Ito palette ([`theme::okabe_ito`]).

use bevy::prelude::Resource;
use bevy_egui::egui::{self, Color32};
use egui_plot::{
    Bar, BarChart, BoxElem, BoxPlot, BoxSpread, FilledArea, HLine, Legend, Line, MarkerShape, Plot,
    Points, Text, VLine,
};

use crate::game::theme;
use crate::sim::debrief::{
    CenterWait, Cfd, DoraPoint, EventKind, LeadPoint, LeadScatter, TimeUse, TimelineEvent,
    WaitModel, WorkerTime,
};
use crate::sim::dora;
use crate::sim::luck::LuckReport;
use crate::sim::{SimTime, WorkType};

/// The live charts during play (the debrief's first three views, small): whether they show,
/// which one, and the views as of the last sample (recomputed once per sample, not per
/// frame). Kept across levels: a player who opened them keeps them open.
#[derive(Resource, Default)]
pub struct LiveCharts {
    /// Whether the window shows.
    pub open: bool,
    /// Which chart: 0 cumulative flow, 1 lead time, 2 utilization vs wait.
    pub tab: usize,
    /// Samples of the run the cache was computed at, and for which run (level, seed).
    pub(crate) cached_at: Option<(usize, String, u64)>,
    pub(crate) cfd: Option<crate::sim::debrief::Cfd>,
    pub(crate) lead: crate::sim::debrief::LeadScatter,
    pub(crate) curves: Vec<crate::sim::debrief::CenterWait>,
}

impl LiveCharts {
    /// Recomputes the views of `sim` when it took a new sample.
    pub(crate) fn refresh(&mut self, sim: &crate::sim::Simulation) {
        let key = (sim.samples().len(), sim.level().id.clone(), sim.seed());
        if self.cached_at.as_ref() != Some(&key) {
            self.cfd = Some(crate::sim::debrief::cfd(sim));
            self.lead = crate::sim::debrief::lead_scatter(sim);
            self.curves = crate::sim::debrief::wait_curves(sim);
            self.cached_at = Some(key);
        }
    }
}

/// Draws the scrub position `cursor` (workdays), if any.
fn cursor_line(p: &mut egui_plot::PlotUi, cursor: Option<f64>) {
    if let Some(x) = cursor {
        p.vline(VLine::new("now", x).color(theme::PAPER).width(1.5));
    }
}

/// The cumulative flow diagram: one band per stage, done at the bottom, the backlog on top.
pub(crate) fn cfd(ui: &mut egui::Ui, cfd: &Cfd, mpd: f64, cursor: Option<f64>, height: f32) {
    let xs: Vec<f64> = cfd.t.iter().map(|t| t / mpd).collect();
    let edges = cfd.edges();
    Plot::new("cfd")
        .height(height)
        .legend(Legend::default())
        .x_axis_label("workday")
        .y_axis_label("items (cumulative)")
        .allow_scroll(false)
        .show(ui, |p| {
            let zero = vec![0.0; xs.len()];
            // Top band first in the legend order reads like the flow: backlog → … → done.
            for (i, band) in cfd.bands.iter().enumerate().rev() {
                let lower = if i == 0 { &zero } else { &edges[i - 1] };
                let color = theme::stage_color(&band.stage);
                p.add(
                    FilledArea::new(&band.label, &xs, lower, &edges[i])
                        .fill_color(color.gamma_multiply(0.75))
                        .stroke(egui::Stroke::new(1.0, color)),
                );
            }
            cursor_line(p, cursor);
        });
}

/// The lead-time scatter: each completed planned item (x: completion, y: lead time in
/// hours), colored by work type and marked by shape, with the p50 and p85 lines. Hovering
/// names the item.
pub(crate) fn lead_scatter(
    ui: &mut egui::Ui,
    scatter: &LeadScatter,
    mpd: f64,
    cursor: Option<f64>,
    height: f32,
) {
    let (points, p50, p85) = (&scatter.points, scatter.p50, scatter.p85);
    let by_type: Vec<(WorkType, Vec<&LeadPoint>)> = WorkType::PLANNED
        .iter()
        .map(|&t| (t, points.iter().filter(|p| p.work_type == t).collect()))
        .filter(|(_, v): &(WorkType, Vec<&LeadPoint>)| !v.is_empty())
        .collect();
    let label = |name: &str, index: usize| -> Option<String> {
        let (_, pts) = by_type.iter().find(|(t, _)| type_name(*t) == name)?;
        let it = pts.get(index)?;
        Some(format!(
            "#{} {}: lead time {:.1} h, done day {:.2}{}{}",
            it.id,
            type_name(it.work_type),
            it.lead_time / 60.0,
            it.completed_at / mpd,
            if it.expedited { ", expedited" } else { "" },
            if it.late { ", late" } else { "" }
        ))
    };
    Plot::new("lead-scatter")
        .height(height)
        .legend(Legend::default())
        .x_axis_label("completed (workday)")
        .y_axis_label("lead time (hours)")
        .allow_scroll(false)
        .label_formatter(|hover| match hover {
            egui_plot::HoverPosition::NearDataPoint {
                plot_name, index, ..
            } => label(plot_name, *index),
            egui_plot::HoverPosition::Elsewhere { position } => {
                Some(format!("day {:.2}, {:.1} h", position.x, position.y))
            }
        })
        .show(ui, |p| {
            for (t, pts) in &by_type {
                let xy: Vec<[f64; 2]> = pts
                    .iter()
                    .map(|it| [it.completed_at / mpd, it.lead_time / 60.0])
                    .collect();
                p.points(
                    Points::new(type_name(*t), xy)
                        .color(theme::work_color(*t))
                        .shape(type_marker(*t))
                        .filled(true)
                        .radius(3.0),
                );
            }
            if let Some(v) = p50 {
                p.hline(HLine::new(format!("p50 {:.1} h", v / 60.0), v / 60.0).color(theme::GOOD));
            }
            if let Some(v) = p85 {
                p.hline(
                    HLine::new(format!("p85 {:.1} h", v / 60.0), v / 60.0).color(theme::CONSTRAINT),
                );
            }
            cursor_line(p, cursor);
        });
}

fn type_name(t: WorkType) -> &'static str {
    match t {
        WorkType::Business => "business",
        WorkType::Internal => "internal",
        WorkType::Change => "change",
        WorkType::Unplanned => "unplanned",
    }
}

/// A marker per work type, so color is never the only cue.
fn type_marker(t: WorkType) -> MarkerShape {
    match t {
        WorkType::Business => MarkerShape::Circle,
        WorkType::Internal => MarkerShape::Square,
        WorkType::Change => MarkerShape::Diamond,
        WorkType::Unplanned => MarkerShape::Cross,
    }
}

/// Utilization versus queue wait: the M/M/1 reference curve Wq/S = ρ/(1 − ρ), each center's
/// own curve where its model differs, and each center at its measured ρ and Wq/S.
pub(crate) fn wait_curves(ui: &mut egui::Ui, centers: &[CenterWait], height: f32) {
    let curve = |model: &WaitModel| -> Vec<[f64; 2]> {
        (0..=190)
            .map(|i| f64::from(i) * 0.005)
            .filter_map(|rho| {
                model
                    .wait_in_services(rho)
                    .filter(|w| *w <= 20.0)
                    .map(|w| [rho, w])
            })
            .collect()
    };
    Plot::new("wait-curves")
        .height(height)
        .legend(Legend::default())
        .x_axis_label("utilization ρ")
        .y_axis_label("queue wait Wq (in service times)")
        .include_x(0.0)
        .include_x(1.0)
        .include_y(0.0)
        .allow_scroll(false)
        .show(ui, |p| {
            p.line(
                Line::new("M/M/1: wait = %busy / %idle", curve(&WaitModel::Mm1))
                    .color(theme::NOTE)
                    .width(2.0),
            );
            let mut drawn: Vec<String> = vec![WaitModel::Mm1.label()];
            for (k, c) in centers.iter().enumerate() {
                let color = theme::okabe_ito(k);
                let label = c.model.label();
                if !matches!(c.model, WaitModel::None(_)) && !drawn.contains(&label) {
                    p.line(
                        Line::new(format!("{}: {label}", c.label), curve(&c.model))
                            .color(color)
                            .style(egui_plot::LineStyle::dashed_loose()),
                    );
                    drawn.push(label);
                }
                if let Some(w) = c.wait_in_services {
                    let name = if c.constraint {
                        format!("{} ★ constraint", c.label)
                    } else {
                        c.label.clone()
                    };
                    p.points(
                        Points::new(name.clone(), vec![[c.utilization, w.min(25.0)]])
                            .color(color)
                            .radius(if c.constraint { 7.0 } else { 5.0 })
                            .shape(MarkerShape::Diamond)
                            .filled(true),
                    );
                    // An unnamed text stays out of the legend.
                    p.text(Text::new(
                        "",
                        [c.utilization, w.min(25.0) + 0.6].into(),
                        egui::RichText::new(name).color(color),
                    ));
                }
            }
        });
    for c in centers {
        if let WaitModel::None(why) = &c.model {
            ui.colored_label(theme::MUTED, format!("{}: no curve ({why}).", c.label));
        }
    }
}

/// Where the time went: one stacked bar per worker (constraint first), shares of the run.
pub(crate) fn time_use(ui: &mut egui::Ui, workers: &[WorkerTime], height: f32) {
    let mut charts: Vec<BarChart> = Vec::new();
    for (k, (color, name)) in time_colors().into_iter().zip(PART_NAMES).enumerate() {
        let bars = workers
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let total = w.total.total().max(1e-9);
                Bar::new(i as f64, 100.0 * w.total.parts()[k].1 / total)
                    .width(0.6)
                    .name(&w.name)
            })
            .collect();
        let refs: Vec<&BarChart> = charts.iter().collect();
        let chart = BarChart::new(name, bars).color(color).stack_on(&refs);
        charts.push(chart);
    }
    let names: Vec<String> = workers
        .iter()
        .map(|w| {
            if w.constraint {
                format!("{} ★", w.name)
            } else {
                w.name.clone()
            }
        })
        .collect();
    Plot::new("time-use")
        .height(height)
        .legend(Legend::default())
        .y_axis_label("share of the run (%)")
        .include_y(100.0)
        .allow_scroll(false)
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |p| {
            for c in charts {
                p.bar_chart(c);
            }
        });
}

/// One worker's time use over the run: the share of each hour in each part, stacked.
pub(crate) fn time_use_over_time(
    ui: &mut egui::Ui,
    name: &str,
    series: &[(SimTime, TimeUse)],
    mpd: f64,
    cursor: Option<f64>,
    height: f32,
) {
    let colors = time_colors();
    let xs: Vec<f64> = series.iter().map(|(t, _)| t / mpd).collect();
    let mut below = vec![0.0; xs.len()];
    Plot::new(format!("time-use-{name}"))
        .height(height)
        .legend(Legend::default())
        .x_axis_label("workday")
        .y_axis_label(format!("{name}'s hour (%)"))
        .include_y(0.0)
        .include_y(100.0)
        .allow_scroll(false)
        .show(ui, |p| {
            for (k, (color, label)) in colors.into_iter().zip(PART_NAMES).enumerate() {
                let top: Vec<f64> = series
                    .iter()
                    .zip(&below)
                    .map(|((_, u), b)| b + 100.0 * u.parts()[k].1)
                    .collect();
                p.add(
                    FilledArea::new(label, &xs, &below, &top).fill_color(color.gamma_multiply(0.8)),
                );
                below = top;
            }
            cursor_line(p, cursor);
        });
}

/// The names of the time-use parts, in [`crate::sim::debrief::TimeUse::parts`] order.
const PART_NAMES: [&str; 6] = TimeUse::PART_NAMES;

/// The colors of the time-use parts: planned, setup, outages, improvement, blocked, idle.
fn time_colors() -> [Color32; 6] {
    [
        theme::work_color(WorkType::Business),
        theme::work_color(WorkType::Change),
        theme::ALARM,
        theme::GOOD,
        theme::CONSTRAINT,
        theme::GUIDE,
    ]
}

/// The DORA four keys over the run, each over a trailing week, one small chart each, with
/// the tier boundaries of the 2024 report as dotted lines.
pub(crate) fn dora_keys(
    ui: &mut egui::Ui,
    series: &[DoraPoint],
    cursor: Option<f64>,
    mpd: f64,
    height: f32,
) {
    type Key = (
        &'static str,
        &'static str,
        fn(&DoraPoint) -> Option<f64>,
        Vec<(&'static str, f64)>,
    );
    let keys: [Key; 4] = [
        (
            "Deployment frequency",
            "deploys per workday",
            |p| Some(p.deploys_per_day),
            vec![("elite", 1.0)],
        ),
        (
            "Lead time for changes",
            "workdays (median)",
            |p| p.change_lead_days,
            vec![("elite", dora::DAY), ("high", dora::WEEK)],
        ),
        (
            "Change fail rate",
            "share (%)",
            |p| p.change_fail_rate.map(|r| 100.0 * r),
            vec![("elite", 5.0), ("high", 20.0)],
        ),
        (
            "Failed deployment recovery",
            "hours (mean)",
            |p| p.recovery_hours,
            vec![("elite", 1.0)],
        ),
    ];
    ui.columns(2, |cols| {
        for (k, (title, unit, value, bounds)) in keys.into_iter().enumerate() {
            let ui = &mut cols[k % 2];
            let last = series.iter().rev().find_map(|p| {
                let v = value(p)?;
                Some((v, p.tiers[k]))
            });
            ui.label(
                egui::RichText::new(match last {
                    Some((v, Some(t))) => format!("{title}: {v:.2} ({}) at the end", t.label()),
                    Some((v, None)) => format!("{title}: {v:.2} at the end"),
                    None => format!("{title}: nothing to measure"),
                })
                .strong(),
            );
            let pts: Vec<[f64; 2]> = series
                .iter()
                .filter_map(|p| Some([p.t / mpd, value(p)?]))
                .collect();
            Plot::new(format!("dora-{k}"))
                .height(height)
                .x_axis_label("workday (trailing week)")
                .y_axis_label(unit)
                .include_y(0.0)
                .allow_scroll(false)
                .show(ui, |p| {
                    p.line(Line::new(title, pts).color(theme::okabe_ito(k)).width(2.0));
                    for (name, y) in bounds {
                        p.hline(
                            HLine::new(format!("{name} tier"), y)
                                .color(theme::MUTED)
                                .style(egui_plot::LineStyle::dotted_dense()),
                        );
                    }
                    cursor_line(p, cursor);
                });
        }
    });
}

/// The events of the run on one time axis, one lane each: outages (raised ▲, detected ●,
/// fixed ■), deploys (failed ✖), change-board meetings and the player's decisions.
/// Hovering names the event.
pub(crate) fn timeline(
    ui: &mut egui::Ui,
    events: &[TimelineEvent],
    mpd: f64,
    end: f64,
    cursor: Option<f64>,
    height: f32,
) {
    const LANES: [&str; 4] = ["decisions", "change board", "deploys", "outages"];
    let lane_y = |lane: &str| LANES.iter().position(|l| *l == lane).unwrap_or(0) as f64;
    type Group = (&'static str, Color32, MarkerShape, fn(&EventKind) -> bool);
    let groups: [Group; 7] = [
        ("outage raised", theme::ALARM, MarkerShape::Up, |k| {
            matches!(k, EventKind::OutageRaised { .. })
        }),
        ("outage detected", theme::ALARM, MarkerShape::Circle, |k| {
            matches!(k, EventKind::OutageDetected { .. })
        }),
        ("outage fixed", theme::GOOD, MarkerShape::Square, |k| {
            matches!(k, EventKind::OutageFixed { .. })
        }),
        (
            "deploy",
            theme::work_color(WorkType::Business),
            MarkerShape::Diamond,
            |k| matches!(k, EventKind::Deploy { failed: false, .. }),
        ),
        ("failed deploy", theme::ALARM, MarkerShape::Cross, |k| {
            matches!(k, EventKind::Deploy { failed: true, .. })
        }),
        (
            "board meeting",
            theme::CONSTRAINT,
            MarkerShape::Square,
            |k| matches!(k, EventKind::BoardMeeting),
        ),
        ("decision", theme::TEXT, MarkerShape::Asterisk, |k| {
            matches!(k, EventKind::Command(_))
        }),
    ];
    let grouped: Vec<Vec<&TimelineEvent>> = groups
        .iter()
        .map(|(_, _, _, is)| events.iter().filter(|e| is(&e.kind)).collect())
        .collect();
    let label = |name: &str, index: usize| -> Option<String> {
        let g = groups.iter().position(|(n, ..)| *n == name)?;
        let e = grouped[g].get(index)?;
        Some(format!("day {:.2}: {}", e.t / mpd, e.kind.describe()))
    };
    Plot::new("timeline")
        .height(height)
        .x_axis_label("workday")
        .include_x(0.0)
        .include_x(end / mpd)
        .include_y(-0.5)
        .include_y(3.5)
        .show_grid([true, false])
        .allow_scroll(false)
        .allow_zoom([true, false])
        .allow_drag([true, false])
        .y_axis_formatter(|mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && (0.0..4.0).contains(&i) {
                LANES[i as usize].to_string()
            } else {
                String::new()
            }
        })
        .label_formatter(|hover| match hover {
            egui_plot::HoverPosition::NearDataPoint {
                plot_name, index, ..
            } => label(plot_name, *index),
            egui_plot::HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, |p| {
            for ((name, color, shape, _), evs) in groups.iter().zip(&grouped) {
                if evs.is_empty() {
                    continue;
                }
                let xy: Vec<[f64; 2]> = evs
                    .iter()
                    .map(|e| [e.t / mpd, lane_y(e.kind.lane())])
                    .collect();
                p.points(
                    Points::new(*name, xy)
                        .color(*color)
                        .shape(*shape)
                        .filled(true)
                        .radius(4.0),
                );
            }
            cursor_line(p, cursor);
        });
}

/// The luck band: the distribution of scores of the player's decisions and of doing
/// nothing over the same seeds (box: 25th–75th percentile, line: median, whiskers: 5th and
/// 95th), with the run's actual score marked.
pub(crate) fn luck_band(ui: &mut egui::Ui, r: &LuckReport, height: f32) {
    let boxes = [
        (
            "your decisions (5th–95th percentile)",
            r.policy_band,
            theme::GOOD,
        ),
        ("no decisions", r.baseline_band, theme::MUTED),
    ];
    Plot::new("luck-band")
        .height(height)
        .legend(Legend::default())
        .y_axis_label("score ($)")
        .allow_scroll(false)
        .include_x(-0.8)
        .include_x(1.8)
        .x_axis_formatter(|mark, _| match mark.value.round() as i64 {
            0 if (mark.value - 0.0).abs() < 1e-6 => "your decisions".into(),
            1 if (mark.value - 1.0).abs() < 1e-6 => "no decisions".into(),
            _ => String::new(),
        })
        .show(ui, |p| {
            for (x, (name, b, color)) in boxes.into_iter().enumerate() {
                let spread = BoxSpread::new(b[0], b[1], b[2], b[3], b[4]);
                p.box_plot(
                    BoxPlot::new(
                        name,
                        vec![
                            BoxElem::new(x as f64, spread)
                                .box_width(0.5)
                                .fill(color.gamma_multiply(0.5))
                                .stroke(egui::Stroke::new(1.5, color)),
                        ],
                    )
                    .color(color),
                );
            }
            p.hline(
                HLine::new(
                    format!("this run: {}", theme::money(r.actual_score)),
                    r.actual_score,
                )
                .color(theme::CONSTRAINT)
                .width(2.0),
            );
        });
}
