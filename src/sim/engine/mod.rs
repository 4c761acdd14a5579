//! The discrete-event engine.
//!
//! Sim time is continuous, in working minutes (see [`crate::sim::Calendar`]). Pending events
//! sit in a binary min-heap (`queue`) ordered by (time, insertion sequence), so two events at the same time
//! always run in the order they were scheduled. The shell calls [`Simulation::advance_to`]
//! with a target time each frame; the frame rate and the speed setting only change how far
//! each call goes, never what happens. Player decisions arrive through
//! [`Simulation::apply`], which stamps them with the current sim time and logs them.
//!
//! Every [`SAMPLE_INTERVAL`] sim minutes a *tick* takes a [`Sample`] for the charts and
//! updates technical debt (interest and overload). A tick at the same time as an event runs
//! first, so where a frame ends never changes what happens.
//!
//! The mechanisms, each in its own module:
//! - `flow`: arrivals, release from the backlog (push or drum-buffer-rope), WIP limits and
//!   finite buffers with blocking after service, skipped steps;
//! - `work`: dispatching workers to outages, interrupted work, improvement jobs and queues;
//!   batches and deploys with their failure risk and collisions;
//! - `incidents`: outages from deploys and from a debt-dependent base rate, detection,
//!   diagnosis and fix, postmortems;
//! - `commands`: the player's decisions; `views`: what the board draws.

mod commands;
mod flow;
mod incidents;
mod queue;
mod views;
mod work;

use std::collections::VecDeque;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::command::Command;
use super::error::RunError;
use super::level::{Level, OUTAGE_SKILL, ReleaseRule, Risk, WorkType};
use super::metrics::{CenterStats, RunReport, Sample};
use super::rng::{RandomStream, Stream};
use super::rules;

pub use views::{
    Activity, BoardView, CenterView, ImprovementView, ItemView, JobView, OutagePhase, WorkerView,
};

/// Sim time in working minutes since the start of the run.
pub type SimTime = f64;

/// How often [`Sample`]s of the run are taken and debt is updated, in sim minutes.
pub const SAMPLE_INTERVAL: SimTime = 60.0;

/// What an event does. Indices are `u32` so that an [`Event`] stays 32 bytes: the heap
/// moves events on every push and pop.
#[derive(Clone, Copy, Debug)]
enum EventKind {
    /// The next item of arrival stream `i` arrives.
    Arrival(u32),
    /// Worker `worker` finishes its current task, unless `token` is stale.
    TaskDone { worker: u32, token: u64 },
    /// A base-rate outage strikes, unless `token` is stale (the rate changed since).
    OutageStrike { token: u64 },
    /// Outage (index) is noticed.
    OutageDetected(u32),
    /// The change advisory board meets, unless `token` is stale (rescheduled since).
    BoardMeets { token: u64 },
}

/// A pending event, ordered by (time, insertion sequence) through one `u128` key: the time's
/// bits above the sequence number. Event times are never negative, and for non-negative
/// floats the bit patterns order as the numbers do.
#[derive(Clone, Copy, Debug)]
struct Event {
    key: u128,
    kind: EventKind,
}

impl Event {
    fn new(time: SimTime, seq: u64, kind: EventKind) -> Self {
        debug_assert!(time >= 0.0, "event times are never negative");
        Self {
            key: (u128::from(time.to_bits()) << 64) | u128::from(seq),
            kind,
        }
    }
    /// Sim minute the event happens.
    fn time(&self) -> SimTime {
        f64::from_bits((self.key >> 64) as u64)
    }
}

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

/// Where a work item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Backlog,
    /// At the deploy step, waiting for the change advisory board.
    Approval(usize),
    Queue(usize),
    Service(usize),
    Outbox(usize),
}

#[derive(Clone, Debug)]
struct Item {
    id: u64,
    stream: usize,
    work_type: WorkType,
    step: usize,
    /// Work of each step at nominal speed, sim minutes, drawn on arrival.
    efforts: Vec<f64>,
    arrived_at: SimTime,
    entered_center_at: SimTime,
    place: Place,
    risk: Risk,
    /// Index into the level's systems.
    system: usize,
    due_at: Option<SimTime>,
    expedited: bool,
    /// Reached the deploy step while changes bypassed the board.
    off_board: bool,
    /// Released and still has the drum ahead of it (counted in the rope).
    rope: bool,
    /// Whether the slot holds a live item (else it is free for the next arrival).
    live: bool,
}

impl Item {
    /// An empty slot.
    fn vacant() -> Self {
        Self {
            id: 0,
            stream: 0,
            work_type: WorkType::Business,
            step: 0,
            efforts: Vec::new(),
            arrived_at: 0.0,
            entered_center_at: 0.0,
            place: Place::Backlog,
            risk: Risk::Standard,
            system: 0,
            due_at: None,
            expedited: false,
            off_board: false,
            rope: false,
            live: false,
        }
    }
}

/// What a worker's task is about. Small and `Copy`: tasks move on every start and stop.
#[derive(Clone, Copy, Debug)]
enum TaskKind {
    Item {
        slot: usize,
        center: usize,
    },
    /// A batch at a batch center or a deploy; its items are `Simulation::batches[batch]`.
    Batch {
        center: usize,
        batch: usize,
    },
    Outage {
        outage: usize,
    },
    Job {
        job: usize,
    },
}

#[derive(Clone, Copy, Debug)]
struct Task {
    kind: TaskKind,
    /// Work left at nominal speed, sim minutes, as of `resumed_at`.
    remaining: f64,
    speed: f64,
    resumed_at: SimTime,
}

impl Task {
    fn center(&self) -> Option<usize> {
        match self.kind {
            TaskKind::Item { center, .. } | TaskKind::Batch { center, .. } => Some(center),
            TaskKind::Outage { .. } | TaskKind::Job { .. } => None,
        }
    }
}

#[derive(Clone, Debug)]
struct WorkerState {
    name: String,
    /// Speed at each center, by center index; `None`: cannot work there.
    skills: Vec<Option<f64>>,
    outage_speed: Option<f64>,
    constraint: bool,
    current: Option<Task>,
    paused: Vec<Task>,
    outage_queue: VecDeque<usize>,
    token: u64,
    busy_planned: f64,
    busy_unplanned: f64,
    /// Part of `busy_planned` spent on improvement jobs, sim minutes.
    busy_improving: f64,
}

#[derive(Clone, Debug)]
struct CenterState {
    queue: VecDeque<usize>,
    /// Changes waiting for the change advisory board (deploy step only).
    awaiting: VecDeque<usize>,
    outbox: VecDeque<usize>,
    /// Items in service (including paused ones and the items of a running batch).
    in_service: u32,
    /// Tasks occupying a slot (a batch is one task for all its items).
    active_tasks: u32,
    /// Workers actively working here now.
    busy_workers: u32,
    capacity: u32,
    /// Whether the level fixed the capacity (else it follows the number of staff).
    wip_limit: Option<u32>,
    buffer: Option<u32>,
    /// Batch size of a batch center or the deploy step.
    batch: Option<u32>,
    /// Factor on the setup time (deployment automation).
    setup_factor: f64,
    /// Whether items skip this step now.
    skipped: bool,
    stats: CenterStats,
}

impl CenterState {
    fn wip(&self) -> u32 {
        (self.queue.len() + self.awaiting.len() + self.outbox.len()) as u32 + self.in_service
    }
    /// Slots in use: tasks, plus finished items blocked on their slot (a batch center's
    /// blocked items hold the one slot of their batch).
    fn slots_used(&self) -> u32 {
        let blocked = if self.batch.is_some() {
            u32::from(!self.outbox.is_empty())
        } else {
            self.outbox.len() as u32
        };
        self.active_tasks + blocked
    }
    /// The levels the time-weighted areas integrate: (queued, in the center, busy workers,
    /// blocked), in items or workers.
    fn levels(&self) -> [f64; 4] {
        [
            (self.queue.len() + self.awaiting.len()) as f64,
            f64::from(self.wip()),
            f64::from(self.busy_workers),
            self.outbox.len() as f64,
        ]
    }
    /// Brings the time-weighted areas up to `now` before the state changes.
    fn touch(&mut self, now: SimTime) {
        // Most touches within one event find the areas already up to date.
        if now > self.stats.last_change {
            let levels = self.levels();
            integrate(&mut self.stats, levels, now);
        }
    }
    /// The stats with the time-weighted areas integrated up to `now`, leaving `self` as is.
    fn stats_at(&self, now: SimTime) -> CenterStats {
        let mut s = self.stats.clone();
        integrate(&mut s, self.levels(), now);
        s
    }
}

/// Adds `levels × (now − last_change)` to the areas of `s` (queue, in system, busy,
/// blocked) and moves `last_change` to `now`.
fn integrate(s: &mut CenterStats, [queued, wip, busy, blocked]: [f64; 4], now: SimTime) {
    let dt = now - s.last_change;
    if dt > 0.0 {
        s.area_queue += queued * dt;
        s.area_in_system += wip * dt;
        s.area_busy += busy * dt;
        s.area_blocked += blocked * dt;
        s.last_change = now;
    }
}

/// Where an outage stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum OutageState {
    /// Not yet noticed: nobody can work on it, and the player does not see it.
    Undetected,
    /// Waiting for the standing rule to find a free capable worker.
    Open,
    /// Deferred by the player: nobody will take it until it is triaged again.
    Deferred,
    /// Assigned to worker (index), waiting behind another outage of theirs.
    Queued(usize),
    /// Being diagnosed or fixed by worker (index).
    InWork(usize),
    /// Fixed.
    Resolved,
}

/// What raised an outage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum OutageCause {
    /// The base rate: aging systems, technical debt, bad luck.
    BaseRate,
    /// A failed deploy of this many changes, with this many collisions among them.
    FailedDeploy { changes: u32, collisions: u32 },
}

/// Where a postmortem of an outage stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PostmortemState {
    /// None held.
    None,
    /// Asked for; its job is waiting or in work.
    Scheduled,
    /// Held; the outage's system fails less often since.
    Done,
}

/// An unplanned outage: production is down (or degraded) and costs money until it is fixed.
#[derive(Clone, Debug, Serialize)]
pub struct Outage {
    /// Sequential id, from 1, as the player sees it.
    pub id: u64,
    /// Sim minute it struck.
    pub raised_at: SimTime,
    /// Sim minute it was noticed.
    pub detected_at: Option<SimTime>,
    /// Sim minute it was fixed.
    pub resolved_at: Option<SimTime>,
    /// What raised it.
    pub cause: OutageCause,
    /// Index of the failing system in [`Level::system_names`].
    pub system: usize,
    /// Diagnosis work at nominal speed, sim minutes.
    pub diagnosis: f64,
    /// Whether an off-board change slowed the diagnosis down.
    pub off_board: bool,
    /// Total work (diagnosis + fix) at nominal speed, sim minutes.
    pub work: f64,
    /// Work left at nominal speed, sim minutes (as of the last pause or assignment). The
    /// diagnosis is done once `work − remaining ≥ diagnosis`.
    pub remaining: f64,
    /// Where it stands.
    pub state: OutageState,
    /// Whether a postmortem was held.
    pub postmortem: PostmortemState,
}

/// What an improvement job is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum JobKind {
    /// One round of the level's improvement (index into `improvements`).
    Improvement(usize),
    /// The postmortem of an outage (index).
    Postmortem(usize),
}

/// Improvement work that is not an item in a center: a round of an improvement, or a
/// postmortem. It waits in the improvement queue for a qualified worker.
#[derive(Clone, Debug, Serialize)]
pub struct Job {
    /// Id, from the same sequence as items.
    pub id: u64,
    /// What it is.
    pub kind: JobKind,
    /// Work at nominal speed, sim minutes.
    pub work: f64,
    /// Sim minute it was funded.
    pub queued_at: SimTime,
    /// Sim minute it was finished.
    pub done_at: Option<SimTime>,
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
    pub fn history(&self) -> [(&'static str, usize); 4] {
        [
            ("samples", self.samples),
            ("outages", self.outages),
            ("jobs", self.jobs),
            ("commands", self.commands),
        ]
    }
}

/// Why a player command was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandError(pub String);

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for CommandError {}

/// Standing policies the player sets through commands.
#[derive(Clone, Debug, Serialize)]
pub struct Policy {
    /// Whether the constraint is protected.
    pub protect_constraint: bool,
    /// Whether new work is held in the backlog.
    pub hold_work: bool,
    /// Deploy batch size, in items (1 when there is no deploy step).
    pub batch_size: u32,
    /// Share of every worker's time reserved for improvement work, 0–0.5.
    pub improvement_share: f64,
    /// How work leaves the backlog.
    pub release: ReleaseRule,
    /// Whether project work (business and internal projects) is frozen.
    pub freeze: bool,
    /// Whether each arrival stream's new work is accepted (else refused on arrival).
    pub accept: Vec<bool>,
    /// Workdays between change advisory board meetings (`None`: no board).
    pub board_every_days: Option<f64>,
    /// Whether standard changes are pre-approved.
    pub pre_approve_standard: bool,
    /// Whether changes bypass the board (off-board changes).
    pub bypass_board: bool,
}

/// Running totals of the run, in the units their names give.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Totals {
    pub arrived: [u64; 4],
    pub completed: [u64; 4],
    pub value: f64,
    /// Lead times (arrival to completion) of completed planned items.
    #[serde(skip)]
    pub lead_times: crate::sim::metrics::LeadTimes,
    pub deploys: u64,
    pub failed_deploys: u64,
    pub deployed_items: u64,
    pub restore_time_sum: f64,
    pub resolved_cost: f64,
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

/// The outage process: a non-homogeneous Poisson process whose rate changes with debt and
/// postmortems. It is simulated exactly by the inversion of the cumulative hazard: an
/// Exp(1) draw is consumed at the current rate, and the strike is rescheduled whenever the
/// rate changes.
#[derive(Clone, Debug, Default)]
struct Hazard {
    /// Cumulative hazard left before the next strike.
    left: f64,
    /// Current rate, outages per sim minute.
    rate: f64,
    /// Sim time `left` was last brought up to date.
    since: SimTime,
    /// Token of the scheduled strike event.
    token: u64,
}

/// One run of a level: the whole state of the simulation.
#[derive(Clone, Debug)]
pub struct Simulation {
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
    /// The items of each running (or paused) batch task, by batch index; free ones, empty,
    /// are listed in `free_batches` for reuse.
    batches: Vec<Vec<usize>>,
    free_batches: Vec<usize>,
    /// Work items by slot; free slots (not `live`) are listed in `free_slots`.
    items: Vec<Item>,
    free_slots: Vec<usize>,
    next_item_id: u64,
    centers: Vec<CenterState>,
    deploy_center: Option<usize>,
    drum: Option<usize>,
    /// By center: whether it is the constraint's own work, which at the start of the run no
    /// one but constraint workers could do. A protected constraint works only there, even
    /// after others learned the skill (they help; he keeps his post).
    constraint_work: Vec<bool>,
    /// Released items with the drum still ahead of them.
    rope: u32,
    /// Each arrival stream's route as center indices.
    routes: Vec<Vec<usize>>,
    /// Each arrival stream's systems as indices into the level's systems (all of them when
    /// the stream names none).
    stream_systems: Vec<Vec<usize>>,
    /// Each arrival stream's risk class when its mix has only one (no draw needed).
    stream_fixed_risk: Vec<Option<Risk>>,
    /// Whether any center is being skipped now.
    any_skipped: bool,
    workers: Vec<WorkerState>,
    backlog: VecDeque<usize>,
    /// Items waiting in outboxes or in the backlog: when zero, no flow pass is needed.
    blocked_items: usize,
    /// Every outage raised, in id order (recorded history: it grows with the run).
    outages: Vec<Outage>,
    /// Indices of the outages not yet resolved, ascending: the incident procedure's working
    /// set. Dispatch, the running cost and the samples read this, never the whole history,
    /// so an event's cost does not grow with the number of outages ever raised.
    unresolved: Vec<usize>,
    /// Every improvement job and postmortem funded (recorded history).
    jobs: Vec<Job>,
    /// Improvement jobs (not postmortems) funded and not yet finished.
    open_improvement_jobs: u32,
    /// Jobs waiting for a worker, oldest first.
    job_queue: VecDeque<usize>,
    /// Improvement rounds funded (queued, in work or done), by improvement.
    rounds_funded: Vec<u32>,
    /// Improvement rounds finished, by improvement.
    rounds_done: Vec<u32>,
    /// ∫ improvement share dt: the improvement time each worker is entitled to, sim minutes.
    entitlement: f64,
    entitlement_since: SimTime,
    /// Factor on every change's failure probability (test automation).
    defect_factor: f64,
    /// Factor on the time to detect (monitoring).
    detect_factor: f64,
    /// Recurrence factor of each system (postmortems lower it).
    recurrence: Vec<f64>,
    /// Technical debt, points.
    debt: f64,
    hazard: Hazard,
    /// Next meeting of the change advisory board, and its event token.
    board_next: Option<SimTime>,
    /// Last meeting of the board, if any yet.
    board_last: Option<SimTime>,
    board_token: u64,
    /// Recently deployed changes: (time, system, off board).
    recent_changes: VecDeque<(SimTime, usize, bool)>,
    arrival_rngs: Vec<RandomStream>,
    effort_rngs: Vec<RandomStream>,
    deploy_rng: RandomStream,
    setup_rng: RandomStream,
    outage_rng: RandomStream,
    improvement_rng: RandomStream,
    policy: Policy,
    commands: Vec<Command>,
    pub(crate) totals: Totals,
    samples: Vec<Sample>,
    next_sample_at: SimTime,
}

impl Simulation {
    /// Starts a run of `level` with `seed` at sim time 0, with the level's full length.
    pub fn new(level: Level, seed: u64) -> Self {
        let end = level.duration();
        Self::with_duration(level, seed, end)
    }

    /// Starts a run of `level` with `seed` that ends after `end` sim minutes.
    pub fn with_duration(level: Level, seed: u64, end: SimTime) -> Self {
        let centers: Vec<CenterState> = level
            .centers
            .iter()
            .map(|c| CenterState {
                queue: VecDeque::new(),
                awaiting: VecDeque::new(),
                outbox: VecDeque::new(),
                in_service: 0,
                active_tasks: 0,
                busy_workers: 0,
                capacity: 1,
                wip_limit: c.wip_limit,
                buffer: c.buffer,
                batch: c
                    .deploy
                    .as_ref()
                    .map(|d| d.batch_size)
                    .or(c.batch.as_ref().map(|b| b.size)),
                setup_factor: 1.0,
                skipped: false,
                stats: CenterStats::default(),
            })
            .collect();
        let workers = level
            .workers
            .iter()
            .map(|w| WorkerState {
                name: w.name.clone(),
                skills: level
                    .centers
                    .iter()
                    .map(|c| w.skills.get(&c.id).copied())
                    .collect(),
                outage_speed: w.skills.get(OUTAGE_SKILL).copied(),
                constraint: w.constraint,
                current: None,
                paused: Vec::new(),
                outage_queue: VecDeque::new(),
                token: 0,
                busy_planned: 0.0,
                busy_unplanned: 0.0,
                busy_improving: 0.0,
            })
            .collect();
        let deploy_center = level.centers.iter().position(|c| c.deploy.is_some());
        let batch_size = deploy_center
            .and_then(|i| level.centers[i].deploy.as_ref())
            .map_or(1, |d| d.batch_size);
        let n_streams = level.arrivals.len();
        let board = level
            .changes
            .as_ref()
            .and_then(|c| c.board.as_ref())
            .cloned();
        let n_systems = level.system_names().len();
        let debt = level.debt.as_ref().map_or(0.0, |d| d.initial);
        let mut sim = Simulation {
            seed,
            now: 0.0,
            end,
            events: queue::EventQueue::default(),
            seq: 0,
            events_processed: 0,
            event_budget: event_budget(&level, end),
            halted: None,
            batches: Vec::new(),
            free_batches: Vec::new(),
            items: Vec::new(),
            free_slots: Vec::new(),
            next_item_id: 1,
            centers,
            deploy_center,
            drum: level.drum_center(),
            constraint_work: level.constraint_centers(),
            rope: 0,
            routes: level
                .arrivals
                .iter()
                .map(|a| {
                    a.route
                        .iter()
                        .map(|s| level.center_index(&s.center).expect("validated route"))
                        .collect()
                })
                .collect(),
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
            workers,
            backlog: VecDeque::new(),
            blocked_items: 0,
            outages: Vec::new(),
            unresolved: Vec::new(),
            jobs: Vec::new(),
            open_improvement_jobs: 0,
            job_queue: VecDeque::new(),
            rounds_funded: vec![0; level.improvements.len()],
            rounds_done: vec![0; level.improvements.len()],
            entitlement: 0.0,
            entitlement_since: 0.0,
            defect_factor: 1.0,
            detect_factor: 1.0,
            recurrence: vec![1.0; n_systems],
            debt,
            hazard: Hazard::default(),
            board_next: None,
            board_last: None,
            board_token: 0,
            recent_changes: VecDeque::new(),
            arrival_rngs: (0..n_streams)
                .map(|i| RandomStream::new(seed, Stream::Arrivals(i as u32)))
                .collect(),
            effort_rngs: (0..n_streams)
                .map(|i| RandomStream::new(seed, Stream::Efforts(i as u32)))
                .collect(),
            deploy_rng: RandomStream::new(seed, Stream::DeployFailures),
            setup_rng: RandomStream::new(seed, Stream::DeploySetup),
            outage_rng: RandomStream::new(seed, Stream::Outages),
            improvement_rng: RandomStream::new(seed, Stream::Improvements),
            policy: Policy {
                protect_constraint: false,
                hold_work: false,
                batch_size,
                improvement_share: level.improvement_share,
                release: level.release.rule,
                freeze: false,
                accept: vec![true; n_streams],
                board_every_days: board.as_ref().map(|b| b.every_days),
                pre_approve_standard: board.as_ref().is_some_and(|b| b.pre_approve_standard),
                bypass_board: false,
            },
            commands: Vec::new(),
            totals: Totals {
                debt_peak: debt,
                ..Totals::default()
            },
            samples: Vec::new(),
            next_sample_at: 0.0,
            level,
        };
        sim.update_capacities();
        for i in 0..n_streams {
            let gap = sim.level.arrivals[i]
                .interarrival
                .sample(&mut sim.arrival_rngs[i]);
            sim.schedule(gap, EventKind::Arrival(i as u32));
        }
        if let Some(b) = board {
            let first = b.first_at;
            sim.schedule_board(first);
        }
        sim.hazard.left = sim.outage_rng.standard_exponential();
        sim.update_outage_rate();
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

    // ----- accessors -------------------------------------------------------------------

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
    /// The standing policies.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }
    /// Commands applied so far, each with its sim time.
    pub fn commands(&self) -> &[Command] {
        &self.commands
    }
    /// All outages so far, in id order, detected or not (the board shows detected ones).
    pub fn outages(&self) -> &[Outage] {
        &self.outages
    }
    /// All improvement jobs and postmortems funded so far.
    pub fn jobs(&self) -> &[Job] {
        &self.jobs
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
            batch_slots: self.batches.len(),
            unresolved_outages: self.unresolved.len(),
            queued_jobs: self.job_queue.len(),
            recent_changes: self.recent_changes.len(),
            samples: self.samples.len(),
            outages: self.outages.len(),
            jobs: self.jobs.len(),
            commands: self.commands.len(),
        }
    }
    /// Items waiting in the backlog (arrived, not yet released).
    pub fn backlog_len(&self) -> usize {
        self.backlog.len()
    }
    /// Items released and not yet completed: the work in process.
    pub fn wip(&self) -> u32 {
        self.centers.iter().map(CenterState::wip).sum()
    }
    /// Index of the deploy center, if the level has one.
    pub fn deploy_center(&self) -> Option<usize> {
        self.deploy_center
    }
    /// Index of the drum (the constraint's center for drum-buffer-rope), if any.
    pub fn drum(&self) -> Option<usize> {
        self.drum
    }
    /// Released items that still have the drum ahead of them: the rope's length.
    pub fn rope_len(&self) -> u32 {
        self.rope
    }
    /// Current WIP limit of center `c`.
    pub fn wip_limit(&self, c: usize) -> Option<u32> {
        self.centers[c].wip_limit
    }
    /// Technical debt now, points.
    pub fn debt(&self) -> f64 {
        self.debt
    }
    /// Current rate of base-rate outages, per workday.
    pub fn outage_rate_per_day(&self) -> f64 {
        self.hazard.rate * self.level.calendar.minutes_per_day
    }
    /// Factor on every change's failure probability (test automation), 1 at the start.
    pub fn defect_factor(&self) -> f64 {
        self.defect_factor
    }
    /// Factor on detection times (monitoring), 1 at the start; the culture's factor comes on
    /// top.
    pub fn detect_factor(&self) -> f64 {
        self.detect_factor
    }
    /// Recurrence factor of each system (in [`Level::system_names`] order), 1 at the start.
    pub fn recurrence(&self) -> &[f64] {
        &self.recurrence
    }
    /// Sim time of the next change advisory board meeting, if there is a board.
    pub fn next_board_meeting(&self) -> Option<SimTime> {
        self.board_next
    }
    /// Improvement rounds finished, by improvement (level order).
    pub fn rounds_done(&self) -> &[u32] {
        &self.rounds_done
    }
    /// Improvement rounds funded (queued, in work or done), by improvement.
    pub fn rounds_funded(&self) -> &[u32] {
        &self.rounds_funded
    }
    /// Speed of worker `w` at center `c` (`None`: cannot work there).
    pub fn worker_speed(&self, w: usize, c: usize) -> Option<f64> {
        self.workers[w].skills[c]
    }
    /// Speed of worker `w` at fixing outages (`None`: cannot).
    pub fn worker_outage_speed(&self, w: usize) -> Option<f64> {
        self.workers[w].outage_speed
    }
    /// Current capacity (parallel slots) of center `c`.
    pub fn capacity(&self, c: usize) -> u32 {
        self.centers[c].capacity
    }
    /// Current setup factor of center `c` (deployment automation), 1 at the start.
    pub fn setup_factor(&self, c: usize) -> f64 {
        self.centers[c].setup_factor
    }

    /// Cost of unplanned work so far, money: every outage's cost per hour times the hours it
    /// has been (or was) unresolved, detected or not.
    pub fn unplanned_cost(&self) -> f64 {
        let rate = self.cost_per_minute();
        let open: f64 = self
            .unresolved
            .iter()
            .map(|&o| (self.now - self.outages[o].raised_at) * rate)
            .sum();
        self.totals.resolved_cost + open
    }

    /// Score so far, money: value of completed planned work − cost of unplanned work.
    pub fn score(&self) -> f64 {
        self.totals.value - self.unplanned_cost()
    }

    /// Running cost of one outage so far, money.
    pub fn outage_cost(&self, o: &Outage) -> f64 {
        (o.resolved_at.unwrap_or(self.now) - o.raised_at) * self.cost_per_minute()
    }

    fn cost_per_minute(&self) -> f64 {
        self.level
            .outages
            .as_ref()
            .map_or(0.0, |o| o.cost_per_hour / 60.0)
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

    pub(crate) fn center_servers(&self, c: usize) -> u32 {
        self.centers[c].capacity
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

    /// The final (or current) metrics of the run.
    pub fn report(&self) -> RunReport {
        RunReport::of(self)
    }

    /// A SHA-256 over the run's metrics and the internal counters that any divergence would
    /// change (events processed, items created, every random stream's position), as hex.
    /// Equal hashes mean the same run, bit for bit.
    pub fn state_hash(&self) -> String {
        #[derive(Serialize)]
        struct Digestible<'a> {
            report: &'a RunReport,
            events: u64,
            next_item: u64,
            seq: u64,
            rng: Vec<String>,
            outages: &'a [Outage],
            jobs: &'a [Job],
            samples: &'a [Sample],
            debt: f64,
        }
        let rng = self
            .arrival_rngs
            .iter()
            .chain(&self.effort_rngs)
            .chain([
                &self.deploy_rng,
                &self.setup_rng,
                &self.outage_rng,
                &self.improvement_rng,
            ])
            .map(|r| r.draws().to_string())
            .collect();
        let report = self.report();
        let d = Digestible {
            report: &report,
            events: self.events_processed,
            next_item: self.next_item_id,
            seq: self.seq,
            rng,
            outages: &self.outages,
            jobs: &self.jobs,
            samples: &self.samples,
            debt: self.debt,
        };
        let bytes = serde_json::to_vec(&d).expect("state serializes");
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    // ----- time --------------------------------------------------------------------------

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
        if let Some(d) = &self.level.debt {
            let before = self.debt;
            let days = SAMPLE_INTERVAL / self.level.calendar.minutes_per_day;
            if at > 0.0 {
                self.debt *= libm::exp(d.interest_per_day * days);
                if d.overload_wip.is_some_and(|limit| self.wip() > limit) {
                    self.debt += d.per_overload_hour * SAMPLE_INTERVAL / 60.0;
                }
            }
            if self.debt != before {
                self.debt_changed();
            }
        }
        self.samples.push(Sample {
            t: at,
            wip: self.wip(),
            backlog: self.backlog.len() as u32,
            completed: WorkType::PLANNED
                .iter()
                .map(|t| self.totals.completed[t.index()])
                .sum(),
            deploys: self.totals.deploys,
            open_outages: self.unresolved.len() as u32,
            unplanned_cost: self.unplanned_cost(),
            score: self.score(),
            debt: self.debt,
        });
        self.next_sample_at += SAMPLE_INTERVAL;
    }

    /// Adds `points` of technical debt (negative: pays it down, never below 0).
    fn add_debt(&mut self, points: f64) {
        if self.level.debt.is_none() || points == 0.0 {
            return;
        }
        self.debt = (self.debt + points).max(0.0);
        self.debt_changed();
    }

    fn debt_changed(&mut self) {
        self.totals.debt_peak = self.totals.debt_peak.max(self.debt);
        self.update_outage_rate();
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
                if token != self.hazard.token {
                    return; // the rate changed and the strike was rescheduled
                }
                self.on_base_rate_strike();
            }
            EventKind::OutageDetected(o) => self.on_detected(o as usize),
            EventKind::BoardMeets { token } => {
                if token != self.board_token {
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
        self.routes[it.stream][step]
    }
}
