//! What a run records for the debrief beyond its [`crate::sim::Sample`]s: per work center the
//! cumulative arrivals and departures at every sample (the cumulative flow diagram), per
//! worker the cumulative time use at every sample (where the time went), every completed
//! item (the lead-time scatter), every deploy and every meeting of the change advisory board
//! (the events timeline).
//!
//! The history is presentation: it never feeds back into the run, and it is left out of
//! [`Simulation::state_hash`], so recording it changes no run file's hash. Everything here
//! is appended in sim-time order.

use serde::Serialize;

use super::{SimTime, Simulation, TaskKind};
use crate::sim::level::WorkType;

/// Cumulative counts of one work center at one sample, items since the start of the run.
/// `arrivals − departures` is the number in the center then (queued, awaiting the change
/// board, in service and blocked), so stacking these differences draws the cumulative flow
/// diagram's bands (Anderson, *Kanban*, 2010, ch. 12; Reinertsen, *The Principles of Product
/// Development Flow*, 2009, §3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CenterCounts {
    /// Items that have entered the center.
    pub arrivals: u64,
    /// Items that have left it (moved on or completed).
    pub departures: u64,
}

/// Where one worker's time went, cumulative from the start of the run, sim minutes. The six
/// parts add up to the elapsed time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct TimeUse {
    /// Planned work on items, setups and improvements excluded.
    pub planned: f64,
    /// Setups of batches and deploys (the changeover SMED shortens).
    pub setup: f64,
    /// Fixing outages (unplanned work).
    pub outages: f64,
    /// Improvement work and postmortems.
    pub improvement: f64,
    /// Idle while work waited at a center the worker may staff but could not start: no free
    /// slot (a WIP limit, blocked items), a batch not yet full, the change board, a freeze.
    pub blocked: f64,
    /// Idle with no work waiting where the worker may work.
    pub idle: f64,
}

impl TimeUse {
    /// The parts' labels in display order.
    pub const PART_NAMES: [&'static str; 6] = [
        "planned work",
        "setup",
        "outages",
        "improvement",
        "blocked",
        "idle",
    ];

    /// The parts in display order with their labels ([`TimeUse::PART_NAMES`]): planned,
    /// setup, outages, improvement, blocked, idle.
    pub fn parts(&self) -> [(&'static str, f64); 6] {
        let v = [
            self.planned,
            self.setup,
            self.outages,
            self.improvement,
            self.blocked,
            self.idle,
        ];
        std::array::from_fn(|k| (Self::PART_NAMES[k], v[k]))
    }

    /// The sum of the parts, sim minutes.
    pub fn total(&self) -> f64 {
        self.parts().iter().map(|(_, m)| m).sum()
    }
}

/// One completed work item.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Completion {
    /// The item's id, as the board shows it.
    pub id: u64,
    /// Its work type.
    pub work_type: WorkType,
    /// Sim minute it arrived.
    pub arrived_at: SimTime,
    /// Sim minute it completed.
    pub completed_at: SimTime,
    /// Whether it was expedited.
    pub expedited: bool,
    /// Whether it had a due date and missed it.
    pub late: bool,
}

impl Completion {
    /// Lead time, arrival to completion, sim minutes.
    pub fn lead_time(&self) -> f64 {
        self.completed_at - self.arrived_at
    }
}

/// One deploy.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct DeployRecord {
    /// Sim minute it went out.
    pub at: SimTime,
    /// Changes in its batch.
    pub changes: u32,
    /// Whether it failed (raised an outage).
    pub failed: bool,
}

/// The recorded history of a run (see the module docs).
#[derive(Clone, Debug, Default)]
pub(super) struct History {
    /// Whether completed items are recorded ([`Simulation::keep_item_history`]).
    pub(super) items: bool,
    /// Per sample, per center (sample-major).
    pub(super) center_counts: Vec<CenterCounts>,
    /// Per sample, per worker (sample-major).
    pub(super) time_use: Vec<TimeUse>,
    /// Per sample, the work items completed so far (items that left the value stream;
    /// outages and improvement jobs are not items).
    pub(super) done: Vec<u64>,
    /// Work items completed so far.
    pub(super) items_done: u64,
    pub(super) completions: Vec<Completion>,
    pub(super) deploys: Vec<DeployRecord>,
    /// (deploy time, lead time for the change), sim minutes, per deployed item.
    pub(super) change_leads: Vec<(SimTime, f64)>,
    pub(super) board_meetings: Vec<SimTime>,
}

impl Simulation {
    /// Appends the per-center and per-worker records of the sample being taken now.
    pub(super) fn record_history_sample(&mut self) {
        for c in &self.centers {
            self.history.center_counts.push(CenterCounts {
                arrivals: c.stats.arrivals,
                departures: c.stats.completions,
            });
        }
        for w in 0..self.workers.len() {
            let u = self.time_use(w);
            self.history.time_use.push(u);
        }
        self.history.done.push(self.history.items_done);
    }

    /// Where worker `w`'s time went from the start of the run to now, the task in progress
    /// included.
    pub fn time_use(&self, w: usize) -> TimeUse {
        let ws = &self.workers[w];
        let (mut setup, mut blocked) = (ws.busy_setup, ws.busy_blocked);
        if let Some(since) = ws.blocked_since {
            blocked += self.now - since;
        }
        if let Some(t) = &ws.current
            && matches!(t.kind, TaskKind::Batch { .. })
        {
            let worked = (self.now - t.resumed_at) * t.speed;
            setup += worked.min(t.setup) / t.speed;
        }
        let (planned, outages, improvement) = self.worker_busy(ws);
        let planned = (planned - improvement - setup).max(0.0);
        let busy = planned + setup + outages + improvement;
        TimeUse {
            planned,
            setup,
            outages,
            improvement,
            blocked,
            idle: (self.now - busy - blocked).max(0.0),
        }
    }

    /// Each center's cumulative arrivals and departures at sample `s` (an index into
    /// [`Simulation::samples`]), in level order; empty for a sample not taken.
    pub fn center_counts_at(&self, s: usize) -> &[CenterCounts] {
        let n = self.centers.len();
        if s >= self.samples.len() {
            return &[];
        }
        &self.history.center_counts[s * n..(s + 1) * n]
    }

    /// Each worker's cumulative time use at sample `s` (an index into
    /// [`Simulation::samples`]), in level order; empty for a sample not taken.
    pub fn time_use_at(&self, s: usize) -> &[TimeUse] {
        let n = self.workers.len();
        if s >= self.samples.len() {
            return &[];
        }
        &self.history.time_use[s * n..(s + 1) * n]
    }

    /// Records every completed item from now on ([`Simulation::completions`], the lead-time
    /// scatter). Off by default: one record per item costs about a sixth of the engine's
    /// time on a plain M/M/1 queue (memory, not arithmetic), which headless replications,
    /// the luck analysis and the benchmarks do not need. The game turns it on for the run
    /// in play, and verification and the time scrub for the runs they replay. Call it
    /// before the run starts; items completed before are not recorded. It never changes
    /// the run.
    pub fn keep_item_history(&mut self) {
        self.history.items = true;
    }

    /// Every item completed so far, in completion order, when
    /// [`Simulation::keep_item_history`] was called at the start; else empty.
    pub fn completions(&self) -> &[Completion] {
        &self.history.completions
    }

    /// Work items completed (they left the value stream) up to sample `s` (an index into
    /// [`Simulation::samples`]); `None` for a sample not taken.
    pub fn done_at(&self, s: usize) -> Option<u64> {
        self.history.done.get(s).copied()
    }

    /// Every deploy so far, in time order.
    pub fn deploy_log(&self) -> &[DeployRecord] {
        &self.history.deploys
    }

    /// Each deployed change's (deploy time, lead time for the change), sim minutes, in
    /// deploy order.
    pub fn change_lead_times(&self) -> &[(SimTime, f64)] {
        &self.history.change_leads
    }

    /// Sim minutes at which the change advisory board met, in order.
    pub fn board_meetings(&self) -> &[SimTime] {
        &self.history.board_meetings
    }
}
