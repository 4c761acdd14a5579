//! The entities of the queueing model: work items (the customers), work centers (a queue in
//! front of parallel servers, with its time-weighted statistics), workers (the servers, who
//! may staff several centers) and the tasks they work on.

use std::collections::VecDeque;

use super::SimTime;
use super::stats::CenterStats;
use crate::sim::level::{CenterSpec, Level, OUTAGE_SKILL, Risk, WorkType, WorkerSpec};

/// Where a work item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Place {
    Backlog,
    /// At the deploy step, waiting for the change advisory board.
    Approval(usize),
    Queue(usize),
    Service(usize),
    Outbox(usize),
}

/// One stay of an item at a work center (for the inspector's waits; no rule reads it).
#[derive(Clone, Copy, Debug)]
pub(super) struct Stay {
    pub(super) center: usize,
    /// Sim minute it entered the center (its queue, or the change board's list).
    pub(super) entered: SimTime,
    /// Sim minute its service began, if it has.
    pub(super) started: Option<SimTime>,
    /// Sim minute it left the center, if it has.
    pub(super) left: Option<SimTime>,
}

#[derive(Clone, Debug)]
pub(super) struct Item {
    pub(super) id: u64,
    pub(super) stream: usize,
    /// The route it follows (index into the routing's routes).
    pub(super) route: usize,
    pub(super) work_type: WorkType,
    pub(super) step: usize,
    /// Work of each step at nominal speed, sim minutes, drawn on arrival.
    pub(super) efforts: Vec<f64>,
    pub(super) arrived_at: SimTime,
    pub(super) entered_center_at: SimTime,
    /// Its stays at the centers of its route so far, in order (cleared on arrival; the
    /// slot's capacity is kept for the next item).
    pub(super) stays: Vec<Stay>,
    pub(super) place: Place,
    pub(super) risk: Risk,
    /// Index into the level's systems.
    pub(super) system: usize,
    pub(super) due_at: Option<SimTime>,
    pub(super) expedited: bool,
    /// Reached the deploy step while changes bypassed the board.
    pub(super) off_board: bool,
    /// Whether the slot holds a live item (else it is free for the next arrival).
    pub(super) live: bool,
}

impl Item {
    /// An empty slot.
    pub(super) fn vacant() -> Self {
        Self {
            id: 0,
            stream: 0,
            route: 0,
            work_type: WorkType::Business,
            step: 0,
            efforts: Vec::new(),
            arrived_at: 0.0,
            entered_center_at: 0.0,
            stays: Vec::new(),
            place: Place::Backlog,
            risk: Risk::Standard,
            system: 0,
            due_at: None,
            expedited: false,
            off_board: false,
            live: false,
        }
    }
}

/// What a worker's task is about. Small and `Copy`: tasks move on every start and stop.
#[derive(Clone, Copy, Debug)]
pub(super) enum TaskKind {
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
pub(super) struct Task {
    pub(super) kind: TaskKind,
    /// Work left at nominal speed, sim minutes, as of `resumed_at`.
    pub(super) remaining: f64,
    pub(super) speed: f64,
    pub(super) resumed_at: SimTime,
    /// Setup work left at nominal speed, sim minutes, as of `resumed_at` (a batch's setup
    /// comes first; 0 for every other task). Recorded for the debrief only.
    pub(super) setup: f64,
}

impl Task {
    pub(super) fn center(&self) -> Option<usize> {
        match self.kind {
            TaskKind::Item { center, .. } | TaskKind::Batch { center, .. } => Some(center),
            TaskKind::Outage { .. } | TaskKind::Job { .. } => None,
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct WorkerState {
    pub(super) name: String,
    /// Speed at each center, by center index; `None`: cannot work there.
    pub(super) skills: Vec<Option<f64>>,
    pub(super) outage_speed: Option<f64>,
    pub(super) constraint: bool,
    pub(super) current: Option<Task>,
    pub(super) paused: Vec<Task>,
    pub(super) outage_queue: VecDeque<usize>,
    pub(super) token: u64,
    pub(super) busy_planned: f64,
    pub(super) busy_unplanned: f64,
    /// Part of `busy_planned` spent on improvement jobs, sim minutes.
    pub(super) busy_improving: f64,
    /// Part of `busy_planned` spent on setups, sim minutes (debrief only).
    pub(super) busy_setup: f64,
    /// Idle time with work waiting at their posts that could not start, sim minutes, up to
    /// `blocked_since` (debrief only).
    pub(super) busy_blocked: f64,
    /// Since when the worker has been idle and blocked, if they are now.
    pub(super) blocked_since: Option<SimTime>,
}

#[derive(Clone, Debug)]
pub(super) struct CenterState {
    pub(super) queue: VecDeque<usize>,
    /// Changes waiting for the change advisory board (deploy step only).
    pub(super) awaiting: VecDeque<usize>,
    pub(super) outbox: VecDeque<usize>,
    /// Items in service (including paused ones and the items of a running batch).
    pub(super) in_service: u32,
    /// Tasks occupying a slot (a batch is one task for all its items).
    pub(super) active_tasks: u32,
    /// Workers actively working here now.
    pub(super) busy_workers: u32,
    pub(super) capacity: u32,
    /// Whether the level fixed the capacity (else it follows the number of staff).
    pub(super) wip_limit: Option<u32>,
    pub(super) buffer: Option<u32>,
    /// Batch size of a batch center or the deploy step.
    pub(super) batch: Option<u32>,
    /// Factor on the setup time (deployment automation).
    pub(super) setup_factor: f64,
    /// Whether items skip this step now.
    pub(super) skipped: bool,
    pub(super) stats: CenterStats,
}

impl CenterState {
    pub(super) fn wip(&self) -> u32 {
        (self.queue.len() + self.awaiting.len() + self.outbox.len()) as u32 + self.in_service
    }
    /// Slots in use: tasks, plus finished items blocked on their slot (a batch center's
    /// blocked items hold the one slot of their batch).
    pub(super) fn slots_used(&self) -> u32 {
        let blocked = if self.batch.is_some() {
            u32::from(!self.outbox.is_empty())
        } else {
            self.outbox.len() as u32
        };
        self.active_tasks + blocked
    }
    /// The levels the time-weighted areas integrate: (queued, in the center, busy workers,
    /// blocked), in items or workers.
    pub(super) fn levels(&self) -> [f64; 4] {
        [
            (self.queue.len() + self.awaiting.len()) as f64,
            f64::from(self.wip()),
            f64::from(self.busy_workers),
            self.outbox.len() as f64,
        ]
    }
    /// Brings the time-weighted areas up to `now` before the state changes.
    pub(super) fn touch(&mut self, now: SimTime) {
        // Most touches within one event find the areas already up to date.
        if now > self.stats.last_change {
            let levels = self.levels();
            integrate(&mut self.stats, levels, now);
        }
    }
    /// The stats with the time-weighted areas integrated up to `now`, leaving `self` as is.
    pub(super) fn stats_at(&self, now: SimTime) -> CenterStats {
        let mut s = self.stats.clone();
        integrate(&mut s, self.levels(), now);
        s
    }
}

/// Adds `levels × (now − last_change)` to the areas of `s` (queue, in system, busy,
/// blocked) and moves `last_change` to `now`.
pub(super) fn integrate(s: &mut CenterStats, [queued, wip, busy, blocked]: [f64; 4], now: SimTime) {
    let dt = now - s.last_change;
    if dt > 0.0 {
        s.area_queue += queued * dt;
        s.area_in_system += wip * dt;
        s.area_busy += busy * dt;
        s.area_blocked += blocked * dt;
        s.last_change = now;
    }
}

impl WorkerState {
    /// A worker of `level` as specified, idle, at the start of a run.
    pub(super) fn new(level: &Level, w: &WorkerSpec) -> Self {
        Self {
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
            busy_setup: 0.0,
            busy_blocked: 0.0,
            blocked_since: None,
        }
    }
}

impl CenterState {
    /// A center as specified, empty, at the start of a run (capacity set afterwards).
    pub(super) fn new(c: &CenterSpec) -> Self {
        Self {
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
        }
    }
}
