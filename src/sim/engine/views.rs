//! What the board draws: read-only views of the state, computed on demand.

use super::{JobKind, Outage, OutageState, SimTime, Simulation, TaskKind};
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
    /// Whether this is the drum of drum-buffer-rope.
    pub is_drum: bool,
}

/// Where a detected outage is in the incident procedure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutagePhase {
    /// Waiting for a worker.
    Waiting,
    /// Finding the cause.
    Diagnosing,
    /// Fixing it.
    Fixing,
    /// Fixed.
    Resolved,
}

/// An improvement as the controls show it.
#[derive(Clone, Debug)]
pub struct ImprovementView {
    /// Id, for [`crate::sim::Action::FundImprovement`].
    pub id: String,
    /// Display name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// Rounds funded (queued, in work or done).
    pub funded: u32,
    /// Rounds done.
    pub done: u32,
    /// Most rounds possible.
    pub max_rounds: u32,
    /// Mean work of a round, sim minutes.
    pub mean_work: f64,
}

/// A job waiting or in work, for the controls.
#[derive(Clone, Debug)]
pub struct JobView {
    /// Id.
    pub id: u64,
    /// Label: the improvement's name or "Postmortem of #n".
    pub label: String,
    /// Who works on it, if anyone.
    pub worker: Option<String>,
    /// Fraction done, 0–1.
    pub progress: f64,
}

/// The change advisory board as the controls show it.
#[derive(Clone, Debug)]
pub struct BoardView {
    /// Workdays between meetings.
    pub every_days: f64,
    /// Next meeting, sim minutes.
    pub next_meeting: Option<SimTime>,
    /// Changes waiting for it.
    pub waiting: usize,
    /// Whether standard changes are pre-approved.
    pub pre_approve_standard: bool,
    /// Whether changes bypass it now.
    pub bypass: bool,
    /// Whether the level allows bypassing it.
    pub bypass_allowed: bool,
}

impl Simulation {
    fn item_view(&self, slot: usize) -> ItemView {
        let it = self.item(slot);
        ItemView {
            id: it.id,
            work_type: it.work_type,
            risk: it.risk,
            expedited: it.expedited,
            late: it.due_at.is_some_and(|d| self.now > d),
        }
    }

    /// Items waiting in the backlog, in release order.
    pub fn backlog_views(&self) -> Vec<ItemView> {
        self.backlog.iter().map(|&s| self.item_view(s)).collect()
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
                        in_service[*center]
                            .extend(self.batches[*batch].iter().map(|&s| self.item_view(s)));
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
                    is_drum: self.drum == Some(i),
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
                            items: self.batches[*batch].len() as u32,
                        },
                        TaskKind::Outage { outage } => Activity::FixingOutage {
                            outage: self.outages[*outage].id,
                        },
                        TaskKind::Job { job } => Activity::Improving {
                            job: self.jobs[*job].id,
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

    /// Detected outages, in id order: what the player knows about.
    pub fn known_outages(&self) -> impl Iterator<Item = &Outage> {
        self.outages
            .iter()
            .filter(|o| o.state != OutageState::Undetected)
    }

    /// Detected outages not yet fixed, in id order: what the player must triage. Reads only
    /// the unresolved outages, not the run's whole history.
    pub fn open_outages(&self) -> impl Iterator<Item = &Outage> {
        self.unresolved
            .iter()
            .map(|&o| &self.outages[o])
            .filter(|o| o.state != OutageState::Undetected)
    }

    /// What one outage costs per hour while it is unresolved, money (the level's
    /// `outages.cost_per_hour`; 0 without outages).
    pub fn outage_cost_per_hour(&self) -> f64 {
        self.cost_per_minute() * 60.0
    }

    /// Where an outage is in the incident procedure, with the work left in its phase (sim
    /// minutes at nominal speed, as of its last pause or assignment; the running one is
    /// computed to now).
    pub fn outage_phase(&self, o: &Outage) -> (OutagePhase, f64) {
        let remaining = match o.state {
            OutageState::InWork(w) => match &self.workers[w].current {
                Some(t) => (t.remaining - (self.now - t.resumed_at) * t.speed).max(0.0),
                None => o.remaining,
            },
            _ => o.remaining,
        };
        let fix = o.work - o.diagnosis;
        match o.state {
            OutageState::Resolved => (OutagePhase::Resolved, 0.0),
            OutageState::InWork(_) if remaining > fix => (OutagePhase::Diagnosing, remaining - fix),
            OutageState::InWork(_) => (OutagePhase::Fixing, remaining),
            _ => (OutagePhase::Waiting, remaining),
        }
    }

    /// The level's improvements with their rounds, in level order.
    pub fn improvement_views(&self) -> Vec<ImprovementView> {
        self.level
            .improvements
            .iter()
            .enumerate()
            .map(|(i, m)| ImprovementView {
                id: m.id.clone(),
                name: m.name.clone(),
                description: m.description.clone(),
                funded: self.rounds_funded[i],
                done: self.rounds_done[i],
                max_rounds: m.max_rounds,
                mean_work: m.work.mean(),
            })
            .collect()
    }

    /// Improvement jobs and postmortems not yet done, in funding order.
    pub fn open_jobs(&self) -> Vec<JobView> {
        self.jobs
            .iter()
            .enumerate()
            .filter(|(_, j)| j.done_at.is_none())
            .map(|(index, j)| {
                let worker = self.workers.iter().find(|w| {
                    w.current
                        .iter()
                        .chain(&w.paused)
                        .any(|t| matches!(t.kind, TaskKind::Job { job } if job == index))
                });
                let remaining = worker
                    .and_then(|w| {
                        w.current
                            .iter()
                            .chain(&w.paused)
                            .find(|t| matches!(t.kind, TaskKind::Job { job } if job == index))
                    })
                    .map_or(j.work, |t| {
                        if w_is_current(worker, index) {
                            (t.remaining - (self.now - t.resumed_at) * t.speed).max(0.0)
                        } else {
                            t.remaining
                        }
                    });
                JobView {
                    id: j.id,
                    label: match j.kind {
                        JobKind::Improvement(i) => self.level.improvements[i].name.clone(),
                        JobKind::Postmortem(o) => {
                            format!("Postmortem of outage #{}", self.outages[o].id)
                        }
                    },
                    worker: worker.map(|w| w.name.clone()),
                    progress: if j.work > 0.0 {
                        (1.0 - remaining / j.work).clamp(0.0, 1.0)
                    } else {
                        0.0
                    },
                }
            })
            .collect()
    }

    /// The change advisory board, if the level has one.
    pub fn board_view(&self) -> Option<BoardView> {
        let every_days = self.policy.board_every_days?;
        Some(BoardView {
            every_days,
            next_meeting: self.board_next,
            waiting: self
                .deploy_center
                .map_or(0, |c| self.centers[c].awaiting.len()),
            pre_approve_standard: self.policy.pre_approve_standard,
            bypass: self.policy.bypass_board,
            bypass_allowed: self
                .level
                .changes
                .as_ref()
                .is_some_and(|c| c.off_board_allowed),
        })
    }
}

/// Whether the job at `index` is the worker's current task (not a paused one).
fn w_is_current(worker: Option<&super::WorkerState>, index: usize) -> bool {
    worker.is_some_and(|w| {
        w.current
            .as_ref()
            .is_some_and(|t| matches!(t.kind, TaskKind::Job { job } if job == index))
    })
}
