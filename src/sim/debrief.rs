//! The debrief's views of a run, computed from what the run recorded (its samples and its
//! history, see [`Simulation::center_counts_at`] and the records beside it): the cumulative
//! flow diagram, the lead-time scatter, the utilization-versus-wait curves, where each
//! worker's time went, the DORA four keys over the run and the events on one timeline.
//! The game draws them with egui_plot; they are plain data here so tests can check them.

use serde::Serialize;

use super::dora;
use super::engine::{OutageCause, SimTime, Simulation};
use super::level::WorkType;
use super::metrics::nearest_rank;

// ----- the cumulative flow diagram -------------------------------------------------------

/// Which stage of the value stream a band of the cumulative flow diagram stands for.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Stage {
    /// Items arrived and held before release.
    Backlog,
    /// Items in a work center (index in level order): queued, awaiting the change board, in
    /// service or blocked.
    Center(usize),
    /// Items completed.
    Done,
}

/// One band of the cumulative flow diagram.
#[derive(Clone, Debug, Serialize)]
pub struct Band {
    /// What it stands for.
    pub stage: Stage,
    /// Its label: `backlog`, the center's name, `done`.
    pub label: String,
    /// Items in the stage at each sample (for `Done`, items completed so far).
    pub count: Vec<f64>,
}

/// The cumulative flow diagram (Anderson, *Kanban*, 2010, ch. 12): at each sample the items
/// in each stage, stacked with done at the bottom, then the centers from the last to the
/// first, then the backlog on top. With one route, each band's top edge is the cumulative
/// count of items that have arrived at its stage; a band's thickness is the work in that
/// stage; its horizontal distance across is the time items spent there.
#[derive(Clone, Debug, Serialize)]
pub struct Cfd {
    /// Sample times, sim minutes.
    pub t: Vec<SimTime>,
    /// The bands, bottom first: done, the centers from last to first, backlog.
    pub bands: Vec<Band>,
}

impl Cfd {
    /// The top edge of each band at each sample, bottom first: the running sums of the
    /// bands' counts, items. Same shape as `bands`.
    pub fn edges(&self) -> Vec<Vec<f64>> {
        let mut below = vec![0.0; self.t.len()];
        self.bands
            .iter()
            .map(|b| {
                for (acc, c) in below.iter_mut().zip(&b.count) {
                    *acc += c;
                }
                below.clone()
            })
            .collect()
    }
}

/// The cumulative flow diagram of `sim` from its samples so far.
pub fn cfd(sim: &Simulation) -> Cfd {
    let samples = sim.samples();
    let t: Vec<SimTime> = samples.iter().map(|s| s.t).collect();
    let done = (0..t.len())
        .map(|s| sim.done_at(s).unwrap_or_default() as f64)
        .collect();
    let mut bands = vec![Band {
        stage: Stage::Done,
        label: "done".into(),
        count: done,
    }];
    let centers = &sim.level().centers;
    for c in (0..centers.len()).rev() {
        bands.push(Band {
            stage: Stage::Center(c),
            label: centers[c].name.clone(),
            count: (0..t.len())
                .map(|s| {
                    let n = sim.center_counts_at(s)[c];
                    (n.arrivals - n.departures) as f64
                })
                .collect(),
        });
    }
    bands.push(Band {
        stage: Stage::Backlog,
        label: "backlog".into(),
        count: samples.iter().map(|s| f64::from(s.backlog)).collect(),
    });
    Cfd { t, bands }
}

// ----- the lead-time scatter -------------------------------------------------------------

/// One completed planned item of the lead-time scatter.
#[derive(Clone, Debug, Serialize)]
pub struct LeadPoint {
    /// Item id.
    pub id: u64,
    /// Its work type (never `Unplanned`).
    pub work_type: WorkType,
    /// Completion time, sim minutes.
    pub completed_at: SimTime,
    /// Lead time, arrival to completion, sim minutes.
    pub lead_time: f64,
    /// Whether it was expedited.
    pub expedited: bool,
    /// Whether it missed its due date.
    pub late: bool,
}

/// The lead-time scatter: its points and its p50 and p85 lines.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LeadScatter {
    /// Every completed planned item, in completion order (empty unless the run kept its
    /// item history, [`Simulation::keep_item_history`]).
    pub points: Vec<LeadPoint>,
    /// Median lead time, sim minutes: the run report's `lead_time_p50`.
    pub p50: Option<f64>,
    /// 85th percentile lead time, sim minutes: the run report's `lead_time_p85`.
    pub p85: Option<f64>,
}

/// The lead-time scatter of `sim` so far.
pub fn lead_scatter(sim: &Simulation) -> LeadScatter {
    let points = sim
        .completions()
        .iter()
        .filter(|c| c.work_type != WorkType::Unplanned)
        .map(|c| LeadPoint {
            id: c.id,
            work_type: c.work_type,
            completed_at: c.completed_at,
            lead_time: c.lead_time(),
            expedited: c.expedited,
            late: c.late,
        })
        .collect();
    LeadScatter {
        points,
        p50: sim.totals.lead_times.quantile(0.50),
        p85: sim.totals.lead_times.quantile(0.85),
    }
}

// ----- utilization versus wait -----------------------------------------------------------

/// The queueing model a center's reference curve comes from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum WaitModel {
    /// One server, Poisson arrivals, exponential service: Wq/S = ρ/(1 − ρ), exact
    /// (the book's "wait time = % busy / % idle").
    Mm1,
    /// `servers` servers, Poisson arrivals, exponential service: Erlang's C formula, exact:
    /// Wq/S = C(c, cρ) / (c(1 − ρ)).
    ErlangC {
        /// Servers c.
        servers: u32,
    },
    /// General arrivals and service: the Allen–Cunneen approximation
    /// Wq ≈ (ca² + cs²)/2 · Wq(M/M/c) (Allen, *Probability, Statistics and Queueing
    /// Theory*, 1990; Hopp and Spearman, *Factory Physics*, 3rd ed., 2008, eq. 8.13), which
    /// for one server is Kingman's formula (Kingman, 1961).
    AllenCunneen {
        /// Servers c.
        servers: u32,
        /// Squared coefficient of variation of interarrival times.
        ca2: f64,
        /// Squared coefficient of variation of service times.
        cs2: f64,
    },
    /// No closed form or standard approximation applies: why.
    None(String),
}

impl WaitModel {
    /// The model's name for a chart's legend: `M/M/1`, `M/M/3 (Erlang C)`,
    /// `G/G/1 (Kingman, ca² 1.00, cs² 0.25)`, `G/G/2 (Allen–Cunneen, …)`.
    pub fn label(&self) -> String {
        match self {
            WaitModel::Mm1 => "M/M/1".into(),
            WaitModel::ErlangC { servers } => format!("M/M/{servers} (Erlang C)"),
            WaitModel::AllenCunneen { servers, ca2, cs2 } => format!(
                "G/G/{servers} ({}, ca² {ca2:.2}, cs² {cs2:.2})",
                if *servers == 1 {
                    "Kingman"
                } else {
                    "Allen–Cunneen"
                }
            ),
            WaitModel::None(why) => format!("no curve: {why}"),
        }
    }

    /// Expected queue wait in service times, Wq/S, at utilization `rho` (0 ≤ ρ < 1);
    /// `None` for ρ ≥ 1 (no steady state) or without a model.
    pub fn wait_in_services(&self, rho: f64) -> Option<f64> {
        if !(0.0..1.0).contains(&rho) {
            return None;
        }
        match self {
            WaitModel::Mm1 => Some(rho / (1.0 - rho)),
            WaitModel::ErlangC { servers } => Some(erlang_c_wait(*servers, rho)),
            WaitModel::AllenCunneen { servers, ca2, cs2 } => {
                Some((ca2 + cs2) / 2.0 * erlang_c_wait(*servers, rho))
            }
            WaitModel::None(_) => None,
        }
    }
}

/// Wq/S of M/M/c at utilization ρ < 1: C(c, a) / (c (1 − ρ)) with a = cρ and Erlang's C
/// C(c, a) = (aᶜ/c!)/(1 − ρ) / (Σ_{k<c} aᵏ/k! + (aᶜ/c!)/(1 − ρ)) (Gross and Harris,
/// *Fundamentals of Queueing Theory*, 4th ed., §2.3). The terms are built by recurrence so
/// large c does not overflow.
pub fn erlang_c_wait(servers: u32, rho: f64) -> f64 {
    let c = f64::from(servers.max(1));
    let a = c * rho;
    let (mut term, mut sum) = (1.0, 0.0);
    for k in 0..servers.max(1) {
        sum += term;
        term *= a / f64::from(k + 1);
    }
    let last = term / (1.0 - rho);
    let p_wait = last / (sum + last);
    p_wait / (c * (1.0 - rho))
}

/// One work center on the utilization-versus-wait chart.
#[derive(Clone, Debug, Serialize)]
pub struct CenterWait {
    /// Center index, in level order.
    pub center: usize,
    /// Its name.
    pub label: String,
    /// Whether it is the constraint's own work.
    pub constraint: bool,
    /// Measured utilization ρ, 0–1.
    pub utilization: f64,
    /// Measured mean service time S (busy worker-minutes per started item), sim minutes;
    /// `None` before the first start.
    pub service_time: Option<f64>,
    /// Measured queue wait in service times, Wq/S; `None` without a service time.
    pub wait_in_services: Option<f64>,
    /// The model its reference curve comes from.
    pub model: WaitModel,
}

/// Each center's measured utilization and queue wait, with the model of its reference
/// curve. Arrival variability ca² follows each stream from its interarrival distribution
/// through its route with the linking equation for departures,
/// cd² = 1 + (1 − ρ²)(ca² − 1) + ρ²(cs² − 1)/√c (Hopp and Spearman, *Factory Physics*,
/// eq. 8.10), and a center's ca² is the arrival-rate-weighted mean of its streams'
/// (Whitt's QNA superposition, simplified). Service variability cs² is that of the mix of
/// the streams' efforts at the center. A batch center and the deploy step have no curve:
/// their queue wait includes forming the batch.
pub fn wait_curves(sim: &Simulation) -> Vec<CenterWait> {
    let level = sim.level();
    let n = level.centers.len();
    let report = sim.report();
    let rho: Vec<f64> = report.centers.iter().map(|c| c.utilization).collect();
    let servers: Vec<u32> = (0..n).map(|c| sim.capacity(c).max(1)).collect();
    // Per center: Σ rate, Σ rate·ca², Σ rate·m, Σ rate·E[S²] over the streams' visits.
    let mut acc = vec![[0.0f64; 4]; n];
    // Per stream: its arrival rate (1/min) and its centers in route order.
    let rates: Vec<f64> = level
        .arrivals
        .iter()
        .map(|a| {
            let mean_gap = a.interarrival.mean();
            if mean_gap > 0.0 { 1.0 / mean_gap } else { 0.0 }
        })
        .collect();
    let mut visits: Vec<Vec<usize>> = Vec::new();
    for (a, &rate) in level.arrivals.iter().zip(&rates) {
        let mut route = Vec::new();
        for step in &a.route {
            if let Some(c) = level.center_index(&step.center) {
                let m = step.effort.mean();
                let cv = step.effort.cv();
                acc[c][0] += rate;
                acc[c][2] += rate * m;
                acc[c][3] += rate * m * m * (1.0 + cv * cv);
                route.push(c);
            }
        }
        visits.push(route);
    }
    let cs2: Vec<f64> = acc
        .iter()
        .map(|a| {
            if a[0] > 0.0 && a[2] > 0.0 {
                let m = a[2] / a[0];
                (a[3] / a[0] / (m * m) - 1.0).max(0.0)
            } else {
                1.0
            }
        })
        .collect();
    for ((a, &rate), route) in level.arrivals.iter().zip(&rates).zip(&visits) {
        let mut ca2 = a.interarrival.cv().powi(2);
        for &c in route {
            acc[c][1] += rate * ca2;
            let (r, k) = (rho[c].min(0.999), f64::from(servers[c]));
            ca2 = 1.0 + (1.0 - r * r) * (ca2 - 1.0) + r * r * (cs2[c] - 1.0) / k.sqrt();
        }
    }
    let own = level.constraint_centers();
    (0..n)
        .map(|c| {
            let spec = &level.centers[c];
            let stats = sim.center_stats_now(c);
            let service_time = (stats.started > 0).then(|| stats.area_busy / stats.started as f64);
            let mean_wait = report.centers[c].mean_wait;
            let ca2 = if acc[c][0] > 0.0 {
                acc[c][1] / acc[c][0]
            } else {
                1.0
            };
            let exp = |x: f64| (x - 1.0).abs() < 1e-9;
            let model = if spec.deploy.is_some() || spec.batch.is_some() {
                WaitModel::None("batches (the wait includes forming the batch)".into())
            } else if acc[c][0] == 0.0 {
                WaitModel::None("no stream visits it".into())
            } else if exp(ca2) && exp(cs2[c]) {
                if servers[c] == 1 {
                    WaitModel::Mm1
                } else {
                    WaitModel::ErlangC {
                        servers: servers[c],
                    }
                }
            } else {
                WaitModel::AllenCunneen {
                    servers: servers[c],
                    ca2,
                    cs2: cs2[c],
                }
            };
            CenterWait {
                center: c,
                label: spec.name.clone(),
                constraint: own[c],
                utilization: rho[c],
                service_time,
                wait_in_services: service_time.filter(|s| *s > 0.0).map(|s| mean_wait / s),
                model,
            }
        })
        .collect()
}

// ----- where the time went ---------------------------------------------------------------

pub use super::engine::TimeUse;

/// One worker's time use over the whole run.
#[derive(Clone, Debug, Serialize)]
pub struct WorkerTime {
    /// Name.
    pub name: String,
    /// Whether they are the constraint.
    pub constraint: bool,
    /// Where their time went, sim minutes (adds up to the elapsed time).
    pub total: TimeUse,
}

/// Every worker's time use so far, constraint workers first, then in level order.
pub fn time_use(sim: &Simulation) -> Vec<WorkerTime> {
    let mut out: Vec<WorkerTime> = sim
        .level()
        .workers
        .iter()
        .enumerate()
        .map(|(w, spec)| WorkerTime {
            name: spec.name.clone(),
            constraint: spec.constraint,
            total: sim.time_use(w),
        })
        .collect();
    out.sort_by_key(|w| !w.constraint);
    out
}

/// Worker `w`'s time use in each sample interval, shares 0–1 of the interval: entry `s` is
/// the interval ending at sample `s + 1` (its time is `samples()[s + 1].t`).
pub fn time_use_series(sim: &Simulation, w: usize) -> Vec<(SimTime, TimeUse)> {
    let samples = sim.samples();
    (1..samples.len())
        .filter_map(|s| {
            let (a, b) = (sim.time_use_at(s - 1).get(w)?, sim.time_use_at(s).get(w)?);
            let dt = samples[s].t - samples[s - 1].t;
            let share = |x: f64, y: f64| if dt > 0.0 { (y - x) / dt } else { 0.0 };
            Some((
                samples[s].t,
                TimeUse {
                    planned: share(a.planned, b.planned),
                    setup: share(a.setup, b.setup),
                    outages: share(a.outages, b.outages),
                    improvement: share(a.improvement, b.improvement),
                    blocked: share(a.blocked, b.blocked),
                    idle: share(a.idle, b.idle),
                },
            ))
        })
        .collect()
}

// ----- DORA over the run ------------------------------------------------------------------

/// The DORA four keys over one trailing window of the run.
#[derive(Clone, Debug, Serialize)]
pub struct DoraPoint {
    /// End of the window, sim minutes.
    pub t: SimTime,
    /// Deploys per workday in the window.
    pub deploys_per_day: f64,
    /// Median (nearest rank) lead time for changes deployed in the window, workdays; `None`
    /// with none.
    pub change_lead_days: Option<f64>,
    /// Failed deploys / deploys in the window, 0–1; `None` with no deploy.
    pub change_fail_rate: Option<f64>,
    /// Mean recovery time of failed-deploy outages fixed in the window, hours (60 sim
    /// minutes); `None` with none fixed.
    pub recovery_hours: Option<f64>,
    /// Each key's tier in the window (frequency, lead time, fail rate, recovery), as
    /// [`dora`] grades them; `None` where the key has no value.
    pub tiers: [Option<dora::Tier>; 4],
}

/// The four keys at the end of each workday, each over the trailing [`dora::WEEK`]
/// (5 workdays, or the days so far in the first week).
pub fn dora_series(sim: &Simulation) -> Vec<DoraPoint> {
    let mpd = sim.level().calendar.minutes_per_day;
    let window = dora::WEEK * mpd;
    let days = (sim.now() / mpd).floor() as usize;
    let deploys = sim.deploy_log();
    let leads = sim.change_lead_times();
    let outages = sim.outages();
    (1..=days)
        .map(|d| {
            let t = d as f64 * mpd;
            let from = (t - window).max(0.0);
            let span_days = (t - from) / mpd;
            let inside = |at: SimTime| at > from && at <= t;
            let ds: Vec<_> = deploys.iter().filter(|r| inside(r.at)).collect();
            let failed = ds.iter().filter(|r| r.failed).count();
            let mut ls: Vec<f64> = leads
                .iter()
                .filter(|(at, _)| inside(*at))
                .map(|(_, l)| l / mpd)
                .collect();
            ls.sort_by(f64::total_cmp);
            let median = (!ls.is_empty()).then(|| nearest_rank(&ls, 0.5));
            let recoveries: Vec<f64> = outages
                .iter()
                .filter(|o| matches!(o.cause, OutageCause::FailedDeploy { .. }))
                .filter_map(|o| {
                    let fixed = o.resolved_at?;
                    inside(fixed).then(|| (fixed - o.raised_at) / dora::HOUR_MINUTES)
                })
                .collect();
            let recovery = (!recoveries.is_empty())
                .then(|| recoveries.iter().sum::<f64>() / recoveries.len() as f64);
            let per_day = ds.len() as f64 / span_days;
            let cfr = (!ds.is_empty()).then(|| failed as f64 / ds.len() as f64);
            DoraPoint {
                t,
                deploys_per_day: per_day,
                change_lead_days: median,
                change_fail_rate: cfr,
                recovery_hours: recovery,
                tiers: [
                    Some(dora::frequency_tier(per_day)),
                    median.map(dora::lead_time_tier),
                    cfr.map(dora::fail_rate_tier),
                    recovery.map(dora::recovery_tier),
                ],
            }
        })
        .collect()
}

// ----- events on one timeline -------------------------------------------------------------

/// What happened at one moment of the run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum EventKind {
    /// An outage struck (`failed_deploy`: raised by a failed deploy).
    OutageRaised {
        /// Outage id.
        id: u64,
        /// Whether a failed deploy raised it.
        failed_deploy: bool,
    },
    /// An outage was noticed.
    OutageDetected {
        /// Outage id.
        id: u64,
    },
    /// An outage was fixed.
    OutageFixed {
        /// Outage id.
        id: u64,
    },
    /// A deploy went out.
    Deploy {
        /// Changes in it.
        changes: u32,
        /// Whether it failed.
        failed: bool,
    },
    /// The change advisory board met.
    BoardMeeting,
    /// The player decided something ([`crate::sim::Action::describe`]).
    Command(String),
}

impl EventKind {
    /// The lane it is drawn in: `outages`, `deploys`, `change board`, `decisions`.
    pub fn lane(&self) -> &'static str {
        match self {
            EventKind::OutageRaised { .. }
            | EventKind::OutageDetected { .. }
            | EventKind::OutageFixed { .. } => "outages",
            EventKind::Deploy { .. } => "deploys",
            EventKind::BoardMeeting => "change board",
            EventKind::Command(_) => "decisions",
        }
    }

    /// A short sentence: `outage #3 raised by a failed deploy`, `deploy of 4 changes (failed)`.
    pub fn describe(&self) -> String {
        match self {
            EventKind::OutageRaised { id, failed_deploy } => format!(
                "outage #{id} raised{}",
                if *failed_deploy {
                    " by a failed deploy"
                } else {
                    ""
                }
            ),
            EventKind::OutageDetected { id } => format!("outage #{id} detected"),
            EventKind::OutageFixed { id } => format!("outage #{id} fixed"),
            EventKind::Deploy { changes, failed } => format!(
                "deploy of {changes} change{}{}",
                if *changes == 1 { "" } else { "s" },
                if *failed { " (failed)" } else { "" }
            ),
            EventKind::BoardMeeting => "change board met".into(),
            EventKind::Command(what) => what.clone(),
        }
    }
}

/// One event of the timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimelineEvent {
    /// Sim minute.
    pub t: SimTime,
    /// What happened.
    pub kind: EventKind,
}

/// Every outage (raised, detected, fixed), deploy, board meeting and player command so far,
/// in time order (ties keep that order).
pub fn timeline(sim: &Simulation) -> Vec<TimelineEvent> {
    let mut out = Vec::new();
    for o in sim.outages() {
        let failed_deploy = matches!(o.cause, OutageCause::FailedDeploy { .. });
        out.push(TimelineEvent {
            t: o.raised_at,
            kind: EventKind::OutageRaised {
                id: o.id,
                failed_deploy,
            },
        });
        if let Some(t) = o.detected_at {
            out.push(TimelineEvent {
                t,
                kind: EventKind::OutageDetected { id: o.id },
            });
        }
        if let Some(t) = o.resolved_at {
            out.push(TimelineEvent {
                t,
                kind: EventKind::OutageFixed { id: o.id },
            });
        }
    }
    for d in sim.deploy_log() {
        out.push(TimelineEvent {
            t: d.at,
            kind: EventKind::Deploy {
                changes: d.changes,
                failed: d.failed,
            },
        });
    }
    for &t in sim.board_meetings() {
        out.push(TimelineEvent {
            t,
            kind: EventKind::BoardMeeting,
        });
    }
    for c in sim.commands() {
        out.push(TimelineEvent {
            t: c.at,
            kind: EventKind::Command(c.action.describe()),
        });
    }
    out.sort_by(|a, b| a.t.total_cmp(&b.t));
    out
}
