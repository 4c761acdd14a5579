//! Improvement work (the Third Way): rounds of the level's improvements, funded one at a
//! time by the player or kept funded by a reserved share of everyone's time ("20% time"),
//! and postmortems. Jobs wait in their own queue for a qualified worker; a finished round
//! applies its effect (shorter setups, fewer defects, faster detection, debt paid down,
//! knowledge shared so others can do the constraint's work).

use std::collections::VecDeque;

use serde::Serialize;

use super::views::w_is_current;
use super::{SimTime, Simulation, TaskKind, WorkerState};
use crate::sim::level::{Doer, Effect, Level, OUTAGE_SKILL};
use crate::sim::rng::{RandomStream, Stream};
use crate::sim::rules;

/// The state of improvement work.
#[derive(Clone, Debug)]
pub(super) struct Improvements {
    /// Every improvement job and postmortem funded (recorded history).
    pub(super) jobs: Vec<Job>,
    /// Jobs waiting for a worker, oldest first.
    pub(super) queue: VecDeque<usize>,
    /// Improvement rounds (not postmortems) funded and not yet finished.
    pub(super) open_rounds: u32,
    /// Improvement rounds funded (queued, in work or done), by improvement.
    pub(super) rounds_funded: Vec<u32>,
    /// Improvement rounds finished, by improvement.
    pub(super) rounds_done: Vec<u32>,
    /// Share of every worker's time reserved for improvement work.
    pub(super) share: f64,
    /// ∫ share dt up to `entitlement_since`: the improvement time each worker is entitled
    /// to, sim minutes.
    pub(super) entitlement: f64,
    pub(super) entitlement_since: f64,
    /// Draws of improvement and postmortem work.
    pub(super) rng: RandomStream,
}

impl Improvements {
    pub(super) fn new(level: &Level, seed: u64) -> Self {
        Self {
            jobs: Vec::new(),
            queue: VecDeque::new(),
            open_rounds: 0,
            rounds_funded: vec![0; level.improvements.len()],
            rounds_done: vec![0; level.improvements.len()],
            share: level.improvement_share,
            entitlement: 0.0,
            entitlement_since: 0.0,
            rng: RandomStream::new(seed, Stream::Improvements),
        }
    }
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

impl Simulation {
    /// The improvement time each worker is entitled to so far, sim minutes.
    pub(super) fn entitlement_now(&self) -> f64 {
        self.improvements.entitlement
            + self.improvements.share * (self.now - self.improvements.entitlement_since)
    }

    /// Whether worker `w` has done less improvement work than the reserved share entitles
    /// them to so far: then improvement work comes before waiting center work.
    pub(super) fn owes_improvement(&self, w: usize) -> bool {
        self.improvements.share > 0.0 && self.workers[w].busy_improving < self.entitlement_now()
    }

    /// Brings the entitlement up to now (before the share changes).
    pub(super) fn settle_entitlement(&mut self) {
        self.improvements.entitlement = self.entitlement_now();
        self.improvements.entitlement_since = self.now;
    }

    /// Whether worker `w` may do job `j`, and at what speed.
    pub(super) fn job_speed(&self, w: usize, j: usize) -> Option<f64> {
        let ws = &self.workers[w];
        match self.improvements.jobs[j].kind {
            JobKind::Postmortem(_) => ws.outage_speed,
            JobKind::Improvement(i) => doer_speed(&self.level, ws, &self.level.improvements[i].by),
        }
    }

    /// The first waiting job worker `w` may do. While the constraint is protected, a
    /// constraint worker takes only jobs nobody else could do.
    pub(super) fn pick_job(&self, w: usize) -> Option<(usize, usize)> {
        if self.improvements.queue.is_empty() {
            return None;
        }
        let protected = self.constraint.protected && self.workers[w].constraint;
        self.improvements
            .queue
            .iter()
            .enumerate()
            .find_map(|(pos, &j)| {
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

    /// Funds one round of improvement `i`: a job in the improvement queue.
    pub(super) fn fund(&mut self, i: usize) {
        let work = self.level.improvements[i]
            .work
            .sample(&mut self.improvements.rng);
        self.improvements.rounds_funded[i] += 1;
        self.improvements.open_rounds += 1;
        self.push_job(JobKind::Improvement(i), work);
    }

    pub(super) fn push_job(&mut self, kind: JobKind, work: f64) {
        let id = self.next_item_id;
        self.next_item_id += 1;
        self.improvements.jobs.push(super::Job {
            id,
            kind,
            work,
            queued_at: self.now,
            done_at: None,
        });
        self.improvements
            .queue
            .push_back(self.improvements.jobs.len() - 1);
        self.totals.arrived[crate::sim::WorkType::Internal.index()] += 1;
    }

    /// With a share of time reserved, keeps one improvement round funded: the next one in
    /// the level's order that has rounds left (the standing improvement plan).
    pub(super) fn auto_fund(&mut self) {
        if self.improvements.share <= 0.0 {
            return;
        }
        if self.improvements.open_rounds > 0 {
            return;
        }
        if let Some(i) = (0..self.level.improvements.len())
            .find(|&i| self.improvements.rounds_funded[i] < self.level.improvements[i].max_rounds)
        {
            self.fund(i);
        }
    }

    pub(super) fn finish_job(&mut self, j: usize) {
        self.improvements.jobs[j].done_at = Some(self.now);
        self.totals.completed[crate::sim::WorkType::Internal.index()] += 1;
        match self.improvements.jobs[j].kind {
            JobKind::Improvement(i) => {
                self.improvements.open_rounds -= 1;
                self.improvements.rounds_done[i] += 1;
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
            Effect::DefectRate { factor } => self.deploys.defect_factor *= factor,
            Effect::Detection { factor } => self.incidents.detect_factor *= factor,
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
            Effect::Culture { to } => self.incidents.culture = to,
            Effect::Nothing => {}
        }
    }

    /// All improvement jobs and postmortems funded so far.
    pub fn jobs(&self) -> &[Job] {
        &self.improvements.jobs
    }

    /// Improvement rounds finished, by improvement (level order).
    pub fn rounds_done(&self) -> &[u32] {
        &self.improvements.rounds_done
    }

    /// Improvement rounds funded (queued, in work or done), by improvement.
    pub fn rounds_funded(&self) -> &[u32] {
        &self.improvements.rounds_funded
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
                funded: self.improvements.rounds_funded[i],
                done: self.improvements.rounds_done[i],
                max_rounds: m.max_rounds,
                mean_work: m.work.mean(),
            })
            .collect()
    }

    /// Improvement jobs and postmortems not yet done, in funding order.
    pub fn open_jobs(&self) -> Vec<JobView> {
        self.improvements
            .jobs
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
                            format!("Postmortem of outage #{}", self.incidents.outages[o].id)
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

    /// The command `FundImprovement`: funds one round of an improvement.
    pub(super) fn fund_improvement(&mut self, id: &str) -> Result<(), String> {
        let i = self
            .level
            .improvements
            .iter()
            .position(|m| m.id == id)
            .ok_or_else(|| format!("no improvement {id:?}"))?;
        let max = self.level.improvements[i].max_rounds;
        if self.improvements.rounds_funded[i] >= max {
            return Err(format!("{id:?} has no rounds left (at most {max})"));
        }
        self.fund(i);
        Ok(())
    }

    /// The command `SetImprovementShare`: sets the share of everyone's time reserved for improvement work.
    pub(super) fn set_improvement_share(&mut self, share: &f64) -> Result<(), String> {
        rules::IMPROVEMENT_SHARE
            .check(*share)
            .map_err(|e| format!("the share {e}"))?;
        self.settle_entitlement();
        self.improvements.share = *share;
        Ok(())
    }
}

/// The speed of a worker at work done by `doer` (`None`: may not do it): the skill's speed
/// for a skill, else nominal speed 1.
pub(super) fn doer_speed(level: &crate::sim::Level, w: &WorkerState, doer: &Doer) -> Option<f64> {
    match doer {
        Doer::Anyone => Some(1.0),
        Doer::Constraint => w.constraint.then_some(1.0),
        Doer::Skill(s) if s == OUTAGE_SKILL => w.outage_speed,
        Doer::Skill(s) => w.skills[level.center_index(s)?],
    }
}
