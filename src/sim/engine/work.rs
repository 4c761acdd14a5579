//! Workers: who does what next. Outages first, then interrupted work, then improvement jobs
//! (first while a worker is below the improvement share) or the oldest waiting work at a
//! center the worker staffs. Batches and deploys start when a full batch waits.

use super::{JobKind, OutageState, Place, Simulation, Task, TaskKind, WorkerState};
use crate::sim::level::{Doer, Effect, OUTAGE_SKILL};

/// What an idle worker could take from the centers: (age of its first ready item, center).
type CenterPick = (f64, usize);

impl Simulation {
    /// Gives outages and planned work to workers until nothing more can start. Returns
    /// whether any work started.
    pub(super) fn dispatch(&mut self) -> bool {
        let mut any = false;
        self.auto_fund();
        // Assigning an outage never resolves one, so `unresolved` keeps its length here.
        for k in 0..self.unresolved.len() {
            let o = self.unresolved[k];
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

    pub(super) fn assign_outage(&mut self, o: usize, w: usize) {
        self.outages[o].state = OutageState::Queued(w);
        self.workers[w].outage_queue.push_back(o);
        let interrupt = matches!(
            self.workers[w].current,
            Some(Task {
                kind: TaskKind::Item { .. } | TaskKind::Batch { .. } | TaskKind::Job { .. },
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
    pub(super) fn stop_current(&mut self, w: usize) -> Option<Task> {
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
            TaskKind::Job { .. } => {
                self.workers[w].busy_planned += elapsed;
                self.workers[w].busy_improving += elapsed;
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

    #[inline(always)]
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
        self.schedule(
            delay,
            super::EventKind::TaskDone {
                worker: w as u32,
                token,
            },
        );
    }

    /// The improvement time each worker is entitled to so far, sim minutes.
    fn entitlement_now(&self) -> f64 {
        self.entitlement + self.policy.improvement_share * (self.now - self.entitlement_since)
    }

    /// Brings the entitlement up to now (before the share changes).
    pub(super) fn settle_entitlement(&mut self) {
        self.entitlement = self.entitlement_now();
        self.entitlement_since = self.now;
    }

    /// Whether worker `w` may do job `j`, and at what speed.
    fn job_speed(&self, w: usize, j: usize) -> Option<f64> {
        let ws = &self.workers[w];
        match self.jobs[j].kind {
            JobKind::Postmortem(_) => ws.outage_speed,
            JobKind::Improvement(i) => doer_speed(&self.level, ws, &self.level.improvements[i].by),
        }
    }

    /// The first waiting job worker `w` may do. While the constraint is protected, a
    /// constraint worker takes only jobs nobody else could do.
    fn pick_job(&self, w: usize) -> Option<(usize, usize)> {
        if self.job_queue.is_empty() {
            return None;
        }
        let protected = self.policy.protect_constraint && self.workers[w].constraint;
        self.job_queue.iter().enumerate().find_map(|(pos, &j)| {
            self.job_speed(w, j)?;
            if protected
                && (0..self.workers.len())
                    .any(|o| !self.workers[o].constraint && self.job_speed(o, j).is_some())
            {
                return None;
            }
            Some((pos, j))
        })
    }

    /// Starts the next task of an idle worker: an assigned outage, else interrupted work,
    /// else improvement work or the oldest waiting item at a center the worker may staff.
    pub(super) fn start_next(&mut self, w: usize) -> bool {
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
        let job = self.pick_job(w);
        let center = self.pick_center(w);
        let take_job = match (&job, &center) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some((_, j)), Some((age, _))) => {
                let reserved = self.policy.improvement_share > 0.0
                    && self.workers[w].busy_improving < self.entitlement_now();
                reserved || self.jobs[*j].queued_at < *age
            }
        };
        if take_job {
            let (pos, j) = job.expect("a job to take");
            self.job_queue.remove(pos);
            let speed = self.job_speed(w, j).expect("qualified");
            let task = Task {
                kind: TaskKind::Job { job: j },
                remaining: self.jobs[j].work,
                speed,
                resumed_at: self.now,
            };
            self.begin(w, task);
            return true;
        }
        let Some((_, c)) = center else {
            return false;
        };
        let speed = self.workers[w].skills[c].expect("skilled");
        let now = self.now;
        self.centers[c].touch(now);
        let task = match self.centers[c].batch {
            Some(need) => {
                let batch = self.free_batches.pop().unwrap_or_else(|| {
                    self.batches.push(Vec::new());
                    self.batches.len() - 1
                });
                let mut slots = std::mem::take(&mut self.batches[batch]);
                self.take_from_queue(c, need as usize, &mut slots);
                self.centers[c].in_service += slots.len() as u32;
                let spec = &self.level.centers[c];
                let (setup, per_item) = match (&spec.deploy, &spec.batch) {
                    (Some(d), _) => (&d.setup, d.per_item),
                    (None, Some(b)) => (&b.setup, 0.0),
                    (None, None) => unreachable!("a batch center has a batch spec"),
                };
                let setup = setup.sample(&mut self.setup_rng);
                let efforts: f64 = slots
                    .iter()
                    .map(|&s| {
                        let it = self.item(s);
                        it.efforts[it.step]
                    })
                    .sum();
                let n = slots.len();
                self.batches[batch] = slots;
                let work = setup * self.centers[c].setup_factor + per_item * n as f64 + efforts;
                Task {
                    kind: TaskKind::Batch { center: c, batch },
                    remaining: work,
                    speed,
                    resumed_at: now,
                }
            }
            None => {
                // Under a freeze the first startable item, else simply the first.
                let slot = if self.policy.freeze {
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
                }
            }
        };
        self.centers[c].active_tasks += 1;
        self.begin(w, task);
        true
    }

    /// Takes the first `n` startable items out of center `c`'s queue, in order, into `slots`
    /// (emptied first), and records their service start.
    fn take_from_queue(&mut self, c: usize, n: usize, slots: &mut Vec<usize>) {
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

    fn record_service_start(&mut self, slot: usize, c: usize) {
        let wait = self.now - self.item(slot).entered_center_at;
        let s = &mut self.centers[c].stats;
        s.started += 1;
        s.sum_wait += wait;
        self.item_mut(slot).place = Place::Service(c);
    }

    /// The center whose waiting work worker `w` should take next: among centers the worker
    /// may staff (a protected constraint only where the constraint's own work is) that have a free slot and ready work (a full batch at a batch center or the
    /// deploy step), the one whose first ready item has waited longest. Returns its age, the
    /// center, and the queue positions to take.
    fn pick_center(&self, w: usize) -> Option<CenterPick> {
        let ws = &self.workers[w];
        let protected = self.policy.protect_constraint && ws.constraint;
        let mut best: Option<CenterPick> = None;
        for (c, center) in self.centers.iter().enumerate() {
            if ws.skills[c].is_none() || center.slots_used() >= center.capacity {
                continue;
            }
            if protected && !self.constraint_work[c] {
                continue; // others were doing this all along: leave it to them
            }
            let need = center.batch.unwrap_or(1) as usize;
            let age = if !self.policy.freeze {
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
            TaskKind::Batch { center, batch } => {
                let slots = std::mem::take(&mut self.batches[batch]);
                let n = slots.len() as u32;
                let deploy = Some(center) == self.deploy_center;
                let changes: Vec<_> = slots
                    .iter()
                    .map(|&s| {
                        let it = self.item(s);
                        (it.risk, it.system, it.off_board)
                    })
                    .collect();
                self.centers[center].in_service -= n;
                self.centers[center].active_tasks -= 1;
                for &slot in &slots {
                    self.finish_step(slot, center);
                }
                self.batches[batch] = slots;
                self.batches[batch].clear();
                self.free_batches.push(batch);
                if deploy {
                    self.on_deployed(center, &changes);
                }
            }
        }
    }

    // ----- improvement jobs ------------------------------------------------------------------

    /// Funds one round of improvement `i`: a job in the improvement queue.
    pub(super) fn fund(&mut self, i: usize) {
        let work = self.level.improvements[i]
            .work
            .sample(&mut self.improvement_rng);
        self.rounds_funded[i] += 1;
        self.open_improvement_jobs += 1;
        self.push_job(JobKind::Improvement(i), work);
    }

    pub(super) fn push_job(&mut self, kind: JobKind, work: f64) {
        let id = self.next_item_id;
        self.next_item_id += 1;
        self.jobs.push(super::Job {
            id,
            kind,
            work,
            queued_at: self.now,
            done_at: None,
        });
        self.job_queue.push_back(self.jobs.len() - 1);
        self.totals.arrived[crate::sim::WorkType::Internal.index()] += 1;
    }

    /// With a share of time reserved, keeps one improvement round funded: the next one in
    /// the level's order that has rounds left (the standing improvement plan).
    fn auto_fund(&mut self) {
        if self.policy.improvement_share <= 0.0 {
            return;
        }
        if self.open_improvement_jobs > 0 {
            return;
        }
        if let Some(i) = (0..self.level.improvements.len())
            .find(|&i| self.rounds_funded[i] < self.level.improvements[i].max_rounds)
        {
            self.fund(i);
        }
    }

    fn finish_job(&mut self, j: usize) {
        self.jobs[j].done_at = Some(self.now);
        self.totals.completed[crate::sim::WorkType::Internal.index()] += 1;
        match self.jobs[j].kind {
            JobKind::Improvement(i) => {
                self.open_improvement_jobs -= 1;
                self.rounds_done[i] += 1;
                self.totals.improvements_done += 1;
                self.apply_effect(i);
            }
            JobKind::Postmortem(o) => self.finish_postmortem(o),
        }
    }

    /// Applies what one round of improvement `i` changes.
    pub(super) fn apply_effect(&mut self, i: usize) {
        match self.level.improvements[i].effect.clone() {
            Effect::SetupTime { center, factor } => {
                let c = self.level.center_index(&center).expect("validated center");
                self.centers[c].setup_factor *= factor;
            }
            Effect::DefectRate { factor } => self.defect_factor *= factor,
            Effect::Detection { factor } => self.detect_factor *= factor,
            Effect::PayDebt { points } => self.add_debt(-points),
            Effect::ShareKnowledge {
                learners,
                skills,
                step,
                max_speed,
            } => {
                for name in &learners {
                    let Some(w) = self.worker_index(name) else {
                        continue;
                    };
                    for skill in &skills {
                        let speed = if skill == OUTAGE_SKILL {
                            &mut self.workers[w].outage_speed
                        } else {
                            let c = self.level.center_index(skill).expect("validated skill");
                            &mut self.workers[w].skills[c]
                        };
                        let old = speed.unwrap_or(0.0);
                        if old < max_speed {
                            *speed = Some((old + step).min(max_speed));
                        }
                    }
                }
                self.update_capacities();
            }
            Effect::Nothing => {}
        }
    }
}

/// The speed of a worker at work done by `doer` (`None`: may not do it): the skill's speed
/// for a skill, else nominal speed 1.
fn doer_speed(level: &crate::sim::Level, w: &WorkerState, doer: &Doer) -> Option<f64> {
    match doer {
        Doer::Anyone => Some(1.0),
        Doer::Constraint => w.constraint.then_some(1.0),
        Doer::Skill(s) if s == OUTAGE_SKILL => w.outage_speed,
        Doer::Skill(s) => w.skills[level.center_index(s)?],
    }
}
