//! Dispatch: who does what next. An idle worker takes, in order: an outage assigned to them
//! ([`super::incidents`]), then work they were interrupted in, then improvement work
//! ([`super::improvements`]: first while they are below the improvement share, else by age)
//! or the oldest waiting work at a center they may staff: one item, or a full batch at a
//! batch center or the deploy step ([`super::deploy`]). Protecting the constraint keeps
//! constraint workers to the constraint's own work.

use super::{OutageState, Place, Simulation, Task, TaskKind};
use crate::sim::level::Level;

/// The constraint's protection (Theory of Constraints: exploit the constraint).
#[derive(Clone, Debug)]
pub(super) struct Constraint {
    /// By center: whether it is the constraint's own work, which at the start of the run no
    /// one but constraint workers could do. A protected constraint works only there, even
    /// after others learned the skill (they help; he keeps his post).
    pub(super) own_work: Vec<bool>,
    /// Whether the constraint is protected now.
    pub(super) protected: bool,
}

impl Constraint {
    pub(super) fn new(level: &Level) -> Self {
        Self {
            own_work: level.constraint_centers(),
            protected: false,
        }
    }
}

/// What an idle worker could take from the centers: (age of its first ready item, center).
pub(super) type CenterPick = (f64, usize);

impl Simulation {
    /// Gives outages and planned work to workers until nothing more can start. Returns
    /// whether any work started.
    pub(super) fn dispatch(&mut self) -> bool {
        let mut any = false;
        self.auto_fund();
        self.assign_open_outages();
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
            any = true;
        }
        any
    }

    /// Whether worker `w` is fixing or holding an outage.
    pub(super) fn on_outage(&self, w: usize) -> bool {
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

    /// Stops the worker's current task, keeping the work left. Returns it.
    pub(super) fn stop_current(&mut self, w: usize) -> Option<Task> {
        let now = self.now;
        let mut task = self.workers[w].current.take()?;
        let elapsed = now - task.resumed_at;
        task.remaining = (task.remaining - elapsed * task.speed).max(0.0);
        self.workers[w].token += 1;
        match task.kind {
            TaskKind::Outage { outage } => {
                self.workers[w].busy_unplanned += elapsed;
                self.incidents.outages[outage].remaining = task.remaining;
            }
            TaskKind::Job { .. } => {
                self.workers[w].busy_planned += elapsed;
                self.workers[w].busy_improving += elapsed;
            }
            _ => {
                if task.setup > 0.0 {
                    let done = (elapsed * task.speed).min(task.setup);
                    task.setup -= done;
                    self.workers[w].busy_setup += done / task.speed;
                }
                self.workers[w].busy_planned += elapsed;
                let c = task.center().expect("planned task has a center");
                self.centers[c].touch(now);
                self.centers[c].busy_workers -= 1;
            }
        }
        Some(task)
    }

    pub(super) fn pause_current(&mut self, w: usize) {
        if let Some(task) = self.stop_current(w) {
            self.workers[w].paused.push(task);
        }
    }

    #[inline(always)]
    pub(super) fn begin(&mut self, w: usize, mut task: Task) {
        let now = self.now;
        task.resumed_at = now;
        if let Some(c) = task.center() {
            self.centers[c].touch(now);
            self.centers[c].busy_workers += 1;
        }
        let delay = task.remaining / task.speed;
        if let Some(since) = self.workers[w].blocked_since.take() {
            self.workers[w].busy_blocked += now - since;
        }
        self.workers[w].token += 1;
        let token = self.workers[w].token;
        self.workers[w].current = Some(task);
        self.schedule(
            delay,
            super::EventKind::TaskDone {
                worker: w as u32,
                token,
            },
        );
    }

    /// Starts the next task of an idle worker: an assigned outage, else interrupted work,
    /// else improvement work or the oldest waiting item at a center the worker may staff.
    pub(super) fn start_next(&mut self, w: usize) -> bool {
        if let Some(o) = self.workers[w].outage_queue.pop_front() {
            let speed = self.workers[w]
                .outage_speed
                .expect("assigned outages need the skill");
            self.incidents.outages[o].state = OutageState::InWork(w);
            let task = Task {
                kind: TaskKind::Outage { outage: o },
                remaining: self.incidents.outages[o].remaining,
                speed,
                resumed_at: self.now,
                setup: 0.0,
            };
            self.begin(w, task);
            return true;
        }
        if let Some(task) = self.workers[w].paused.pop() {
            self.begin(w, task);
            return true;
        }
        let job = self.pick_job(w);
        let center = self.pick_center(w);
        let take_job = match (&job, &center) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some((_, j)), Some((age, _))) => {
                self.owes_improvement(w) || self.improvements.jobs[*j].queued_at < *age
            }
        };
        if take_job {
            let (pos, j) = job.expect("a job to take");
            self.improvements.queue.remove(pos);
            let speed = self.job_speed(w, j).expect("qualified");
            let task = Task {
                kind: TaskKind::Job { job: j },
                remaining: self.improvements.jobs[j].work,
                speed,
                resumed_at: self.now,
                setup: 0.0,
            };
            self.begin(w, task);
            return true;
        }
        let Some((_, c)) = center else {
            self.note_idle(w);
            return false;
        };
        let speed = self.workers[w].skills[c].expect("skilled");
        let now = self.now;
        self.centers[c].touch(now);
        let task = match self.centers[c].batch {
            Some(need) => self.start_batch(c, need, speed),
            None => {
                // Under a start filter (a freeze) the first startable item, else the first.
                let slot = if self.release.filters_starts() {
                    let queue = &self.centers[c].queue;
                    let pos = queue
                        .iter()
                        .position(|&s| self.startable(s))
                        .expect("picked a ready queue");
                    self.centers[c].queue.remove(pos)
                } else {
                    self.centers[c].queue.pop_front()
                }
                .expect("picked a ready queue");
                self.record_service_start(slot, c);
                self.centers[c].in_service += 1;
                let it = self.item(slot);
                Task {
                    kind: TaskKind::Item { slot, center: c },
                    remaining: it.efforts[it.step],
                    speed,
                    resumed_at: now,
                    setup: 0.0,
                }
            }
        };
        self.centers[c].active_tasks += 1;
        self.begin(w, task);
        true
    }

    /// Records whether idle worker `w` is blocked (work waits at a center they may staff
    /// but cannot start) or starved, for [`super::history::TimeUse`].
    fn note_idle(&mut self, w: usize) {
        let ws = &self.workers[w];
        let blocked = self.centers.iter().enumerate().any(|(c, center)| {
            ws.skills[c].is_some()
                && !(center.queue.is_empty() && center.awaiting.is_empty())
                && self.may_work_at(w, c)
        });
        let now = self.now;
        let ws = &mut self.workers[w];
        match (blocked, ws.blocked_since) {
            (true, None) => ws.blocked_since = Some(now),
            (false, Some(since)) => {
                ws.busy_blocked += now - since;
                ws.blocked_since = None;
            }
            _ => {}
        }
    }

    /// Takes the first `n` startable items out of center `c`'s queue, in order, into `slots`
    /// (emptied first), and records their service start.
    pub(super) fn take_from_queue(&mut self, c: usize, n: usize, slots: &mut Vec<usize>) {
        slots.clear();
        let mut p = 0;
        while slots.len() < n && p < self.centers[c].queue.len() {
            let s = self.centers[c].queue[p];
            if self.startable(s) {
                self.centers[c].queue.remove(p);
                self.record_service_start(s, c);
                slots.push(s);
            } else {
                p += 1;
            }
        }
    }

    pub(super) fn record_service_start(&mut self, slot: usize, c: usize) {
        let now = self.now;
        let wait = now - self.item(slot).entered_center_at;
        let s = &mut self.centers[c].stats;
        s.started += 1;
        s.sum_wait += wait;
        let it = self.item_mut(slot);
        it.place = Place::Service(c);
        if let Some(stay) = it.stays.last_mut() {
            stay.started = Some(now);
        }
    }

    /// The center whose waiting work worker `w` should take next: among centers the worker
    /// may staff (their posts: see [`super::routing`]) that have a free slot and ready work (a full batch at a batch center or the
    /// deploy step), the one whose first ready item has waited longest. Returns its age, the
    /// center, and the queue positions to take.
    pub(super) fn pick_center(&self, w: usize) -> Option<CenterPick> {
        let ws = &self.workers[w];
        let mut best: Option<CenterPick> = None;
        for (c, center) in self.centers.iter().enumerate() {
            if ws.skills[c].is_none() || center.slots_used() >= center.capacity {
                continue;
            }
            if !self.may_work_at(w, c) {
                continue; // not their post (staffing, or a protected constraint)
            }
            let need = center.batch.unwrap_or(1) as usize;
            let age = if !self.release.filters_starts() {
                if center.queue.len() < need {
                    continue;
                }
                self.entered_at(center.queue[0])
            } else {
                let mut ready = center.queue.iter().filter(|&&s| self.startable(s));
                let Some(&first) = ready.next() else { continue };
                if ready.count() + 1 < need {
                    continue;
                }
                self.entered_at(first)
            };
            if best.is_none_or(|(a, _)| age < a) {
                best = Some((age, c));
            }
        }
        best
    }

    pub(super) fn on_task_done(&mut self, w: usize) {
        let task = self.stop_current(w).expect("a finishing worker has a task");
        match task.kind {
            TaskKind::Outage { outage } => self.resolve_outage(outage),
            TaskKind::Job { job } => self.finish_job(job),
            TaskKind::Item { slot, center } => {
                self.centers[center].in_service -= 1;
                self.centers[center].active_tasks -= 1;
                self.finish_step(slot, center);
            }
            TaskKind::Batch { center, batch } => self.finish_batch(center, batch),
        }
    }

    /// The command `ProtectConstraint`: protects the constraint (or stops): it keeps to its own work and outages go to others.
    pub(super) fn protect_constraint(&mut self, on: &bool) -> Result<(), String> {
        self.constraint.protected = *on;
        Ok(())
    }
}
