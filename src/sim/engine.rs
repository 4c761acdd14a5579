//! The discrete-event engine.
//!
//! Sim time is continuous, in working minutes (see [`crate::sim::Calendar`]). Pending events
//! sit in a binary heap ordered by (time, insertion sequence), so two events at the same time
//! always run in the order they were scheduled. The shell calls [`Simulation::advance_to`]
//! with a target time each frame; the frame rate and the speed setting only change how far
//! each call goes, never what happens. Player decisions arrive through
//! [`Simulation::apply`], which stamps them with the current sim time and logs them.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::command::{Action, Assignee, Command};
use super::level::{Level, MAX_BATCH, OUTAGE_SKILL, WorkType};
use super::metrics::{CenterStats, RunReport, Sample};
use super::rng::{RandomStream, Stream};

/// Sim time in working minutes since the start of the run.
pub type SimTime = f64;

/// How often [`Sample`]s of the run are taken for the charts, in sim minutes.
pub const SAMPLE_INTERVAL: SimTime = 60.0;

#[derive(Clone, Copy, Debug)]
enum EventKind {
    /// The next item of arrival stream `i` arrives.
    Arrival(usize),
    /// Worker `worker` finishes its current task, unless `token` is stale.
    TaskDone { worker: usize, token: u64 },
    /// A base-rate outage strikes.
    OutageStrike,
}

#[derive(Clone, Copy, Debug)]
struct Event {
    time: SimTime,
    seq: u64,
    kind: EventKind,
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest (time, seq) first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .time
            .total_cmp(&self.time)
            .then(other.seq.cmp(&self.seq))
    }
}

/// Where a work item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Backlog,
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
}

#[derive(Clone, Debug)]
enum TaskKind {
    Item { slot: usize, center: usize },
    Deploy { center: usize, slots: Vec<usize> },
    Outage { outage: usize },
}

#[derive(Clone, Debug)]
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
            TaskKind::Item { center, .. } | TaskKind::Deploy { center, .. } => Some(center),
            TaskKind::Outage { .. } => None,
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
}

#[derive(Clone, Debug)]
struct CenterState {
    queue: VecDeque<usize>,
    outbox: VecDeque<usize>,
    /// Items in service (including paused ones and the items of a running deploy).
    in_service: u32,
    /// Tasks occupying a slot (a deploy is one task for its whole batch).
    active_tasks: u32,
    /// Workers actively working here now.
    busy_workers: u32,
    capacity: u32,
    wip_limit: Option<u32>,
    stats: CenterStats,
}

impl CenterState {
    fn wip(&self) -> u32 {
        self.queue.len() as u32 + self.in_service + self.outbox.len() as u32
    }
    fn has_room(&self) -> bool {
        self.wip_limit.is_none_or(|l| self.wip() < l)
    }
    /// Brings the time-weighted areas up to `now` before the state changes.
    fn touch(&mut self, now: SimTime) {
        self.stats = self.stats_at(now);
    }
    /// The stats with the time-weighted areas integrated up to `now`, leaving `self` as is.
    fn stats_at(&self, now: SimTime) -> CenterStats {
        let mut s = self.stats.clone();
        let dt = now - s.last_change;
        if dt > 0.0 {
            s.area_queue += self.queue.len() as f64 * dt;
            s.area_in_system += self.wip() as f64 * dt;
            s.area_busy += self.busy_workers as f64 * dt;
            s.last_change = now;
        }
        s
    }
}

/// Where an outage stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum OutageState {
    /// Waiting for the standing rule to find a free capable worker.
    Open,
    /// Deferred by the player: nobody will take it until it is triaged again.
    Deferred,
    /// Assigned to worker (index), waiting behind another outage of theirs.
    Queued(usize),
    /// Being fixed by worker (index).
    InWork(usize),
    /// Fixed.
    Resolved,
}

/// What raised an outage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum OutageCause {
    /// The base rate: aging systems, technical debt, bad luck.
    BaseRate,
    /// A failed deploy of this many changes.
    FailedDeploy { changes: u32 },
}

/// An unplanned outage: production is down (or degraded) and costs money until it is fixed.
#[derive(Clone, Debug, Serialize)]
pub struct Outage {
    /// Sequential id, from 1, as the player sees it.
    pub id: u64,
    /// Sim minute it struck.
    pub raised_at: SimTime,
    /// Sim minute it was fixed.
    pub resolved_at: Option<SimTime>,
    /// What raised it.
    pub cause: OutageCause,
    /// Fix work at nominal speed, sim minutes.
    pub work: f64,
    /// Fix work left at nominal speed, sim minutes (as of the last pause or assignment).
    pub remaining: f64,
    /// Where it stands.
    pub state: OutageState,
}

/// What a worker is doing, for the board.
#[derive(Clone, Debug, PartialEq)]
pub enum Activity {
    /// Free.
    Idle,
    /// Serving an item at a center.
    Working {
        center: usize,
        work_type: WorkType,
        item: u64,
    },
    /// Deploying a batch of this many items.
    Deploying { center: usize, items: u32 },
    /// Fixing an outage (its id).
    FixingOutage { outage: u64 },
}

/// A worker as the board shows it.
#[derive(Clone, Debug)]
pub struct WorkerView {
    /// Name.
    pub name: String,
    /// Whether this is the constraint (Brent).
    pub constraint: bool,
    /// Current activity.
    pub activity: Activity,
    /// Planned tasks interrupted and waiting for this worker.
    pub paused: usize,
    /// Outages assigned to this worker and not yet started.
    pub queued_outages: usize,
    /// Fraction of elapsed sim time spent working, 0–1.
    pub utilization: f64,
    /// Fraction of elapsed sim time spent on unplanned work, 0–1.
    pub unplanned_share: f64,
    /// Center indices this worker can staff.
    pub skills: Vec<usize>,
    /// Whether this worker can fix outages.
    pub fixes_outages: bool,
}

/// An item on the board: its id and type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemView {
    /// Sequential id, from 1.
    pub id: u64,
    /// Type of work (its color on the board).
    pub work_type: WorkType,
}

/// A work center as the board shows it.
#[derive(Clone, Debug)]
pub struct CenterView {
    /// Center id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Waiting for service, oldest first.
    pub queue: Vec<ItemView>,
    /// In service (being worked, paused, or in a running deploy).
    pub in_service: Vec<ItemView>,
    /// Done here, blocked by the next center's WIP limit.
    pub blocked: Vec<ItemView>,
    /// Current WIP limit.
    pub wip_limit: Option<u32>,
    /// Whether this is the deploy step.
    pub is_deploy: bool,
    /// Parallel slots.
    pub capacity: u32,
    /// Utilization so far, 0–1 (see [`crate::sim::CenterReport::utilization`]).
    pub utilization: f64,
    /// Whether only constraint workers have this skill.
    pub constraint_only: bool,
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
    /// Deploy batch size, in items.
    pub batch_size: u32,
}

/// Running totals of the run, in the units their names give.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Totals {
    pub arrived: [u64; 4],
    pub completed: [u64; 4],
    pub value: f64,
    /// Lead times (arrival to completion) of completed planned items, sim minutes.
    pub lead_times: Vec<f64>,
    pub deploys: u64,
    pub failed_deploys: u64,
    pub deployed_items: u64,
    pub restore_time_sum: f64,
    pub resolved_cost: f64,
}

/// One run of a level: the whole state of the simulation.
#[derive(Clone, Debug)]
pub struct Simulation {
    level: Level,
    seed: u64,
    now: SimTime,
    end: SimTime,
    events: BinaryHeap<Event>,
    seq: u64,
    events_processed: u64,
    items: Vec<Option<Item>>,
    free_slots: Vec<usize>,
    next_item_id: u64,
    centers: Vec<CenterState>,
    deploy_center: Option<usize>,
    workers: Vec<WorkerState>,
    backlog: VecDeque<usize>,
    /// Items waiting in outboxes or in the backlog: when zero, no flow pass is needed.
    blocked_items: usize,
    outages: Vec<Outage>,
    arrival_rngs: Vec<RandomStream>,
    effort_rngs: Vec<RandomStream>,
    deploy_rng: RandomStream,
    setup_rng: RandomStream,
    outage_rng: RandomStream,
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
            .map(|c| {
                let staff = level
                    .workers
                    .iter()
                    .filter(|w| w.skills.contains_key(&c.id))
                    .count();
                let default_capacity = if c.deploy.is_some() { 1 } else { staff as u32 };
                CenterState {
                    queue: VecDeque::new(),
                    outbox: VecDeque::new(),
                    in_service: 0,
                    active_tasks: 0,
                    busy_workers: 0,
                    capacity: c.capacity.unwrap_or(default_capacity).max(1),
                    wip_limit: c.wip_limit,
                    stats: CenterStats::default(),
                }
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
            })
            .collect();
        let deploy_center = level.centers.iter().position(|c| c.deploy.is_some());
        let batch_size = deploy_center
            .and_then(|i| level.centers[i].deploy.as_ref())
            .map_or(1, |d| d.batch_size);
        let n_streams = level.arrivals.len();
        let mut sim = Simulation {
            seed,
            now: 0.0,
            end,
            events: BinaryHeap::new(),
            seq: 0,
            events_processed: 0,
            items: Vec::new(),
            free_slots: Vec::new(),
            next_item_id: 1,
            centers,
            deploy_center,
            workers,
            backlog: VecDeque::new(),
            blocked_items: 0,
            outages: Vec::new(),
            arrival_rngs: (0..n_streams)
                .map(|i| RandomStream::new(seed, Stream::Arrivals(i as u32)))
                .collect(),
            effort_rngs: (0..n_streams)
                .map(|i| RandomStream::new(seed, Stream::Efforts(i as u32)))
                .collect(),
            deploy_rng: RandomStream::new(seed, Stream::DeployFailures),
            setup_rng: RandomStream::new(seed, Stream::DeploySetup),
            outage_rng: RandomStream::new(seed, Stream::Outages),
            policy: Policy {
                protect_constraint: false,
                hold_work: false,
                batch_size,
            },
            commands: Vec::new(),
            totals: Totals::default(),
            samples: Vec::new(),
            next_sample_at: 0.0,
            level,
        };
        for i in 0..n_streams {
            let gap = sim.level.arrivals[i]
                .interarrival
                .sample(&mut sim.arrival_rngs[i]);
            sim.schedule(gap, EventKind::Arrival(i));
        }
        sim.schedule_next_outage();
        sim
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
        Ok(sim)
    }

    /// Applies a command log at the times it gives, advancing the clock as needed.
    ///
    /// # Errors
    /// As [`Simulation::replay`].
    pub fn apply_log(&mut self, commands: &[Command]) -> Result<(), String> {
        for (i, c) in commands.iter().enumerate() {
            if !c.at.is_finite() || c.at < self.now || c.at > self.end {
                return Err(format!(
                    "command {i}: time {} is outside [{}, {}] (sim minutes)",
                    c.at, self.now, self.end
                ));
            }
            self.advance_to(c.at);
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
    /// Whether the run has reached its end.
    pub fn is_finished(&self) -> bool {
        self.now >= self.end
    }
    /// The standing policies.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }
    /// Commands applied so far, each with its sim time.
    pub fn commands(&self) -> &[Command] {
        &self.commands
    }
    /// All outages so far, in id order.
    pub fn outages(&self) -> &[Outage] {
        &self.outages
    }
    /// Samples taken every [`SAMPLE_INTERVAL`] sim minutes, from time 0.
    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }
    /// Events processed so far.
    pub fn events_processed(&self) -> u64 {
        self.events_processed
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
    /// Current WIP limit of center `c`.
    pub fn wip_limit(&self, c: usize) -> Option<u32> {
        self.centers[c].wip_limit
    }

    /// Cost of unplanned work so far, money: every outage's cost per hour times the hours it
    /// has been (or was) unresolved.
    pub fn unplanned_cost(&self) -> f64 {
        let rate = self.cost_per_minute();
        let open: f64 = self
            .outages
            .iter()
            .filter(|o| o.resolved_at.is_none())
            .map(|o| (self.now - o.raised_at) * rate)
            .sum();
        self.totals.resolved_cost + open
    }

    /// Score so far, money: value of completed planned work − cost of unplanned work.
    pub fn score(&self) -> f64 {
        self.totals.value - self.unplanned_cost()
    }

    /// Running cost of one open outage so far, money.
    pub fn outage_cost(&self, o: &Outage) -> f64 {
        (o.resolved_at.unwrap_or(self.now) - o.raised_at) * self.cost_per_minute()
    }

    fn cost_per_minute(&self) -> f64 {
        self.level
            .outages
            .as_ref()
            .map_or(0.0, |o| o.cost_per_hour / 60.0)
    }

    /// The centers as the board draws them, in level order.
    pub fn center_views(&self) -> Vec<CenterView> {
        let view = |slot: &usize| {
            let it = self.items[*slot].as_ref().expect("live item");
            ItemView {
                id: it.id,
                work_type: it.work_type,
            }
        };
        let mut in_service: Vec<Vec<ItemView>> = vec![Vec::new(); self.centers.len()];
        for w in &self.workers {
            for t in w.current.iter().chain(w.paused.iter()) {
                match &t.kind {
                    TaskKind::Item { slot, center } => in_service[*center].push(view(slot)),
                    TaskKind::Deploy { center, slots } => {
                        in_service[*center].extend(slots.iter().map(view));
                    }
                    TaskKind::Outage { .. } => {}
                }
            }
        }
        self.centers
            .iter()
            .zip(in_service)
            .enumerate()
            .map(|(i, (c, serving))| {
                let spec = &self.level.centers[i];
                let staff = || self.workers.iter().filter(|w| w.skills[i].is_some());
                CenterView {
                    id: spec.id.clone(),
                    name: spec.name.clone(),
                    queue: c.queue.iter().map(view).collect(),
                    in_service: serving,
                    blocked: c.outbox.iter().map(view).collect(),
                    wip_limit: c.wip_limit,
                    is_deploy: spec.deploy.is_some(),
                    capacity: c.capacity,
                    utilization: self.center_utilization(i),
                    constraint_only: staff().all(|w| w.constraint),
                }
            })
            .collect()
    }

    /// The workers as the board draws them, in level order.
    pub fn worker_views(&self) -> Vec<WorkerView> {
        self.workers
            .iter()
            .map(|w| {
                let activity = match &w.current {
                    None => Activity::Idle,
                    Some(t) => match &t.kind {
                        TaskKind::Item { slot, center } => {
                            let it = self.items[*slot].as_ref().expect("live item");
                            Activity::Working {
                                center: *center,
                                work_type: it.work_type,
                                item: it.id,
                            }
                        }
                        TaskKind::Deploy { center, slots } => Activity::Deploying {
                            center: *center,
                            items: slots.len() as u32,
                        },
                        TaskKind::Outage { outage } => Activity::FixingOutage {
                            outage: self.outages[*outage].id,
                        },
                    },
                };
                let (planned, unplanned) = self.worker_busy(w);
                let t = self.now.max(f64::MIN_POSITIVE);
                WorkerView {
                    name: w.name.clone(),
                    constraint: w.constraint,
                    activity,
                    paused: w.paused.len(),
                    queued_outages: w.outage_queue.len(),
                    utilization: ((planned + unplanned) / t).min(1.0),
                    unplanned_share: (unplanned / t).min(1.0),
                    skills: (0..w.skills.len())
                        .filter(|c| w.skills[*c].is_some())
                        .collect(),
                    fixes_outages: w.outage_speed.is_some(),
                }
            })
            .collect()
    }

    /// Busy time of a worker so far (planned, unplanned), sim minutes, including the task in
    /// progress.
    fn worker_busy(&self, w: &WorkerState) -> (f64, f64) {
        let mut planned = w.busy_planned;
        let mut unplanned = w.busy_unplanned;
        if let Some(t) = &w.current {
            let d = self.now - t.resumed_at;
            match t.kind {
                TaskKind::Outage { .. } => unplanned += d,
                _ => planned += d,
            }
        }
        (planned, unplanned)
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

    pub(crate) fn worker_busy_by_index(&self, i: usize) -> (f64, f64) {
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
            samples: &'a [Sample],
        }
        let rng = self
            .arrival_rngs
            .iter()
            .chain(&self.effort_rngs)
            .chain([&self.deploy_rng, &self.setup_rng, &self.outage_rng])
            .map(|r| r.word_pos().to_string())
            .collect();
        let report = self.report();
        let d = Digestible {
            report: &report,
            events: self.events_processed,
            next_item: self.next_item_id,
            seq: self.seq,
            rng,
            outages: &self.outages,
            samples: &self.samples,
        };
        let bytes = serde_json::to_vec(&d).expect("state serializes");
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    // ----- time --------------------------------------------------------------------------

    /// Processes every event at or before `t` (clamped to the end of the run) and moves the
    /// clock to `t`. Calling it with a time in the past does nothing.
    pub fn advance_to(&mut self, t: SimTime) {
        let t = t.min(self.end);
        if t.is_nan() || t < self.now {
            return;
        }
        while let Some(ev) = self.events.peek() {
            if ev.time > t {
                break;
            }
            let ev = self.events.pop().expect("peeked");
            self.take_samples_until(ev.time);
            self.now = ev.time;
            self.events_processed += 1;
            self.handle(ev.kind);
        }
        self.take_samples_until(t);
        self.now = self.now.max(t);
    }

    fn take_samples_until(&mut self, t: SimTime) {
        while self.next_sample_at <= t {
            let at = self.next_sample_at;
            let saved = self.now;
            self.now = at.max(saved);
            self.samples.push(Sample {
                t: at,
                wip: self.wip(),
                backlog: self.backlog.len() as u32,
                completed: self.totals.completed[..3].iter().sum(),
                deploys: self.totals.deploys,
                open_outages: self
                    .outages
                    .iter()
                    .filter(|o| o.resolved_at.is_none())
                    .count() as u32,
                unplanned_cost: self.unplanned_cost(),
                score: self.score(),
            });
            self.now = saved;
            self.next_sample_at += SAMPLE_INTERVAL;
        }
    }

    fn schedule(&mut self, delay: SimTime, kind: EventKind) {
        self.seq += 1;
        self.events.push(Event {
            time: self.now + delay.max(0.0),
            seq: self.seq,
            kind,
        });
    }

    fn schedule_next_outage(&mut self) {
        if let Some(o) = &self.level.outages
            && o.base_rate_per_day > 0.0
        {
            let mean = self.level.calendar.minutes_per_day / o.base_rate_per_day;
            let gap = -mean * libm::log(self.outage_rng.uniform_open0());
            self.schedule(gap, EventKind::OutageStrike);
        }
    }

    fn handle(&mut self, kind: EventKind) {
        match kind {
            EventKind::Arrival(stream) => self.on_arrival(stream),
            EventKind::TaskDone { worker, token } => {
                if self.workers[worker].token != token {
                    return; // the task was paused or reassigned since
                }
                self.on_task_done(worker);
            }
            EventKind::OutageStrike => {
                let o = self
                    .level
                    .outages
                    .as_ref()
                    .expect("outage events need outages");
                let work = o.fix_effort.sample(&mut self.outage_rng);
                self.raise_outage(OutageCause::BaseRate, work);
                self.schedule_next_outage();
            }
        }
        self.flow();
        self.dispatch();
    }

    // ----- arrivals and flow ----------------------------------------------------------------

    fn on_arrival(&mut self, stream: usize) {
        let spec = &self.level.arrivals[stream];
        let work_type = spec.work_type;
        let rng = &mut self.effort_rngs[stream];
        let efforts = spec.route.iter().map(|s| s.effort.sample(rng)).collect();
        let gap = spec.interarrival.sample(&mut self.arrival_rngs[stream]);
        self.schedule(gap, EventKind::Arrival(stream));

        let item = Item {
            id: self.next_item_id,
            stream,
            work_type,
            step: 0,
            efforts,
            arrived_at: self.now,
            entered_center_at: self.now,
            place: Place::Backlog,
        };
        self.next_item_id += 1;
        self.totals.arrived[work_type.index()] += 1;
        let slot = match self.free_slots.pop() {
            Some(s) => {
                self.items[s] = Some(item);
                s
            }
            None => {
                self.items.push(Some(item));
                self.items.len() - 1
            }
        };
        let first = self.route_center(slot, 0);
        if !self.policy.hold_work && self.backlog.is_empty() && self.centers[first].has_room() {
            self.enter_center(slot, first);
        } else {
            self.backlog.push_back(slot);
            self.blocked_items += 1;
        }
    }

    fn item(&self, slot: usize) -> &Item {
        self.items[slot].as_ref().expect("live item")
    }
    fn item_mut(&mut self, slot: usize) -> &mut Item {
        self.items[slot].as_mut().expect("live item")
    }

    /// Center index of step `step` of the item in `slot`.
    fn route_center(&self, slot: usize, step: usize) -> usize {
        let it = self.item(slot);
        let name = &self.level.arrivals[it.stream].route[step].center;
        self.level.center_index(name).expect("validated route")
    }

    fn enter_center(&mut self, slot: usize, c: usize) {
        let now = self.now;
        self.centers[c].touch(now);
        self.centers[c].queue.push_back(slot);
        self.centers[c].stats.arrivals += 1;
        let it = self.item_mut(slot);
        it.entered_center_at = now;
        it.place = Place::Queue(c);
    }

    /// Records the item leaving center `c` (after `touch` and after it was taken out of the
    /// center's lists).
    fn leave_center(&mut self, slot: usize, c: usize) {
        let sojourn = self.now - self.item(slot).entered_center_at;
        let s = &mut self.centers[c].stats;
        s.completions += 1;
        s.sum_sojourn += sojourn;
    }

    /// Moves blocked items forward wherever the WIP limits now allow: outboxes first (finish
    /// before starting), then the backlog in arrival order.
    fn flow(&mut self) {
        if self.blocked_items == 0 {
            return;
        }
        loop {
            let mut moved = false;
            for c in 0..self.centers.len() {
                while let Some(&slot) = self.centers[c].outbox.front() {
                    let next = self.route_center(slot, self.item(slot).step);
                    if !self.centers[next].has_room() {
                        break;
                    }
                    self.centers[c].touch(self.now);
                    self.centers[c].outbox.pop_front();
                    self.blocked_items -= 1;
                    self.leave_center(slot, c);
                    self.enter_center(slot, next);
                    moved = true;
                }
            }
            if !self.policy.hold_work {
                let mut i = 0;
                while i < self.backlog.len() {
                    let slot = self.backlog[i];
                    let first = self.route_center(slot, 0);
                    if self.centers[first].has_room() {
                        self.backlog.remove(i);
                        self.blocked_items -= 1;
                        self.enter_center(slot, first);
                        moved = true;
                    } else {
                        i += 1;
                    }
                }
            }
            if !moved {
                break;
            }
        }
    }

    // ----- workers ---------------------------------------------------------------------------

    /// Gives outages and planned work to workers until nothing more can start.
    fn dispatch(&mut self) {
        for o in 0..self.outages.len() {
            if self.outages[o].state == OutageState::Open {
                if let Some(w) = self.choose_outage_worker() {
                    self.assign_outage(o, w);
                } else {
                    break;
                }
            }
        }
        loop {
            let mut started = false;
            for w in 0..self.workers.len() {
                if self.workers[w].current.is_none() && self.start_next(w) {
                    started = true;
                }
            }
            if !started {
                break;
            }
        }
    }

    /// Whether worker `w` is fixing or holding an outage.
    fn on_outage(&self, w: usize) -> bool {
        let ws = &self.workers[w];
        !ws.outage_queue.is_empty()
            || matches!(
                ws.current,
                Some(Task {
                    kind: TaskKind::Outage { .. },
                    ..
                })
            )
    }

    /// The standing rule for outages: the fastest capable worker who is not already fighting
    /// one (idle first among equals); while the constraint is protected, never a constraint
    /// worker if anyone else can fix outages.
    fn choose_outage_worker(&self) -> Option<usize> {
        let capable: Vec<usize> = (0..self.workers.len())
            .filter(|&w| self.workers[w].outage_speed.is_some())
            .collect();
        let others_exist = capable.iter().any(|&w| !self.workers[w].constraint);
        capable
            .into_iter()
            .filter(|&w| {
                !(self.policy.protect_constraint && self.workers[w].constraint && others_exist)
            })
            .filter(|&w| !self.on_outage(w))
            .max_by(|&a, &b| {
                let (wa, wb) = (&self.workers[a], &self.workers[b]);
                wa.outage_speed
                    .unwrap_or(0.0)
                    .total_cmp(&wb.outage_speed.unwrap_or(0.0))
                    .then(wb.current.is_some().cmp(&wa.current.is_some()))
                    .then(b.cmp(&a))
            })
    }

    fn assign_outage(&mut self, o: usize, w: usize) {
        self.outages[o].state = OutageState::Queued(w);
        self.workers[w].outage_queue.push_back(o);
        let interrupt = matches!(
            self.workers[w].current,
            Some(Task {
                kind: TaskKind::Item { .. } | TaskKind::Deploy { .. },
                ..
            })
        );
        if interrupt {
            self.pause_current(w);
        }
        if self.workers[w].current.is_none() {
            self.start_next(w);
        }
    }

    /// Stops the worker's current task, keeping the work left. Returns it.
    fn stop_current(&mut self, w: usize) -> Option<Task> {
        let now = self.now;
        let mut task = self.workers[w].current.take()?;
        let elapsed = now - task.resumed_at;
        task.remaining = (task.remaining - elapsed * task.speed).max(0.0);
        self.workers[w].token += 1;
        match task.kind {
            TaskKind::Outage { outage } => {
                self.workers[w].busy_unplanned += elapsed;
                self.outages[outage].remaining = task.remaining;
            }
            _ => {
                self.workers[w].busy_planned += elapsed;
                let c = task.center().expect("planned task has a center");
                self.centers[c].touch(now);
                self.centers[c].busy_workers -= 1;
            }
        }
        Some(task)
    }

    fn pause_current(&mut self, w: usize) {
        if let Some(task) = self.stop_current(w) {
            self.workers[w].paused.push(task);
        }
    }

    fn begin(&mut self, w: usize, mut task: Task) {
        let now = self.now;
        task.resumed_at = now;
        if let Some(c) = task.center() {
            self.centers[c].touch(now);
            self.centers[c].busy_workers += 1;
        }
        let delay = task.remaining / task.speed;
        self.workers[w].token += 1;
        let token = self.workers[w].token;
        self.workers[w].current = Some(task);
        self.schedule(delay, EventKind::TaskDone { worker: w, token });
    }

    /// Starts the next task of an idle worker: an assigned outage, else interrupted work,
    /// else the oldest waiting item at a center the worker may staff.
    fn start_next(&mut self, w: usize) -> bool {
        if let Some(o) = self.workers[w].outage_queue.pop_front() {
            let speed = self.workers[w]
                .outage_speed
                .expect("assigned outages need the skill");
            self.outages[o].state = OutageState::InWork(w);
            let task = Task {
                kind: TaskKind::Outage { outage: o },
                remaining: self.outages[o].remaining,
                speed,
                resumed_at: self.now,
            };
            self.begin(w, task);
            return true;
        }
        if let Some(task) = self.workers[w].paused.pop() {
            self.begin(w, task);
            return true;
        }
        let Some(c) = self.pick_center(w) else {
            return false;
        };
        let speed = self.workers[w].skills[c].expect("skilled");
        let now = self.now;
        self.centers[c].touch(now);
        if Some(c) == self.deploy_center {
            let n = self.policy.batch_size as usize;
            let slots: Vec<usize> = self.centers[c].queue.drain(..n).collect();
            for &s in &slots {
                self.record_service_start(s, c);
            }
            let d = self.level.centers[c]
                .deploy
                .as_ref()
                .expect("deploy center");
            let (setup, per_item) = (d.setup.clone(), d.per_item);
            let work = setup.sample(&mut self.setup_rng) + per_item * n as f64;
            self.centers[c].in_service += n as u32;
            self.centers[c].active_tasks += 1;
            let task = Task {
                kind: TaskKind::Deploy { center: c, slots },
                remaining: work,
                speed,
                resumed_at: now,
            };
            self.begin(w, task);
        } else {
            let slot = self.centers[c]
                .queue
                .pop_front()
                .expect("picked a non-empty queue");
            self.record_service_start(slot, c);
            self.centers[c].in_service += 1;
            self.centers[c].active_tasks += 1;
            let it = self.item(slot);
            let work = it.efforts[it.step];
            let task = Task {
                kind: TaskKind::Item { slot, center: c },
                remaining: work,
                speed,
                resumed_at: now,
            };
            self.begin(w, task);
        }
        true
    }

    fn record_service_start(&mut self, slot: usize, c: usize) {
        let wait = self.now - self.item(slot).entered_center_at;
        let s = &mut self.centers[c].stats;
        s.started += 1;
        s.sum_wait += wait;
        self.item_mut(slot).place = Place::Service(c);
    }

    /// The center whose waiting work worker `w` should take next: among centers the worker
    /// may staff that have a free slot and ready work (a full batch at the deploy step), the
    /// one whose oldest item has waited longest.
    fn pick_center(&self, w: usize) -> Option<usize> {
        let ws = &self.workers[w];
        let protected = self.policy.protect_constraint && ws.constraint;
        let mut best: Option<(f64, usize)> = None;
        for (c, center) in self.centers.iter().enumerate() {
            if ws.skills[c].is_none() || center.active_tasks >= center.capacity {
                continue;
            }
            if protected
                && self
                    .workers
                    .iter()
                    .any(|o| !o.constraint && o.skills[c].is_some())
            {
                continue; // someone else can do this: leave it to them
            }
            let ready = if Some(c) == self.deploy_center {
                center.queue.len() >= self.policy.batch_size as usize
            } else {
                !center.queue.is_empty()
            };
            if !ready {
                continue;
            }
            let age = self.item(center.queue[0]).entered_center_at;
            if best.is_none_or(|(a, _)| age < a) {
                best = Some((age, c));
            }
        }
        best.map(|(_, c)| c)
    }

    fn on_task_done(&mut self, w: usize) {
        let task = self.stop_current(w).expect("a finishing worker has a task");
        match task.kind {
            TaskKind::Outage { outage } => self.resolve_outage(outage),
            TaskKind::Item { slot, center } => {
                self.centers[center].in_service -= 1;
                self.centers[center].active_tasks -= 1;
                self.finish_step(slot, center);
            }
            TaskKind::Deploy { center, slots } => {
                let n = slots.len() as u32;
                self.centers[center].in_service -= n;
                self.centers[center].active_tasks -= 1;
                for slot in slots {
                    self.finish_step(slot, center);
                }
                self.totals.deploys += 1;
                self.totals.deployed_items += u64::from(n);
                let p = self.level.centers[center]
                    .deploy
                    .as_ref()
                    .expect("deploy")
                    .failure_probability;
                let p_fail = 1.0 - libm::pow(1.0 - p, f64::from(n));
                if self.deploy_rng.uniform() < p_fail {
                    self.totals.failed_deploys += 1;
                    let o = self
                        .level
                        .outages
                        .as_ref()
                        .expect("validated: failing deploys need outages");
                    let work = o.fix_effort.sample(&mut self.deploy_rng)
                        + o.fix_effort_per_change * f64::from(n);
                    self.raise_outage(OutageCause::FailedDeploy { changes: n }, work);
                }
            }
        }
    }

    /// The item in `slot` has finished its step at center `c` (already out of service).
    fn finish_step(&mut self, slot: usize, c: usize) {
        self.item_mut(slot).step += 1;
        let it = self.item(slot);
        if it.step == it.efforts.len() {
            self.leave_center(slot, c);
            let it = self.items[slot].take().expect("live item");
            self.free_slots.push(slot);
            let t = it.work_type.index();
            self.totals.completed[t] += 1;
            self.totals.value += self.level.arrivals[it.stream].value;
            self.totals.lead_times.push(self.now - it.arrived_at);
            return;
        }
        let next = self.route_center(slot, it.step);
        if self.centers[next].has_room() {
            self.leave_center(slot, c);
            self.enter_center(slot, next);
        } else {
            self.centers[c].outbox.push_back(slot);
            self.blocked_items += 1;
            self.item_mut(slot).place = Place::Outbox(c);
        }
    }

    // ----- outages -----------------------------------------------------------------------------

    fn raise_outage(&mut self, cause: OutageCause, work: f64) {
        let id = self.outages.len() as u64 + 1;
        self.totals.arrived[WorkType::Unplanned.index()] += 1;
        self.outages.push(Outage {
            id,
            raised_at: self.now,
            resolved_at: None,
            cause,
            work,
            remaining: work,
            state: OutageState::Open,
        });
    }

    fn resolve_outage(&mut self, o: usize) {
        let now = self.now;
        let cost = (now - self.outages[o].raised_at) * self.cost_per_minute();
        let out = &mut self.outages[o];
        out.resolved_at = Some(now);
        out.remaining = 0.0;
        out.state = OutageState::Resolved;
        self.totals.restore_time_sum += now - out.raised_at;
        self.totals.resolved_cost += cost;
        self.totals.completed[WorkType::Unplanned.index()] += 1;
    }

    /// Takes an unresolved outage away from whoever holds it; it becomes `Open`.
    fn release_outage(&mut self, o: usize) {
        match self.outages[o].state {
            OutageState::InWork(w) => {
                self.stop_current(w);
            }
            OutageState::Queued(w) => self.workers[w].outage_queue.retain(|&x| x != o),
            _ => {}
        }
        self.outages[o].state = OutageState::Open;
    }

    // ----- commands ------------------------------------------------------------------------------

    /// Applies a player's decision now, and logs it with the current sim time.
    ///
    /// # Errors
    /// A [`CommandError`] (and no change) when the command names an unknown center, worker or
    /// outage, sets a number out of range, or asks the impossible (a worker who cannot fix
    /// outages, an outage already fixed, a run that has ended).
    pub fn apply(&mut self, action: Action) -> Result<(), CommandError> {
        let fail = |m: String| Err(CommandError(m));
        if self.is_finished() {
            return fail("the run has ended".into());
        }
        match &action {
            Action::SetWipLimit { center, limit } => {
                let Some(c) = self.level.center_index(center) else {
                    return fail(format!("unknown center {center:?}"));
                };
                if Some(c) == self.deploy_center {
                    return fail(
                        "the deploy step is governed by its batch size, not a WIP limit".into(),
                    );
                }
                if *limit == Some(0) {
                    return fail("a WIP limit must be at least 1".into());
                }
                self.centers[c].wip_limit = *limit;
            }
            Action::SetBatchSize { size } => {
                if self.deploy_center.is_none() {
                    return fail("this level has no deploy step".into());
                }
                if *size == 0 || *size > MAX_BATCH {
                    return fail(format!(
                        "batch size must be in [1, {MAX_BATCH}], got {size}"
                    ));
                }
                self.policy.batch_size = *size;
            }
            Action::ProtectConstraint { on } => self.policy.protect_constraint = *on,
            Action::HoldWork { hold } => self.policy.hold_work = *hold,
            Action::Triage { outage, to } => {
                let Some(o) = self.outages.iter().position(|x| x.id == *outage) else {
                    return fail(format!("no outage #{outage}"));
                };
                if self.outages[o].state == OutageState::Resolved {
                    return fail(format!("outage #{outage} is already fixed"));
                }
                let target = match to {
                    Assignee::Worker(name) => {
                        let Some(w) = self.worker_index(name) else {
                            return fail(format!("no worker named {name:?}"));
                        };
                        if self.workers[w].outage_speed.is_none() {
                            return fail(format!("{name} cannot fix outages"));
                        }
                        Some(w)
                    }
                    _ => None,
                };
                self.release_outage(o);
                match (to, target) {
                    (Assignee::Defer, _) => self.outages[o].state = OutageState::Deferred,
                    (_, Some(w)) => self.assign_outage(o, w),
                    _ => {}
                }
            }
        }
        self.commands.push(Command {
            at: self.now,
            action,
        });
        self.flow();
        self.dispatch();
        Ok(())
    }
}
