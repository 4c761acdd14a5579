//! What the board draws of the value stream: read-only views of centers, workers and items,
//! computed on demand. Each mechanic's own view lives in its module (the board's in
//! [`super::change_board`], outages in [`super::incidents`], improvement work in
//! [`super::improvements`], the backlog in [`super::release`]).

use super::{Place, SimTime, Simulation, TaskKind};
use crate::sim::Action;
use crate::sim::level::{Risk, WorkType};

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
    /// Serving a batch of this many items (a deploy, at the deploy step).
    Batch { center: usize, items: u32 },
    /// Diagnosing or fixing an outage (its id).
    FixingOutage { outage: u64 },
    /// Improvement work or a postmortem (the job's id).
    Improving { job: u64 },
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
    /// Fraction of elapsed sim time spent on improvement work, 0–1.
    pub improving_share: f64,
    /// (center index, speed) of every center this worker can staff.
    pub skills: Vec<(usize, f64)>,
    /// Speed at fixing outages, if the worker can.
    pub outage_speed: Option<f64>,
}

/// An item on the board.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemView {
    /// Sequential id, from 1.
    pub id: u64,
    /// Type of work (its color on the board).
    pub work_type: WorkType,
    /// Risk class (shown for changes at the deploy step).
    pub risk: Risk,
    /// Whether it was expedited.
    pub expedited: bool,
    /// Whether it is past its due date.
    pub late: bool,
}

/// A work center as the board shows it.
#[derive(Clone, Debug)]
pub struct CenterView {
    /// Center id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Waiting for service, in the order they will be served.
    pub queue: Vec<ItemView>,
    /// Changes waiting for the change advisory board (deploy step).
    pub awaiting_approval: Vec<ItemView>,
    /// In service (being worked, paused, or in a running batch).
    pub in_service: Vec<ItemView>,
    /// Done here, blocked: the next center has no room.
    pub blocked: Vec<ItemView>,
    /// Current WIP limit.
    pub wip_limit: Option<u32>,
    /// Queue capacity, if finite.
    pub buffer: Option<u32>,
    /// Current batch size, for a batch center or the deploy step.
    pub batch: Option<u32>,
    /// Whether this is the deploy step.
    pub is_deploy: bool,
    /// Whether items skip this step now.
    pub skipped: bool,
    /// Whether the level lets the player skip it.
    pub skippable: bool,
    /// Parallel slots.
    pub capacity: u32,
    /// Utilization so far, 0–1 (see [`crate::sim::CenterReport::utilization`]).
    pub utilization: f64,
    /// Whether only constraint workers have this skill.
    pub constraint_only: bool,
}

/// Where an item is, for the board's inspector (center indices in level order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemPlace {
    /// Arrived, not yet released into the value stream.
    Backlog,
    /// At the deploy step, waiting for the change advisory board.
    AwaitingApproval(usize),
    /// Waiting in a center's queue.
    Queue(usize),
    /// In service at a center (worked, paused, or in a running batch).
    Service(usize),
    /// Done at a center, blocked: the next center has no room.
    Blocked(usize),
}

/// One item in detail, for the board's inspector: what it is, where it goes, how long it
/// has been under way, and whether it may be expedited or refused now.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemDetail {
    /// The item as the board draws it.
    pub item: ItemView,
    /// The arrival stream it came from (its name).
    pub stream: String,
    /// Its route: center indices in the order it visits them.
    pub route: Vec<usize>,
    /// Steps of the route completed (0: none yet).
    pub step: usize,
    /// Where it is now.
    pub place: ItemPlace,
    /// Sim minutes since it arrived (its lead time so far).
    pub age: f64,
    /// Sim minutes since it entered its current center (for the backlog: since it arrived):
    /// its wait there so far, or its time in service.
    pub here: f64,
    /// Sim minutes it spent in the backlog before its release (so far, if it is there).
    /// With [`visits`](Self::visits) it makes up its age: `age = in_backlog + Σ (wait +
    /// after)`, as an item moves from one place to the next at one instant.
    pub in_backlog: f64,
    /// Its visits to the centers of its route so far, in order, the current one last
    /// (empty in the backlog).
    pub visits: Vec<Visit>,
    /// Sim minute it is due, if it has a due date.
    pub due_at: Option<SimTime>,
    /// Whether [`Action::Expedite`] would be accepted now, or why not (the same checks as
    /// the command).
    pub expedite: Result<(), String>,
    /// Whether [`Action::Refuse`] would be accepted now, or why not (the same checks as
    /// the command).
    pub refuse: Result<(), String>,
}

/// An item's visit to one work center, sim minutes (so far, while it is there).
///
/// `wait + after` is the visit's sojourn (time in the center), the quantity whose mean over
/// a center's completions is its W in Little's law (L = λW).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Visit {
    /// The center (index into the level's centers).
    pub center: usize,
    /// Queue wait: from entering the center (its queue, or at the deploy step the change
    /// board's list) until its service began, or until now if it has not begun.
    pub wait: f64,
    /// From its service beginning until it left the center (service, and blocked time when
    /// the next center had no room), or until now if it is still there; 0 while waiting.
    pub after: f64,
    /// Whether it has left the center.
    pub done: bool,
}

impl Simulation {
    /// Item `id` in detail, if it is in the value stream or the backlog now (`None` once it
    /// is done or refused, or for an id never seen). A linear search over the live items.
    pub fn item_detail(&self, id: u64) -> Option<ItemDetail> {
        let slot = self.find_item(id)?;
        let it = self.item(slot);
        let place = match it.place {
            Place::Backlog => ItemPlace::Backlog,
            Place::Approval(c) => ItemPlace::AwaitingApproval(c),
            Place::Queue(c) => ItemPlace::Queue(c),
            Place::Service(c) => ItemPlace::Service(c),
            Place::Outbox(c) => ItemPlace::Blocked(c),
        };
        let open = |a: Action| self.run_open().and_then(|()| self.decision_open(&a));
        Some(ItemDetail {
            item: self.item_view(slot),
            stream: self.level.arrivals[it.stream].name.clone(),
            route: self.routing.routes[it.route].clone(),
            step: it.step,
            place,
            age: self.now - it.arrived_at,
            here: self.now
                - if place == ItemPlace::Backlog {
                    it.arrived_at
                } else {
                    it.entered_center_at
                },
            in_backlog: it.stays.first().map_or(self.now, |s| s.entered) - it.arrived_at,
            visits: it
                .stays
                .iter()
                .map(|s| {
                    let started = s.started.unwrap_or(self.now);
                    Visit {
                        center: s.center,
                        wait: started - s.entered,
                        after: s.left.unwrap_or(self.now) - started,
                        done: s.left.is_some(),
                    }
                })
                .collect(),
            due_at: it.due_at,
            expedite: open(Action::Expedite { item: id }).and(self.expedite_arg(id).map(|_| ())),
            refuse: open(Action::Refuse { item: id }).and(self.refuse_arg(id).map(|_| ())),
        })
    }

    pub(super) fn item_view(&self, slot: usize) -> ItemView {
        let it = self.item(slot);
        ItemView {
            id: it.id,
            work_type: it.work_type,
            risk: it.risk,
            expedited: it.expedited,
            late: it.due_at.is_some_and(|d| self.now > d),
        }
    }

    /// The centers as the board draws them, in level order.
    pub fn center_views(&self) -> Vec<CenterView> {
        let mut in_service: Vec<Vec<ItemView>> = vec![Vec::new(); self.centers.len()];
        for w in &self.workers {
            for t in w.current.iter().chain(w.paused.iter()) {
                match &t.kind {
                    TaskKind::Item { slot, center } => {
                        in_service[*center].push(self.item_view(*slot));
                    }
                    TaskKind::Batch { center, batch } => {
                        in_service[*center].extend(
                            self.deploys.batches[*batch]
                                .iter()
                                .map(|&s| self.item_view(s)),
                        );
                    }
                    TaskKind::Outage { .. } | TaskKind::Job { .. } => {}
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
                    queue: c.queue.iter().map(|&s| self.item_view(s)).collect(),
                    awaiting_approval: c.awaiting.iter().map(|&s| self.item_view(s)).collect(),
                    in_service: serving,
                    blocked: c.outbox.iter().map(|&s| self.item_view(s)).collect(),
                    wip_limit: c.wip_limit,
                    buffer: c.buffer,
                    batch: c.batch,
                    is_deploy: spec.deploy.is_some(),
                    skipped: c.skipped,
                    skippable: spec.skippable,
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
                            let it = self.item(*slot);
                            Activity::Working {
                                center: *center,
                                work_type: it.work_type,
                                item: it.id,
                            }
                        }
                        TaskKind::Batch { center, batch } => Activity::Batch {
                            center: *center,
                            items: self.deploys.batches[*batch].len() as u32,
                        },
                        TaskKind::Outage { outage } => Activity::FixingOutage {
                            outage: self.incidents.outages[*outage].id,
                        },
                        TaskKind::Job { job } => Activity::Improving {
                            job: self.improvements.jobs[*job].id,
                        },
                    },
                };
                let (planned, unplanned, improving) = self.worker_busy(w);
                let t = self.now.max(f64::MIN_POSITIVE);
                WorkerView {
                    name: w.name.clone(),
                    constraint: w.constraint,
                    activity,
                    paused: w.paused.len(),
                    queued_outages: w.outage_queue.len(),
                    utilization: ((planned + unplanned) / t).min(1.0),
                    unplanned_share: (unplanned / t).min(1.0),
                    improving_share: (improving / t).min(1.0),
                    skills: w
                        .skills
                        .iter()
                        .enumerate()
                        .filter_map(|(c, s)| s.map(|s| (c, s)))
                        .collect(),
                    outage_speed: w.outage_speed,
                }
            })
            .collect()
    }
}

/// Whether the job at `index` is the worker's current task (not a paused one).
pub(super) fn w_is_current(worker: Option<&super::WorkerState>, index: usize) -> bool {
    worker.is_some_and(|w| {
        w.current
            .as_ref()
            .is_some_and(|t| matches!(t.kind, TaskKind::Job { job } if job == index))
    })
}
