//! The discrete-event engine.
//!
//! Sim time is continuous, in working minutes (see [`crate::sim::Calendar`]). Pending events
//! sit in a binary min-heap (`queue`) ordered by (time, insertion sequence), so two events at
//! the same time always run in the order they were scheduled. The shell calls
//! [`Simulation::advance_to`] with a target time each frame; the frame rate and the speed
//! setting only change how far each call goes, never what happens. Player decisions arrive
//! through [`Simulation::apply`], which stamps them with the current sim time and logs them.
//!
//! Every [`SAMPLE_INTERVAL`] sim minutes a *tick* takes a [`Sample`] for the charts and
//! accrues technical debt. A tick at the same time as an event runs first, so where a frame
//! ends never changes what happens.
//!
//! The event loop reads like the textbook: an arrival (`flow`) joins the backlog and is
//! released (`release`) into a center's queue; an idle server takes the next task
//! (`dispatch`); at the end of service the item moves on or departs (`flow`). Each
//! mechanic owns its state, the effect of its commands and its view in one module:
//!
//! | module | owns |
//! |---|---|
//! | `event`, `queue` | what can happen, and the event queue |
//! | `model` | items, centers, workers and tasks |
//! | `flow` | arrival, queue, moves between centers, blocking, departure; WIP limits, skipped steps, expedites |
//! | `release` | the backlog, push and drum-buffer-rope, hold, freeze, intake, refusals |
//! | `dispatch` | who does what next; protecting the constraint |
//! | `deploy` | batches and deploys, their failures and collisions |
//! | `change_board` | the change advisory board (CAB), and its view |
//! | `incidents` | outages: base rate, detection, diagnosis, fix, triage, postmortems, cost |
//! | `improvements` | improvement rounds, the improvement share, their effects |
//! | `debt` | technical debt |
//! | `commands` | routing player commands to the mechanics, and the command log |
//! | `views` | the board's views of centers, workers and items |
//!
//! `docs/architecture.md` draws the same map with the path of one event.

mod change_board;
mod commands;
mod debt;
mod deploy;
mod dispatch;
mod event;
mod flow;
mod history;
mod improvements;
mod incidents;
mod model;
mod queue;
mod release;
mod routing;
mod stats;
mod views;

use serde::Serialize;

use super::error::RunError;
use super::level::{Level, Risk, WorkType};

use super::rng::{RandomStream, Stream};
use super::rules;

pub use change_board::ChangeBoardView;
pub use commands::{
    Action, Assignee, Command, CommandError, DIALS, Dial, DialRow, DialScale, Policy, SWITCHES,
    Switch,
};
pub use history::{CenterCounts, Completion, DeployRecord, TimeUse};
pub use improvements::{ImprovementView, Job, JobKind, JobView};
pub use incidents::{Outage, OutageCause, OutagePhase, OutageState, PostmortemState};
pub use views::{Activity, CenterView, ItemDetail, ItemPlace, ItemView, Visit, WorkerView};

use event::{Event, EventKind};
use model::{CenterState, Item, Place, Stay, Task, TaskKind, WorkerState};
pub(crate) use stats::LeadTimes;
pub use stats::{CenterStats, Sample};

/// Sim time in working minutes since the start of the run.
pub type SimTime = f64;

pub use crate::sim::rules::SAMPLE_INTERVAL;

/// The event budget of a run of `level` that ends at `end`: [`rules::EVENT_BUDGET_FACTOR`]
/// times its expected events plus [`rules::EVENT_BUDGET_FLOOR`], at most 10¹² (a run of
/// hours; validation keeps shipped and accepted levels far below).
fn event_budget(level: &Level, end: SimTime) -> u64 {
    let expected = level.expected_events(end);
    let scaled = (rules::EVENT_BUDGET_FACTOR * expected).clamp(0.0, 1e12);
    // NaN (a degenerate level that validation would refuse) gets the ceiling.
    let scaled = if scaled.is_nan() { 1e12 } else { scaled };
    scaled as u64 + rules::EVENT_BUDGET_FLOOR
}

/// How much a run holds, in entries: its working state, which must stay flat over a long
/// run of a stable level, and its recorded history, which may grow with the run's length
/// but never faster. `flowkata-cli soak` and the soak test watch it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Footprint {
    /// Working state: events pending in the queue (stale ones included).
    pub pending_events: usize,
    /// Working state: item slots ever allocated (the high-water mark of items in the system).
    pub item_slots: usize,
    /// Working state: items in the system now (backlog included).
    pub live_items: usize,
    /// Working state: batch slabs ever allocated.
    pub batch_slots: usize,
    /// Working state: outages not yet fixed.
    pub unresolved_outages: usize,
    /// Working state: improvement jobs and postmortems waiting for a worker.
    pub queued_jobs: usize,
    /// Working state: deployed changes remembered for collisions and diagnosis.
    pub recent_changes: usize,
    /// History: samples taken (one per [`SAMPLE_INTERVAL`]).
    pub samples: usize,
    /// History: outages ever raised.
    pub outages: usize,
    /// History: improvement jobs and postmortems ever funded.
    pub jobs: usize,
    /// History: commands applied.
    pub commands: usize,
    /// History: items completed (the debrief's lead-time records).
    pub completions: usize,
}

impl Footprint {
    /// The working-state entries, named, in field order.
    pub fn working(&self) -> [(&'static str, usize); 7] {
        [
            ("pending_events", self.pending_events),
            ("item_slots", self.item_slots),
            ("live_items", self.live_items),
            ("batch_slots", self.batch_slots),
            ("unresolved_outages", self.unresolved_outages),
            ("queued_jobs", self.queued_jobs),
            ("recent_changes", self.recent_changes),
        ]
    }
    /// The history entries, named, in field order.
    pub fn history(&self) -> [(&'static str, usize); 5] {
        [
            ("samples", self.samples),
            ("outages", self.outages),
            ("jobs", self.jobs),
            ("commands", self.commands),
            ("completions", self.completions),
        ]
    }
}

/// The engine's part of the state hash, in the order it is hashed (after the report):
/// see [`Simulation::hash_parts`].
pub(crate) struct HashParts<'a> {
    pub events: u64,
    pub next_item: u64,
    pub seq: u64,
    pub rng: Vec<String>,
    pub outages: &'a [Outage],
    pub jobs: &'a [Job],
    pub samples: &'a [Sample],
    pub debt: f64,
    pub commands: &'a [Command],
}

/// Running totals of the run, in the units their names give.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Totals {
    pub arrived: [u64; 4],
    pub completed: [u64; 4],
    pub value: f64,
    /// Lead times (arrival to completion) of completed planned items.
    #[serde(skip)]
    pub lead_times: LeadTimes,
    pub deploys: u64,
    pub failed_deploys: u64,
    pub deployed_items: u64,
    pub restore_time_sum: f64,
    pub resolved_cost: f64,
    /// Lead times for changes (arrival to deploy) of deployed items.
    #[serde(skip)]
    pub change_lead_times: LeadTimes,
    /// Sum of recovery times of fixed failed-deploy outages, sim minutes, and their number.
    pub deploy_restore_sum: f64,
    pub deploy_restored: u64,
    /// Arrivals refused by the intake policy or from the backlog.
    pub refused: u64,
    /// Arrivals lost because the first center was full (`lost_when_full`).
    pub lost: u64,
    /// Completed items with a due date, on time and late.
    pub on_time: u64,
    pub late: u64,
    /// Collisions of changes to one system in one window, over all deploys.
    pub collisions: u64,
    /// Changes deployed off the board.
    pub off_board_changes: u64,
    /// Sum of detection delays of detected outages, sim minutes, and their number.
    pub detect_time_sum: f64,
    pub detected: u64,
    /// Improvement rounds and postmortems finished.
    pub improvements_done: u64,
    pub postmortems_done: u64,
    /// Expedited items and skipped steps.
    pub expedites: u64,
    pub skipped_steps: u64,
    /// Highest technical debt seen, points.
    pub debt_peak: f64,
}

/// One run of a level: the whole state of the simulation.
///
/// The fields are grouped as the model is: the clock and the event queue; the value stream
/// (items, centers, workers, the arrival streams); then one part per mechanic, each owned by
/// its module (`release`, `change_board`, `deploy`, `incidents`, `improvements`, `debt`,
/// and the constraint's protection in `dispatch`); then what the run records.
#[derive(Clone, Debug)]
pub struct Simulation {
    // ----- the clock and the event queue -------------------------------------------------
    level: Level,
    seed: u64,
    now: SimTime,
    end: SimTime,
    events: queue::EventQueue,
    seq: u64,
    events_processed: u64,
    /// The most events this run may process (see [`rules::EVENT_BUDGET_FACTOR`]).
    event_budget: u64,
    /// Why the run stopped before its end, if it did.
    halted: Option<RunError>,
    next_sample_at: SimTime,

    // ----- the value stream: items, centers, workers, arrival streams --------------------
    /// Work items by slot; free slots (not `live`) are listed in `free_slots`.
    items: Vec<Item>,
    free_slots: Vec<usize>,
    next_item_id: u64,
    centers: Vec<CenterState>,
    workers: Vec<WorkerState>,
    /// Each arrival stream's systems as indices into the level's systems (all of them when
    /// the stream names none).
    stream_systems: Vec<Vec<usize>>,
    /// Each arrival stream's risk class when its mix has only one (no draw needed).
    stream_fixed_risk: Vec<Option<Risk>>,
    /// Whether any center is being skipped now.
    any_skipped: bool,
    /// Items waiting in outboxes or in the backlog: when zero, no flow pass is needed.
    blocked_items: usize,
    arrival_rngs: Vec<RandomStream>,
    effort_rngs: Vec<RandomStream>,

    // ----- the mechanics, one part each --------------------------------------------------
    release: release::ReleaseControl,
    constraint: dispatch::Constraint,
    routing: routing::Routing,
    change_board: change_board::ChangeBoard,
    deploys: deploy::Deploys,
    incidents: incidents::Incidents,
    improvements: improvements::Improvements,
    debt: debt::Debt,

    // ----- what the run records ----------------------------------------------------------
    commands: Vec<Command>,
    pub(crate) totals: Totals,
    samples: Vec<Sample>,
    /// Presentation only, left out of the state hash (see `history`).
    history: history::History,
}

impl Simulation {
    /// Starts a run of `level` with `seed` at sim time 0, with the level's full length.
    pub fn new(level: Level, seed: u64) -> Self {
        let end = level.duration();
        Self::with_duration(level, seed, end)
    }

    /// Starts a run of `level` with `seed` that ends after `end` sim minutes.
    pub fn with_duration(level: Level, seed: u64, end: SimTime) -> Self {
        let centers: Vec<CenterState> = level.centers.iter().map(CenterState::new).collect();
        let workers = level
            .workers
            .iter()
            .map(|w| WorkerState::new(&level, w))
            .collect();
        let n_streams = level.arrivals.len();
        let debt = debt::Debt::new(&level);
        let mut sim = Simulation {
            seed,
            now: 0.0,
            end,
            events: queue::EventQueue::default(),
            seq: 0,
            events_processed: 0,
            event_budget: event_budget(&level, end),
            halted: None,
            next_sample_at: 0.0,
            items: Vec::new(),
            free_slots: Vec::new(),
            next_item_id: 1,
            centers,
            workers,
            stream_fixed_risk: level
                .arrivals
                .iter()
                .map(|a| {
                    let r = &a.risk;
                    match (r.standard > 0.0, r.medium > 0.0, r.high > 0.0) {
                        (true, false, false) => Some(Risk::Standard),
                        (false, true, false) => Some(Risk::Medium),
                        (false, false, true) => Some(Risk::High),
                        _ => None,
                    }
                })
                .collect(),
            stream_systems: level
                .arrivals
                .iter()
                .map(|a| {
                    if a.systems.is_empty() {
                        (0..level.system_names().len()).collect()
                    } else {
                        a.systems
                            .iter()
                            .map(|name| {
                                level
                                    .systems
                                    .iter()
                                    .position(|s| s == name)
                                    .expect("validated system")
                            })
                            .collect()
                    }
                })
                .collect(),
            any_skipped: false,
            blocked_items: 0,
            arrival_rngs: (0..n_streams)
                .map(|i| RandomStream::new(seed, Stream::Arrivals(i as u32)))
                .collect(),
            effort_rngs: (0..n_streams)
                .map(|i| RandomStream::new(seed, Stream::Efforts(i as u32)))
                .collect(),
            release: release::ReleaseControl::new(&level),
            constraint: dispatch::Constraint::new(&level),
            routing: routing::Routing::new(&level),
            change_board: change_board::ChangeBoard::new(&level),
            deploys: deploy::Deploys::new(&level, seed),
            incidents: incidents::Incidents::new(&level, seed),
            improvements: improvements::Improvements::new(&level, seed),
            commands: Vec::new(),
            totals: Totals {
                debt_peak: debt.points,
                ..Totals::default()
            },
            debt,
            samples: Vec::new(),
            history: history::History::default(),
            level,
        };
        sim.update_capacities();
        for i in 0..n_streams {
            let gap = sim.level.arrivals[i]
                .interarrival
                .sample(&mut sim.arrival_rngs[i]);
            sim.schedule(gap, EventKind::Arrival(i as u32));
        }
        sim.start_board();
        sim.start_outage_process();
        sim
    }

    /// Sets each center's capacity: the level's, or the number of workers with its skill
    /// (at least 1; a deploy step has one slot unless the level says otherwise).
    fn update_capacities(&mut self) {
        for (c, center) in self.centers.iter_mut().enumerate() {
            let spec = &self.level.centers[c];
            center.capacity = match spec.capacity {
                Some(n) => n,
                None if spec.deploy.is_some() => 1,
                None => self
                    .workers
                    .iter()
                    .filter(|w| w.skills[c].is_some())
                    .count()
                    .max(1) as u32,
            };
        }
    }

    /// Replays a run: `level` with `seed`, applying each command at its time, to the end.
    ///
    /// # Errors
    /// The index and reason of the first command that is refused, or whose time lies before
    /// the previous command's or after the end of the run.
    pub fn replay(level: Level, seed: u64, commands: &[Command]) -> Result<Self, String> {
        let mut sim = Simulation::new(level, seed);
        sim.apply_log(commands)?;
        sim.run_to_end();
        match &sim.halted {
            Some(e) => Err(e.to_string()),
            None => Ok(sim),
        }
    }

    /// Applies a command log at the times it gives, advancing the clock as needed.
    ///
    /// # Errors
    /// As [`Simulation::replay`], and when the run stops on its event budget before a
    /// command's time.
    pub fn apply_log(&mut self, commands: &[Command]) -> Result<(), String> {
        for (i, c) in commands.iter().enumerate() {
            if !c.at.is_finite() || c.at < self.now || c.at > self.end {
                return Err(format!(
                    "command {i}: time {} is outside [{}, {}] (sim minutes)",
                    c.at, self.now, self.end
                ));
            }
            self.advance_to(c.at);
            if let Some(e) = &self.halted {
                return Err(format!("command {i}: {e}"));
            }
            self.apply(c.action.clone())
                .map_err(|e| format!("command {i} ({:?}): {e}", c.action))?;
        }
        Ok(())
    }

    /// Runs to the end of the run.
    pub fn run_to_end(&mut self) {
        self.advance_to(self.end);
    }

    /// The level being played.
    pub fn level(&self) -> &Level {
        &self.level
    }

    /// The seed of this run.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Current sim time, sim minutes.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// End of the run, sim minutes.
    pub fn end(&self) -> SimTime {
        self.end
    }

    /// Whether the run is over: it reached its end, or it was stopped ([`Simulation::halted`]).
    pub fn is_finished(&self) -> bool {
        self.now >= self.end || self.halted.is_some()
    }

    /// Why the run stopped before its end, if it did: it processed its whole event budget.
    pub fn halted(&self) -> Option<&RunError> {
        self.halted.as_ref()
    }

    /// The most events this run may process before it stops with
    /// [`RunError::EventBudget`].
    pub fn event_budget(&self) -> u64 {
        self.event_budget
    }

    /// Sets the event budget (tests and fuzzing use a small one to bound a run's time).
    pub fn set_event_budget(&mut self, events: u64) {
        self.event_budget = events;
    }

    /// Commands applied so far, each with its sim time.
    pub fn commands(&self) -> &[Command] {
        &self.commands
    }

    /// Samples taken every [`SAMPLE_INTERVAL`] sim minutes, from time 0.
    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    /// Events processed so far.
    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }

    /// The size of the run's working state and recorded history now.
    pub fn footprint(&self) -> Footprint {
        Footprint {
            pending_events: self.events.len(),
            item_slots: self.items.len(),
            live_items: self.items.len() - self.free_slots.len(),
            batch_slots: self.deploys.batches.len(),
            unresolved_outages: self.incidents.unresolved.len(),
            queued_jobs: self.improvements.queue.len(),
            recent_changes: self.deploys.recent_changes.len(),
            samples: self.samples.len(),
            outages: self.incidents.outages.len(),
            jobs: self.improvements.jobs.len(),
            commands: self.commands.len(),
            completions: self.history.completions.len(),
        }
    }

    /// Items released and not yet completed: the work in process.
    pub fn wip(&self) -> u32 {
        self.centers.iter().map(CenterState::wip).sum()
    }

    /// Items waiting in center `c`'s queue (not in service, not awaiting the board).
    pub fn queue_len(&self, c: usize) -> usize {
        self.centers[c].queue.len()
    }

    /// Whether worker `w` is working on something now (planned work, an outage, a job).
    pub fn is_busy(&self, w: usize) -> bool {
        self.workers[w].current.is_some()
    }

    /// Whether some constraint worker is fixing or holding an outage now.
    pub fn constraint_on_outage(&self) -> bool {
        (0..self.workers.len()).any(|w| self.workers[w].constraint && self.on_outage(w))
    }

    /// Speed of worker `w` at center `c` (`None`: cannot work there).
    pub fn worker_speed(&self, w: usize, c: usize) -> Option<f64> {
        self.workers[w].skills[c]
    }

    /// Current capacity (parallel slots) of center `c`.
    pub fn capacity(&self, c: usize) -> u32 {
        self.centers[c].capacity
    }

    /// Current setup factor of center `c` (deployment automation), 1 at the start.
    pub fn setup_factor(&self, c: usize) -> f64 {
        self.centers[c].setup_factor
    }

    /// Planned work items completed so far (what [`Sample::completed`] counts at a sample).
    pub fn items_done(&self) -> u64 {
        WorkType::PLANNED
            .iter()
            .map(|t| self.totals.completed[t.index()])
            .sum()
    }

    /// Score so far, money: value of completed planned work − cost of unplanned work.
    pub fn score(&self) -> f64 {
        self.totals.value - self.unplanned_cost()
    }

    /// Busy time of a worker so far (planned, unplanned, of which improving), sim minutes,
    /// including the task in progress.
    fn worker_busy(&self, w: &WorkerState) -> (f64, f64, f64) {
        let mut planned = w.busy_planned;
        let mut unplanned = w.busy_unplanned;
        let mut improving = w.busy_improving;
        if let Some(t) = &w.current {
            let d = self.now - t.resumed_at;
            match t.kind {
                TaskKind::Outage { .. } => unplanned += d,
                TaskKind::Job { .. } => {
                    planned += d;
                    improving += d;
                }
                _ => planned += d,
            }
        }
        (planned, unplanned, improving)
    }

    pub(crate) fn center_stats_now(&self, c: usize) -> CenterStats {
        self.centers[c].stats_at(self.now)
    }

    pub(crate) fn center_utilization(&self, c: usize) -> f64 {
        let s = self.center_stats_now(c);
        if self.now > 0.0 {
            s.area_busy / (self.now * self.centers[c].capacity as f64)
        } else {
            0.0
        }
    }

    pub(crate) fn worker_busy_by_index(&self, i: usize) -> (f64, f64, f64) {
        self.worker_busy(&self.workers[i])
    }

    /// Index of the worker named `name`.
    pub fn worker_index(&self, name: &str) -> Option<usize> {
        self.workers.iter().position(|w| w.name == name)
    }

    /// What the state hash covers besides the report ([`Simulation::state_hash`]): the
    /// internal counters any divergence would change, every random stream's position (draws
    /// made), the outages, the improvement jobs, the samples, the debt and the command log.
    pub(crate) fn hash_parts(&self) -> HashParts<'_> {
        let rng = self
            .arrival_rngs
            .iter()
            .chain(&self.effort_rngs)
            .chain([
                &self.deploys.failure_rng,
                &self.deploys.setup_rng,
                &self.incidents.rng,
                &self.improvements.rng,
            ])
            .map(|r| r.draws().to_string())
            .collect();
        HashParts {
            events: self.events_processed,
            next_item: self.next_item_id,
            seq: self.seq,
            rng,
            outages: &self.incidents.outages,
            jobs: &self.improvements.jobs,
            samples: &self.samples,
            debt: self.debt.points,
            commands: &self.commands,
        }
    }

    /// Processes every event at or before `t` (clamped to the end of the run) and moves the
    /// clock to `t`. Calling it with a time in the past does nothing. A run that reaches its
    /// event budget stops where it is ([`Simulation::halted`] says why) and never moves again.
    pub fn advance_to(&mut self, t: SimTime) {
        let t = t.min(self.end);
        if t.is_nan() || t < self.now || self.halted.is_some() {
            return;
        }
        loop {
            let next_event = self.events.next_time().unwrap_or(f64::INFINITY);
            if self.next_sample_at <= next_event.min(t) {
                self.tick();
                continue;
            }
            if next_event > t {
                break;
            }
            if self.events_processed >= self.event_budget {
                self.halted = Some(RunError::EventBudget {
                    budget: self.event_budget,
                    at: self.now,
                    expected: self.level.expected_events(self.end),
                });
                return;
            }
            let ev = self.events.pop().expect("an event is pending");
            self.now = ev.time();
            self.events_processed += 1;
            self.handle(ev.kind);
        }
        self.now = self.now.max(t);
    }

    /// The periodic tick at `next_sample_at`: debt interest and overload, then a sample.
    fn tick(&mut self) {
        let at = self.next_sample_at;
        self.now = self.now.max(at);
        self.accrue_debt(at);
        self.samples.push(Sample {
            t: at,
            wip: self.wip(),
            backlog: self.backlog_len() as u32,
            completed: self.items_done(),
            deploys: self.totals.deploys,
            open_outages: self.incidents.unresolved.len() as u32,
            unplanned_cost: self.unplanned_cost(),
            score: self.score(),
            debt: self.debt.points,
        });
        self.record_history_sample();
        self.next_sample_at += SAMPLE_INTERVAL;
    }

    #[inline(always)]
    fn schedule(&mut self, delay: SimTime, kind: EventKind) {
        self.seq += 1;
        self.events
            .push(Event::new(self.now + delay.max(0.0), self.seq, kind));
    }

    fn handle(&mut self, kind: EventKind) {
        match kind {
            EventKind::Arrival(stream) => self.on_arrival(stream as usize),
            EventKind::TaskDone { worker, token } => {
                let worker = worker as usize;
                if self.workers[worker].token != token {
                    return; // the task was paused or reassigned since
                }
                self.on_task_done(worker);
            }
            EventKind::OutageStrike { token } => {
                if token != self.incidents.hazard.token {
                    return; // the rate changed and the strike was rescheduled
                }
                self.on_base_rate_strike();
            }
            EventKind::OutageDetected(o) => self.on_detected(o as usize),
            EventKind::BoardMeets { token } => {
                if !self.change_board.is_current(token) {
                    return;
                }
                self.on_board_meeting();
            }
        }
        self.settle();
    }

    /// Moves blocked work and starts workers until nothing more changes: starting work can
    /// free buffer space upstream, which lets blocked items move, which gives work to start.
    fn settle(&mut self) {
        loop {
            self.flow();
            if !self.dispatch() || self.blocked_items == 0 {
                break;
            }
        }
    }

    fn item(&self, slot: usize) -> &Item {
        let it = &self.items[slot];
        debug_assert!(it.live, "slot {slot} is free");
        it
    }

    fn item_mut(&mut self, slot: usize) -> &mut Item {
        let it = &mut self.items[slot];
        debug_assert!(it.live, "slot {slot} is free");
        it
    }

    /// Center index of step `step` of the item in `slot`.
    fn route_center(&self, slot: usize, step: usize) -> usize {
        let it = self.item(slot);
        self.routing.routes[it.route][step]
    }
}
