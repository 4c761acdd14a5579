//! Change management and incidents: the change advisory board, deploy outcomes with risk
//! classes and collisions, outages from deploys and from the base rate, and the incident
//! procedure (detection, diagnosis, fix) with postmortems.

use super::{
    EventKind, JobKind, Outage, OutageCause, OutageState, Place, PostmortemState, SimTime,
    Simulation,
};
use crate::sim::level::{Risk, WorkType};

impl Simulation {
    // ----- the change advisory board ---------------------------------------------------------

    /// Schedules the next board meeting at sim time `at` (or now, if `at` has passed).
    pub(super) fn schedule_board(&mut self, at: SimTime) {
        let at = at.max(self.now);
        self.board_token += 1;
        self.board_next = Some(at);
        let token = self.board_token;
        self.schedule(at - self.now, EventKind::BoardMeets { token });
    }

    /// The board meets: it approves waiting changes in order (expedited first), up to its
    /// approvals per meeting, and sets its next meeting.
    pub(super) fn on_board_meeting(&mut self) {
        let Some(c) = self.deploy_center else { return };
        self.board_last = Some(self.now);
        let limit = self
            .level
            .changes
            .as_ref()
            .and_then(|ch| ch.board.as_ref())
            .and_then(|b| b.approvals_per_meeting)
            .map_or(usize::MAX, |n| n as usize);
        self.approve(c, limit, |_| true);
        if let Some(days) = self.policy.board_every_days {
            let next = self.now + days * self.level.calendar.minutes_per_day;
            self.schedule_board(next);
        }
    }

    /// Moves up to `limit` changes waiting for approval at the deploy center `c` that
    /// satisfy `which` into its queue.
    pub(super) fn approve(&mut self, c: usize, limit: usize, which: impl Fn(Risk) -> bool) {
        let now = self.now;
        self.centers[c].touch(now);
        let mut approved = 0;
        let mut i = 0;
        while i < self.centers[c].awaiting.len() && approved < limit {
            let slot = self.centers[c].awaiting[i];
            if which(self.item(slot).risk) {
                self.centers[c].awaiting.remove(i);
                self.item_mut(slot).place = Place::Queue(c);
                self.enqueue(slot, c, false);
                approved += 1;
            } else {
                i += 1;
            }
        }
    }

    // ----- deploys ------------------------------------------------------------------------------

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
            .recent_changes
            .front()
            .is_some_and(|(t, _, _)| self.now - t > lookback)
        {
            self.recent_changes.pop_front();
        }
        let mut collisions = 0u32;
        for (i, (_, sys, _)) in changes.iter().enumerate() {
            collisions += changes[..i].iter().filter(|c| c.1 == *sys).count() as u32;
            collisions += self
                .recent_changes
                .iter()
                .filter(|(t, s, _)| s == sys && self.now - t <= window)
                .count() as u32;
        }
        let probs: Vec<f64> = changes
            .iter()
            .map(|(risk, sys, _)| {
                (p * risk_factors[*risk as usize] * self.recurrence[*sys] * self.defect_factor)
                    .min(1.0)
            })
            .collect();
        let survive = probs.iter().map(|p| 1.0 - p).product::<f64>()
            * libm::pow(1.0 - q, f64::from(collisions));
        self.totals.collisions += u64::from(collisions);
        self.totals.off_board_changes += changes.iter().filter(|c| c.2).count() as u64;
        for (_, sys, off) in changes {
            self.recent_changes.push_back((self.now, *sys, *off));
        }
        if self.deploy_rng.uniform() < 1.0 - survive {
            self.totals.failed_deploys += 1;
            // Blame falls on a change in proportion to its risk.
            let culprit = if probs.iter().sum::<f64>() > 0.0 {
                self.deploy_rng.weighted_index(&probs)
            } else {
                changes.len() - 1 // only collisions: blame the latest change
            };
            let o = self
                .level
                .outages
                .as_ref()
                .expect("validated: failing deploys need outages");
            let fix =
                o.fix_effort.sample(&mut self.deploy_rng) + o.fix_effort_per_change * f64::from(n);
            let diagnosis = o.diagnose.sample(&mut self.deploy_rng);
            let detect = o.detect.sample(&mut self.deploy_rng);
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

    // ----- base-rate outages ------------------------------------------------------------------

    /// Recomputes the base outage rate (per sim minute) from debt and recurrence, and
    /// reschedules the next strike: the hazard used so far is consumed at the old rate.
    ///
    /// rate = base_rate_per_day / minutes_per_day × (1 + k·debt) × mean recurrence.
    pub(super) fn update_outage_rate(&mut self) {
        let Some(o) = &self.level.outages else { return };
        let h = &mut self.hazard;
        h.left = (h.left - h.rate * (self.now - h.since)).max(0.0);
        h.since = self.now;
        let k = self
            .level
            .debt
            .as_ref()
            .map_or(0.0, |d| d.outage_rate_per_point);
        let recurrence = self.recurrence.iter().sum::<f64>() / self.recurrence.len() as f64;
        h.rate = o.base_rate_per_day / self.level.calendar.minutes_per_day
            * (1.0 + k * self.debt)
            * recurrence;
        h.token += 1;
        if h.rate > 0.0 {
            let (delay, token) = (h.left / h.rate, h.token);
            self.schedule(delay, EventKind::OutageStrike { token });
        }
    }

    pub(super) fn on_base_rate_strike(&mut self) {
        let system = self.outage_rng.weighted_index(&self.recurrence);
        let o = self.level.outages.as_ref().expect("strikes need outages");
        let fix = o.fix_effort.sample(&mut self.outage_rng);
        let diagnosis = o.diagnose.sample(&mut self.outage_rng);
        let detect = o.detect.sample(&mut self.outage_rng);
        self.raise_outage(OutageCause::BaseRate, system, fix, diagnosis, detect);
        self.hazard.left = self.outage_rng.standard_exponential();
        self.hazard.rate = 0.0; // nothing left to consume at the old rate
        self.update_outage_rate();
    }

    // ----- the incident procedure ---------------------------------------------------------

    /// Raises an outage of `system`. Its diagnosis takes longer when a change deployed off
    /// the board within the last workday is missing from the recent-change list; it is
    /// noticed after `detect` sim minutes times the culture's and monitoring's factors.
    fn raise_outage(
        &mut self,
        cause: OutageCause,
        system: usize,
        fix: f64,
        diagnosis: f64,
        detect: f64,
    ) {
        let id = self.outages.len() as u64 + 1;
        self.totals.arrived[WorkType::Unplanned.index()] += 1;
        let day = self.level.calendar.minutes_per_day;
        let off_board = self
            .recent_changes
            .iter()
            .any(|(t, _, off)| *off && self.now - t <= day);
        let diagnosis = match (&self.level.changes, off_board) {
            (Some(ch), true) => diagnosis * ch.off_board_diagnosis_factor,
            _ => diagnosis,
        };
        let delay = detect * self.level.culture.detection_factor() * self.detect_factor;
        let index = self.outages.len();
        self.unresolved.push(index);
        self.outages.push(Outage {
            id,
            raised_at: self.now,
            detected_at: None,
            resolved_at: None,
            cause,
            system,
            diagnosis,
            off_board,
            work: diagnosis + fix,
            remaining: diagnosis + fix,
            state: OutageState::Undetected,
            postmortem: PostmortemState::None,
        });
        if delay > 0.0 {
            self.schedule(delay, EventKind::OutageDetected(index as u32));
        } else {
            self.on_detected(index);
        }
    }

    pub(super) fn on_detected(&mut self, o: usize) {
        let out = &mut self.outages[o];
        if out.state != OutageState::Undetected {
            return;
        }
        out.state = OutageState::Open;
        out.detected_at = Some(self.now);
        self.totals.detected += 1;
        self.totals.detect_time_sum += self.now - out.raised_at;
    }

    pub(super) fn resolve_outage(&mut self, o: usize) {
        let now = self.now;
        let cost = (now - self.outages[o].raised_at) * self.cost_per_minute();
        let out = &mut self.outages[o];
        out.resolved_at = Some(now);
        out.remaining = 0.0;
        out.state = OutageState::Resolved;
        if let Ok(pos) = self.unresolved.binary_search(&o) {
            self.unresolved.remove(pos);
        }
        self.totals.restore_time_sum += now - out.raised_at;
        self.totals.resolved_cost += cost;
        self.totals.completed[WorkType::Unplanned.index()] += 1;
    }

    /// Takes an unresolved, detected outage away from whoever holds it; it becomes `Open`.
    pub(super) fn release_outage(&mut self, o: usize) {
        match self.outages[o].state {
            OutageState::InWork(w) => {
                self.stop_current(w);
            }
            OutageState::Queued(w) => self.workers[w].outage_queue.retain(|&x| x != o),
            _ => {}
        }
        self.outages[o].state = OutageState::Open;
    }

    /// Schedules a blameless postmortem of the fixed outage `o`.
    pub(super) fn schedule_postmortem(&mut self, o: usize, work_factor: f64) {
        let spec = self
            .level
            .outages
            .as_ref()
            .and_then(|s| s.postmortem.as_ref())
            .expect("checked by the command");
        let work = spec.work.sample(&mut self.improvement_rng) * work_factor;
        self.outages[o].postmortem = PostmortemState::Scheduled;
        self.push_job(JobKind::Postmortem(o), work);
    }

    /// A postmortem is done: the failing system's recurrence factor is multiplied by the
    /// level's factor raised to the culture's share of the effect.
    pub(super) fn finish_postmortem(&mut self, o: usize) {
        let factor = self
            .level
            .outages
            .as_ref()
            .and_then(|s| s.postmortem.as_ref())
            .map_or(1.0, |p| p.recurrence_factor);
        let effect = self.level.culture.postmortem_effect();
        let sys = self.outages[o].system;
        self.recurrence[sys] *= libm::pow(factor, effect);
        self.outages[o].postmortem = PostmortemState::Done;
        self.totals.postmortems_done += 1;
        self.update_outage_rate();
    }
}
