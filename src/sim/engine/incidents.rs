//! Incidents: unplanned outages and the incident procedure. Outages come from failed
//! deploys ([`super::deploy`]) and from a base rate, a non-homogeneous Poisson process
//! whose rate grows with technical debt ([`super::debt`]) and falls with postmortems. Each
//! is detected after a delay (culture and monitoring), then diagnosed and fixed by a worker
//! with the outage skill, who drops planned work for it. The standing rule gives an outage
//! to the fastest free capable worker (never the constraint while it is protected); the
//! player can triage it to someone else or defer it. A fixed outage can get a blameless
//! postmortem. An outage costs money from the failure until the fix.

use serde::Serialize;

use super::{EventKind, JobKind, SimTime, Simulation, Task, TaskKind};
use crate::sim::command::Assignee;
use crate::sim::level::{Culture, Level, WorkType};
use crate::sim::rng::{RandomStream, Stream};

/// The outage process: a non-homogeneous Poisson process whose rate changes with debt and
/// postmortems. It is simulated exactly by the inversion of the cumulative hazard: an
/// Exp(1) draw is consumed at the current rate, and the strike is rescheduled whenever the
/// rate changes.
#[derive(Clone, Debug, Default)]
pub(super) struct Hazard {
    /// Cumulative hazard left before the next strike.
    pub(super) left: f64,
    /// Current rate, outages per sim minute.
    pub(super) rate: f64,
    /// Sim time `left` was last brought up to date.
    pub(super) since: SimTime,
    /// Token of the scheduled strike event.
    pub(super) token: u64,
}

/// The state of the incident procedure.
#[derive(Clone, Debug)]
pub(super) struct Incidents {
    /// Every outage raised, in id order (recorded history: it grows with the run).
    pub(super) outages: Vec<Outage>,
    /// Indices of the outages not yet resolved, ascending: the incident procedure's working
    /// set. Dispatch, the running cost and the samples read this, never the whole history,
    /// so an event's cost does not grow with the number of outages ever raised.
    pub(super) unresolved: Vec<usize>,
    /// The base-rate outage process.
    pub(super) hazard: Hazard,
    /// Factor on the time to detect (monitoring).
    pub(super) detect_factor: f64,
    /// The organisation's culture now: the level's, until an improvement changes it.
    pub(super) culture: Culture,
    /// Whether every fixed outage gets a blameless postmortem (the player's practice).
    pub(super) postmortem_practice: bool,
    /// Recurrence factor of each system (postmortems lower it).
    pub(super) recurrence: Vec<f64>,
    /// Draws of base-rate outages.
    pub(super) rng: RandomStream,
}

impl Incidents {
    pub(super) fn new(level: &Level, seed: u64) -> Self {
        Self {
            outages: Vec::new(),
            unresolved: Vec::new(),
            hazard: Hazard::default(),
            detect_factor: 1.0,
            culture: level.culture,
            postmortem_practice: false,
            recurrence: vec![1.0; level.system_names().len()],
            rng: RandomStream::new(seed, Stream::Outages),
        }
    }
}

/// Where an outage stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum OutageState {
    /// Not yet noticed: nobody can work on it, and the player does not see it.
    Undetected,
    /// Waiting for the standing rule to find a free capable worker.
    Open,
    /// Deferred by the player: nobody will take it until it is triaged again.
    Deferred,
    /// Assigned to worker (index), waiting behind another outage of theirs.
    Queued(usize),
    /// Being diagnosed or fixed by worker (index).
    InWork(usize),
    /// Fixed.
    Resolved,
}

/// What raised an outage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum OutageCause {
    /// The base rate: aging systems, technical debt, bad luck.
    BaseRate,
    /// A failed deploy of this many changes, with this many collisions among them.
    FailedDeploy { changes: u32, collisions: u32 },
}

/// Where a postmortem of an outage stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PostmortemState {
    /// None held.
    None,
    /// Asked for; its job is waiting or in work.
    Scheduled,
    /// Held; the outage's system fails less often since.
    Done,
}

/// An unplanned outage: production is down (or degraded) and costs money until it is fixed.
#[derive(Clone, Debug, Serialize)]
pub struct Outage {
    /// Sequential id, from 1, as the player sees it.
    pub id: u64,
    /// Sim minute it struck.
    pub raised_at: SimTime,
    /// Sim minute it was noticed.
    pub detected_at: Option<SimTime>,
    /// Sim minute it was fixed.
    pub resolved_at: Option<SimTime>,
    /// What raised it.
    pub cause: OutageCause,
    /// Index of the failing system in [`Level::system_names`].
    pub system: usize,
    /// Diagnosis work at nominal speed, sim minutes.
    pub diagnosis: f64,
    /// Whether an off-board change slowed the diagnosis down.
    pub off_board: bool,
    /// Total work (diagnosis + fix) at nominal speed, sim minutes.
    pub work: f64,
    /// Work left at nominal speed, sim minutes (as of the last pause or assignment). The
    /// diagnosis is done once `work − remaining ≥ diagnosis`.
    pub remaining: f64,
    /// Where it stands.
    pub state: OutageState,
    /// Whether a postmortem was held.
    pub postmortem: PostmortemState,
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

impl Simulation {
    /// Draws the first base-rate strike.
    pub(super) fn start_outage_process(&mut self) {
        self.incidents.hazard.left = self.incidents.rng.standard_exponential();
        self.update_outage_rate();
    }

    /// Recomputes the base outage rate (per sim minute) from debt and recurrence, and
    /// reschedules the next strike: the hazard used so far is consumed at the old rate.
    ///
    /// rate = base_rate_per_day / minutes_per_day × (1 + k·debt) × mean recurrence.
    pub(super) fn update_outage_rate(&mut self) {
        let Some(o) = &self.level.outages else { return };
        let h = &mut self.incidents.hazard;
        h.left = (h.left - h.rate * (self.now - h.since)).max(0.0);
        h.since = self.now;
        let k = self
            .level
            .debt
            .as_ref()
            .map_or(0.0, |d| d.outage_rate_per_point);
        let recurrence =
            self.incidents.recurrence.iter().sum::<f64>() / self.incidents.recurrence.len() as f64;
        h.rate = o.base_rate_per_day / self.level.calendar.minutes_per_day
            * (1.0 + k * self.debt.points)
            * recurrence;
        h.token += 1;
        if h.rate > 0.0 {
            let (delay, token) = (h.left / h.rate, h.token);
            self.schedule(delay, EventKind::OutageStrike { token });
        }
    }

    pub(super) fn on_base_rate_strike(&mut self) {
        let system = self
            .incidents
            .rng
            .weighted_index(&self.incidents.recurrence);
        let o = self.level.outages.as_ref().expect("strikes need outages");
        let fix = o.fix_effort.sample(&mut self.incidents.rng);
        let diagnosis = o.diagnose.sample(&mut self.incidents.rng);
        let detect = o.detect.sample(&mut self.incidents.rng);
        self.raise_outage(OutageCause::BaseRate, system, fix, diagnosis, detect);
        self.incidents.hazard.left = self.incidents.rng.standard_exponential();
        self.incidents.hazard.rate = 0.0; // nothing left to consume at the old rate
        self.update_outage_rate();
    }

    /// Raises an outage of `system`. Its diagnosis takes longer when a change deployed off
    /// the board within the last workday is missing from the recent-change list; it is
    /// noticed after `detect` sim minutes times the culture's and monitoring's factors.
    pub(super) fn raise_outage(
        &mut self,
        cause: OutageCause,
        system: usize,
        fix: f64,
        diagnosis: f64,
        detect: f64,
    ) {
        let id = self.incidents.outages.len() as u64 + 1;
        self.totals.arrived[WorkType::Unplanned.index()] += 1;
        let day = self.level.calendar.minutes_per_day;
        let off_board = self
            .deploys
            .recent_changes
            .iter()
            .any(|(t, _, off)| *off && self.now - t <= day);
        let diagnosis = match (&self.level.changes, off_board) {
            (Some(ch), true) => diagnosis * ch.off_board_diagnosis_factor,
            _ => diagnosis,
        };
        let delay =
            detect * self.incidents.culture.detection_factor() * self.incidents.detect_factor;
        let index = self.incidents.outages.len();
        self.incidents.unresolved.push(index);
        self.incidents.outages.push(Outage {
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
        let out = &mut self.incidents.outages[o];
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
        let cost = (now - self.incidents.outages[o].raised_at) * self.cost_per_minute();
        let out = &mut self.incidents.outages[o];
        out.resolved_at = Some(now);
        out.remaining = 0.0;
        out.state = OutageState::Resolved;
        if let Ok(pos) = self.incidents.unresolved.binary_search(&o) {
            self.incidents.unresolved.remove(pos);
        }
        self.totals.restore_time_sum += now - out.raised_at;
        if matches!(out.cause, OutageCause::FailedDeploy { .. }) {
            self.totals.deploy_restore_sum += now - out.raised_at;
            self.totals.deploy_restored += 1;
        }
        if self.incidents.postmortem_practice
            && let Some(factor) = self.incidents.culture.postmortem_work_factor()
        {
            self.schedule_postmortem(o, factor);
        }
        self.totals.resolved_cost += cost;
        self.totals.completed[WorkType::Unplanned.index()] += 1;
    }

    /// Takes an unresolved, detected outage away from whoever holds it; it becomes `Open`.
    pub(super) fn release_outage(&mut self, o: usize) {
        match self.incidents.outages[o].state {
            OutageState::InWork(w) => {
                self.stop_current(w);
            }
            OutageState::Queued(w) => self.workers[w].outage_queue.retain(|&x| x != o),
            _ => {}
        }
        self.incidents.outages[o].state = OutageState::Open;
    }

    /// Schedules a blameless postmortem of the fixed outage `o`.
    pub(super) fn schedule_postmortem(&mut self, o: usize, work_factor: f64) {
        let spec = self
            .level
            .outages
            .as_ref()
            .and_then(|s| s.postmortem.as_ref())
            .expect("checked by the command");
        let work = spec.work.sample(&mut self.improvements.rng) * work_factor;
        self.incidents.outages[o].postmortem = PostmortemState::Scheduled;
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
        let effect = self.incidents.culture.postmortem_effect();
        let sys = self.incidents.outages[o].system;
        self.incidents.recurrence[sys] *= libm::pow(factor, effect);
        self.incidents.outages[o].postmortem = PostmortemState::Done;
        self.totals.postmortems_done += 1;
        self.update_outage_rate();
    }

    /// The standing rule for open outages, oldest first: each goes to
    /// [`Simulation::choose_outage_worker`]'s pick, until nobody is left.
    pub(super) fn assign_open_outages(&mut self) {
        // Assigning an outage never resolves one, so `unresolved` keeps its length here.
        for k in 0..self.incidents.unresolved.len() {
            let o = self.incidents.unresolved[k];
            if self.incidents.outages[o].state == OutageState::Open {
                if let Some(w) = self.choose_outage_worker() {
                    self.assign_outage(o, w);
                } else {
                    break;
                }
            }
        }
    }

    /// The standing rule for outages: the fastest capable worker who is not already fighting
    /// one (idle first among equals), among those whose posts allow outages (see
    /// [`super::routing`]: while the constraint is protected, never an unassigned constraint
    /// worker if anyone else can fix outages).
    pub(super) fn choose_outage_worker(&self) -> Option<usize> {
        let capable: Vec<usize> = (0..self.workers.len())
            .filter(|&w| self.workers[w].outage_speed.is_some())
            .collect();
        let others_exist = capable.iter().any(|&w| !self.workers[w].constraint);
        capable
            .into_iter()
            .filter(|&w| self.may_take_outages(w, others_exist))
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
        self.incidents.outages[o].state = OutageState::Queued(w);
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

    /// All outages so far, in id order, detected or not (the board shows detected ones).
    pub fn outages(&self) -> &[Outage] {
        &self.incidents.outages
    }

    /// The organisation's culture now (a `Culture` improvement changes it).
    pub fn culture(&self) -> Culture {
        self.incidents.culture
    }

    /// Current rate of base-rate outages, per workday.
    pub fn outage_rate_per_day(&self) -> f64 {
        self.incidents.hazard.rate * self.level.calendar.minutes_per_day
    }

    /// Factor on detection times (monitoring), 1 at the start; the culture's factor comes on
    /// top.
    pub fn detect_factor(&self) -> f64 {
        self.incidents.detect_factor
    }

    /// Recurrence factor of each system (in [`Level::system_names`] order), 1 at the start.
    pub fn recurrence(&self) -> &[f64] {
        &self.incidents.recurrence
    }

    /// Cost of unplanned work so far, money: every outage's cost per hour times the hours it
    /// has been (or was) unresolved, detected or not.
    pub fn unplanned_cost(&self) -> f64 {
        let rate = self.cost_per_minute();
        let open: f64 = self
            .incidents
            .unresolved
            .iter()
            .map(|&o| (self.now - self.incidents.outages[o].raised_at) * rate)
            .sum();
        self.totals.resolved_cost + open
    }

    /// Running cost of one outage so far, money.
    pub fn outage_cost(&self, o: &Outage) -> f64 {
        (o.resolved_at.unwrap_or(self.now) - o.raised_at) * self.cost_per_minute()
    }

    pub(super) fn cost_per_minute(&self) -> f64 {
        self.level
            .outages
            .as_ref()
            .map_or(0.0, |o| o.cost_per_hour / 60.0)
    }

    /// What one outage costs per hour while it is unresolved, money (the level's
    /// `outages.cost_per_hour`; 0 without outages).
    pub fn outage_cost_per_hour(&self) -> f64 {
        self.cost_per_minute() * 60.0
    }

    /// Detected outages, in id order: what the player knows about.
    pub fn known_outages(&self) -> impl Iterator<Item = &Outage> {
        self.incidents
            .outages
            .iter()
            .filter(|o| o.state != OutageState::Undetected)
    }

    /// Detected outages not yet fixed, in id order: what the player must triage. Reads only
    /// the unresolved outages, not the run's whole history.
    pub fn open_outages(&self) -> impl Iterator<Item = &Outage> {
        self.incidents
            .unresolved
            .iter()
            .map(|&o| &self.incidents.outages[o])
            .filter(|o| o.state != OutageState::Undetected)
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

    /// The index of the outage the player knows as `#id`: detected, or already fixed (a
    /// resolved outage is always known, even if fixed before it was noticed). Ids are
    /// sequential from 1, so this is a look-up, not a search.
    pub(super) fn outage_arg(&self, id: u64) -> Result<usize, String> {
        id.checked_sub(1)
            .and_then(|i| usize::try_from(i).ok())
            .filter(|&i| {
                self.incidents
                    .outages
                    .get(i)
                    .is_some_and(|x| x.state != OutageState::Undetected || x.resolved_at.is_some())
            })
            .ok_or_else(|| format!("no outage #{id}"))
    }

    /// The command `Triage`: triages a detected outage: to a worker, deferred, or back to the standing rule.
    pub(super) fn triage(&mut self, outage: &u64, to: &Assignee) -> Result<(), String> {
        let o = self.outage_arg(*outage)?;
        match self.incidents.outages[o].state {
            OutageState::Resolved => {
                return Err(format!("outage #{outage} is already fixed"));
            }
            OutageState::Undetected => return Err(format!("no outage #{outage}")),
            _ => {}
        }
        let target = match to {
            Assignee::Worker(name) => {
                let w = self
                    .worker_index(name)
                    .ok_or_else(|| format!("no worker named {name:?}"))?;
                if self.workers[w].outage_speed.is_none() {
                    return Err(format!("{name} cannot fix outages"));
                }
                Some(w)
            }
            _ => None,
        };
        self.release_outage(o);
        match (to, target) {
            (Assignee::Defer, _) => self.incidents.outages[o].state = OutageState::Deferred,
            (_, Some(w)) => self.assign_outage(o, w),
            _ => {}
        }
        Ok(())
    }

    /// Whether the level has postmortems at all.
    fn postmortems_offered(&self) -> Result<(), String> {
        match self
            .level
            .outages
            .as_ref()
            .and_then(|s| s.postmortem.as_ref())
        {
            Some(_) => Ok(()),
            None => Err("this level has no postmortems".into()),
        }
    }

    /// The command `PostmortemPractice`: holds a blameless postmortem of every outage fixed
    /// from now on (while the culture allows postmortems at all).
    pub(super) fn postmortem_practice(&mut self, on: &bool) -> Result<(), String> {
        self.postmortems_offered()?;
        self.incidents.postmortem_practice = *on;
        Ok(())
    }

    /// The command `Postmortem`: schedules a blameless postmortem of a fixed outage.
    pub(super) fn request_postmortem(&mut self, outage: &u64) -> Result<(), String> {
        let o = self.outage_arg(*outage)?;
        self.postmortems_offered()?;
        let Some(work_factor) = self.incidents.culture.postmortem_work_factor() else {
            return Err(
                "in a pathological culture nobody admits to a failure: no postmortem".into(),
            );
        };
        if self.incidents.outages[o].state != OutageState::Resolved {
            return Err(format!("outage #{outage} is not fixed yet"));
        }
        if self.incidents.outages[o].postmortem != PostmortemState::None {
            return Err(format!("outage #{outage} already has a postmortem"));
        }
        self.schedule_postmortem(o, work_factor);
        Ok(())
    }
}
