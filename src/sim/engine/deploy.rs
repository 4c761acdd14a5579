//! Batches and deploys. A batch center or the deploy step starts a task only when a full
//! batch waits; its work is a setup (SMED's changeover, cut by deployment automation) plus
//! each item's effort. A finished deploy fails with probability 1 − Π(1 − p_i)·(1 − q)^k
//! (each change's risk, and collisions of changes to one system), and a failure raises an
//! outage ([`super::incidents`]).

use std::collections::VecDeque;

use super::{OutageCause, SimTime, Simulation, Task, TaskKind};
use crate::sim::level::{Level, Risk};
use crate::sim::rng::{RandomStream, Stream};
use crate::sim::rules;

/// The state of batches and deploys.
#[derive(Clone, Debug)]
pub(super) struct Deploys {
    /// Index of the deploy center, if the level has one.
    pub(super) center: Option<usize>,
    /// The items of each running (or paused) batch task, by batch index; free ones, empty,
    /// are listed in `free_batches` for reuse.
    pub(super) batches: Vec<Vec<usize>>,
    pub(super) free_batches: Vec<usize>,
    /// Recently deployed changes: (time, system, off board).
    pub(super) recent_changes: VecDeque<(SimTime, usize, bool)>,
    /// Factor on every change's failure probability (test automation).
    pub(super) defect_factor: f64,
    /// Draws of deploy outcomes (and the outages they raise).
    pub(super) failure_rng: RandomStream,
    /// Draws of setup times.
    pub(super) setup_rng: RandomStream,
}

impl Deploys {
    pub(super) fn new(level: &Level, seed: u64) -> Self {
        Self {
            center: level.deploy_center(),
            batches: Vec::new(),
            free_batches: Vec::new(),
            recent_changes: VecDeque::new(),
            defect_factor: 1.0,
            failure_rng: RandomStream::new(seed, Stream::DeployFailures),
            setup_rng: RandomStream::new(seed, Stream::DeploySetup),
        }
    }
}

impl Simulation {
    /// A deploy of `changes` (risk, system, off board) has finished: it fails with
    /// probability 1 − Π(1 − p_i)·(1 − q)^k, where p_i is the base probability times the
    /// factors of risk class, the system's recurrence and test automation, and k counts the
    /// collisions (pairs of changes to one system within the collision window, this batch
    /// and recent deploys together).
    pub(super) fn on_deployed(&mut self, center: usize, changes: &[(Risk, usize, bool)]) {
        let n = changes.len() as u32;
        self.totals.deploys += 1;
        self.totals.deployed_items += u64::from(n);
        let p = self.level.centers[center]
            .deploy
            .as_ref()
            .expect("deploy")
            .failure_probability;
        let (risk_factors, window, q) = match &self.level.changes {
            Some(ch) => (
                ch.risk_factors,
                ch.collision_window,
                ch.collision_probability,
            ),
            None => ([1.0; 3], 0.0, 0.0),
        };
        let lookback = window.max(self.level.calendar.minutes_per_day);
        while self
            .deploys
            .recent_changes
            .front()
            .is_some_and(|(t, _, _)| self.now - t > lookback)
        {
            self.deploys.recent_changes.pop_front();
        }
        let mut collisions = 0u32;
        for (i, (_, sys, _)) in changes.iter().enumerate() {
            collisions += changes[..i].iter().filter(|c| c.1 == *sys).count() as u32;
            collisions += self
                .deploys
                .recent_changes
                .iter()
                .filter(|(t, s, _)| s == sys && self.now - t <= window)
                .count() as u32;
        }
        let probs: Vec<f64> = changes
            .iter()
            .map(|(risk, sys, _)| {
                (p * risk_factors[*risk as usize]
                    * self.incidents.recurrence[*sys]
                    * self.deploys.defect_factor)
                    .min(1.0)
            })
            .collect();
        let survive = probs.iter().map(|p| 1.0 - p).product::<f64>()
            * libm::pow(1.0 - q, f64::from(collisions));
        self.totals.collisions += u64::from(collisions);
        self.totals.off_board_changes += changes.iter().filter(|c| c.2).count() as u64;
        for (_, sys, off) in changes {
            self.deploys
                .recent_changes
                .push_back((self.now, *sys, *off));
        }
        let failed = self.deploys.failure_rng.uniform() < 1.0 - survive;
        self.history.deploys.push(super::history::DeployRecord {
            at: self.now,
            changes: n,
            failed,
        });
        if failed {
            self.totals.failed_deploys += 1;
            // Blame falls on a change in proportion to its risk.
            let culprit = if probs.iter().sum::<f64>() > 0.0 {
                self.deploys.failure_rng.weighted_index(&probs)
            } else {
                changes.len() - 1 // only collisions: blame the latest change
            };
            let o = self
                .level
                .outages
                .as_ref()
                .expect("validated: failing deploys need outages");
            let fix = o.fix_effort.sample(&mut self.deploys.failure_rng)
                + o.fix_effort_per_change * f64::from(n);
            let diagnosis = o.diagnose.sample(&mut self.deploys.failure_rng);
            let detect = o.detect.sample(&mut self.deploys.failure_rng);
            self.raise_outage(
                OutageCause::FailedDeploy {
                    changes: n,
                    collisions,
                },
                changes[culprit].1,
                fix,
                diagnosis,
                detect,
            );
        }
    }

    /// Index of the deploy center, if the level has one.
    pub fn deploy_center(&self) -> Option<usize> {
        self.deploys.center
    }

    /// Factor on every change's failure probability (test automation), 1 at the start.
    pub fn defect_factor(&self) -> f64 {
        self.deploys.defect_factor
    }

    /// A batch task at center `c` for a worker of `speed`: takes the first full batch of
    /// startable items from the queue and draws its setup.
    pub(super) fn start_batch(&mut self, c: usize, need: u32, speed: f64) -> Task {
        let now = self.now;
        let batch = self.deploys.free_batches.pop().unwrap_or_else(|| {
            self.deploys.batches.push(Vec::new());
            self.deploys.batches.len() - 1
        });
        let mut slots = std::mem::take(&mut self.deploys.batches[batch]);
        self.take_from_queue(c, need as usize, &mut slots);
        self.centers[c].in_service += slots.len() as u32;
        let spec = &self.level.centers[c];
        let (setup, per_item) = match (&spec.deploy, &spec.batch) {
            (Some(d), _) => (&d.setup, d.per_item),
            (None, Some(b)) => (&b.setup, 0.0),
            (None, None) => unreachable!("a batch center has a batch spec"),
        };
        let setup = setup.sample(&mut self.deploys.setup_rng);
        let efforts: f64 = slots
            .iter()
            .map(|&s| {
                let it = self.item(s);
                it.efforts[it.step]
            })
            .sum();
        let n = slots.len();
        self.deploys.batches[batch] = slots;
        let work = setup * self.centers[c].setup_factor + per_item * n as f64 + efforts;
        Task {
            kind: TaskKind::Batch { center: c, batch },
            remaining: work,
            speed,
            resumed_at: now,
            setup: setup * self.centers[c].setup_factor,
        }
    }

    /// The batch task `batch` at center `c` is done: its items finish their step, and a
    /// deploy's outcome is drawn.
    pub(super) fn finish_batch(&mut self, center: usize, batch: usize) {
        let slots = std::mem::take(&mut self.deploys.batches[batch]);
        let n = slots.len() as u32;
        let deploy = Some(center) == self.deploys.center;
        let changes: Vec<_> = slots
            .iter()
            .map(|&s| {
                let it = self.item(s);
                (it.risk, it.system, it.off_board)
            })
            .collect();
        self.centers[center].in_service -= n;
        self.centers[center].active_tasks -= 1;
        if deploy {
            for &slot in &slots {
                let lead = self.now - self.item(slot).arrived_at;
                self.totals.change_lead_times.record(lead);
                self.history.change_leads.push((self.now, lead));
            }
        }
        for &slot in &slots {
            self.finish_step(slot, center);
        }
        self.deploys.batches[batch] = slots;
        self.deploys.batches[batch].clear();
        self.deploys.free_batches.push(batch);
        if deploy {
            self.on_deployed(center, &changes);
        }
    }

    /// The batch sizes center `c` accepts now, items: from [`rules::BATCH_SIZE`]'s minimum
    /// to the largest batch that fits its WIP limit and buffer ([`rules::batch_fits`]);
    /// `None` when the center does not work in batches. The batch control offers this range.
    pub fn batch_sizes(&self, c: usize) -> Option<std::ops::RangeInclusive<u32>> {
        self.centers.get(c)?.batch?;
        Some(rules::BATCH_SIZE.min..=self.largest_batch(c).max(rules::BATCH_SIZE.min))
    }

    /// The command `SetBatchSize`: sets the batch size of a batch center or (no center named) of the deploy step.
    pub(super) fn set_batch_size(
        &mut self,
        size: &u32,
        center: &Option<String>,
    ) -> Result<(), String> {
        let c = match center {
            Some(id) => self.center_arg(id)?,
            None => self.deploys.center.ok_or("this level has no deploy step")?,
        };
        if self.centers[c].batch.is_none() {
            return Err(format!(
                "{:?} does not work in batches",
                self.level.centers[c].id
            ));
        }
        rules::BATCH_SIZE
            .check(*size)
            .map_err(|e| format!("batch size {e}"))?;
        self.batch_fits(c, *size)
            .map_err(|misfit| misfit.to_string())?;
        self.centers[c].batch = Some(*size);
        Ok(())
    }
}
