//! The flow of work: arrival, queue, entering and leaving centers, departure.
//!
//! An item arrives on its stream (its efforts, risk class and system drawn at once), waits
//! in the backlog until release control lets it in ([`super::release`]), then moves along
//! its route: it enters a center when the center has room (below its WIP limit, with space
//! in its buffer), queues, is served ([`super::dispatch`]), and moves on. An item that
//! finishes a step while the next center has no room stays in its slot, blocking it
//! (blocking after service), until room appears. After its last step it departs and earns
//! its value. Skipped steps and expedited items are part of the flow too.

use super::{EventKind, Item, Place, SimTime, Simulation, Stay};
use crate::sim::level::Risk;
use crate::sim::rules;

impl Simulation {
    pub(super) fn on_arrival(&mut self, stream: usize) {
        // The item's slot is filled field by field: building an `Item` and moving it in
        // costs measurably more on the hot path of a plain queue.
        let slot = match self.free_slots.pop() {
            Some(s) => s,
            None => {
                self.items.push(Item::vacant());
                self.items.len() - 1
            }
        };
        let spec = &self.level.arrivals[stream];
        let work_type = spec.work_type;
        let rng = &mut self.effort_rngs[stream];
        let it = &mut self.items[slot];
        it.efforts.clear();
        let route = self.routing.chosen[stream];
        if spec.alternatives.is_empty() {
            it.efforts
                .extend(spec.route.iter().map(|s| s.effort.sample(rng)));
        } else {
            // Every route's efforts, in order, so a route choice never shifts the stream.
            let first = self.routing.stream_routes[stream].0;
            for (k, (_, steps)) in spec.routes().enumerate() {
                if first + k == route {
                    it.efforts
                        .extend(steps.iter().map(|s| s.effort.sample(rng)));
                } else {
                    for s in steps {
                        s.effort.sample(rng);
                    }
                }
            }
        }
        it.route = route;
        // A draw only where there is a choice, so that a plain level draws nothing extra.
        it.risk = match self.stream_fixed_risk[stream] {
            Some(risk) => risk,
            None => {
                let r = &spec.risk;
                let weights = [r.standard, r.medium, r.high];
                [Risk::Standard, Risk::Medium, Risk::High][rng.weighted_index(&weights)]
            }
        };
        let systems = &self.stream_systems[stream];
        it.system = match systems.len() {
            1 => systems[0],
            n => systems[((rng.uniform() * n as f64) as usize).min(n - 1)],
        };
        it.due_at = spec
            .due_days
            .map(|d| self.now + d * self.level.calendar.minutes_per_day);
        it.id = self.next_item_id;
        it.stream = stream;
        it.work_type = work_type;
        it.step = 0;
        it.arrived_at = self.now;
        it.entered_center_at = self.now;
        it.stays.clear();
        it.place = Place::Backlog;
        it.expedited = false;
        it.off_board = false;
        it.live = true;
        let lost_when_full = spec.lost_when_full;
        let gap = spec.interarrival.sample(&mut self.arrival_rngs[stream]);
        self.schedule(gap, EventKind::Arrival(stream as u32));

        self.next_item_id += 1;
        self.totals.arrived[work_type.index()] += 1;
        if !self.release.accepts(stream) {
            // Refused on arrival; its efforts were drawn all the same, so that what later
            // arrivals draw does not depend on the intake policy.
            self.free_item(slot);
            self.totals.refused += 1;
            return;
        }
        if self.release.backlog_is_empty() && self.releasable(slot) {
            self.release(slot);
        } else if lost_when_full && !self.release.holds_work() && !self.first_center_has_room(slot)
        {
            self.free_item(slot);
            self.totals.lost += 1;
        } else {
            self.admit_to_backlog(slot);
        }
    }

    /// Frees the item's slot for the next arrival (which reuses its effort vector).
    pub(super) fn free_item(&mut self, slot: usize) {
        debug_assert!(self.items[slot].live, "freeing a free slot");
        self.items[slot].live = false;
        self.free_slots.push(slot);
    }

    /// The first step at or after `from` whose center is not being skipped.
    pub(super) fn next_unskipped(&self, slot: usize, from: usize) -> Option<usize> {
        let n = self.item(slot).efforts.len();
        if !self.any_skipped {
            return (from < n).then_some(from);
        }
        (from..n).find(|&s| !self.centers[self.route_center(slot, s)].skipped)
    }

    #[inline]
    pub(super) fn first_center_has_room(&self, slot: usize) -> bool {
        match self.next_unskipped(slot, self.item(slot).step) {
            Some(s) => self.has_room(self.route_center(slot, s)),
            None => true,
        }
    }

    /// Advances the item past steps whose center is being skipped, adding debt for each.
    /// Returns whether no step is left (the item is done).
    #[inline]
    pub(super) fn skip_forward(&mut self, slot: usize) -> bool {
        if !self.any_skipped {
            let it = self.item(slot);
            return it.step >= it.efforts.len();
        }
        loop {
            let it = self.item(slot);
            if it.step >= it.efforts.len() {
                return true;
            }
            let c = self.route_center(slot, it.step);
            if !self.centers[c].skipped {
                return false;
            }
            self.item_mut(slot).step += 1;
            self.totals.skipped_steps += 1;
            let points = self.level.debt.as_ref().map_or(0.0, |d| d.per_skipped_step);
            self.add_debt(points);
            self.release_after_step(slot);
        }
    }

    /// Whether a batch of `size` items has room at center `c`: within its WIP limit and its
    /// buffer ([`rules::batch_fits`], the rule level validation applies too).
    ///
    /// # Errors
    /// The [`rules::BatchMisfit`] that says which limit the batch exceeds.
    pub(super) fn batch_fits(&self, c: usize, size: u32) -> Result<(), rules::BatchMisfit> {
        let center = &self.centers[c];
        rules::batch_fits(size, center.wip_limit, center.buffer)
    }

    /// The largest batch that has room at center `c`, items: the smallest of its WIP limit,
    /// its buffer and [`rules::BATCH_SIZE`]'s maximum.
    pub(super) fn largest_batch(&self, c: usize) -> u32 {
        let center = &self.centers[c];
        [center.wip_limit, center.buffer]
            .into_iter()
            .flatten()
            .fold(rules::BATCH_SIZE.max, u32::min)
    }

    /// Whether center `c` can take one more item now.
    #[inline]
    pub(super) fn has_room(&self, c: usize) -> bool {
        let center = &self.centers[c];
        if center.wip_limit.is_some_and(|l| center.wip() >= l) {
            return false;
        }
        match center.buffer {
            None => true,
            Some(b) => {
                let waiting = (center.queue.len() + center.awaiting.len()) as u32;
                // A zero buffer still admits an item that a free worker starts at once.
                waiting < b
                    || (b == 0
                        && waiting == 0
                        && center.batch.is_none()
                        && center.slots_used() < center.capacity
                        && self
                            .workers
                            .iter()
                            .any(|w| w.current.is_none() && w.skills[c].is_some()))
            }
        }
    }

    pub(super) fn enter_center(&mut self, slot: usize, c: usize) {
        let now = self.now;
        self.centers[c].touch(now);
        self.centers[c].stats.arrivals += 1;
        let deploy = Some(c) == self.deploys.center;
        if deploy && self.change_board.every_days().is_some() && self.change_board.bypassed() {
            self.item_mut(slot).off_board = true;
        }
        let it = self.item_mut(slot);
        it.entered_center_at = now;
        it.stays.push(Stay {
            center: c,
            entered: now,
            started: None,
            left: None,
        });
        if deploy && self.needs_approval(slot) {
            self.item_mut(slot).place = Place::Approval(c);
            self.enqueue(slot, c, true);
        } else {
            self.item_mut(slot).place = Place::Queue(c);
            self.enqueue(slot, c, false);
        }
    }

    /// Puts the item in the center's queue (or approval list), behind the expedited items
    /// if it is expedited, else at the back.
    #[inline]
    pub(super) fn enqueue(&mut self, slot: usize, c: usize, awaiting: bool) {
        let expedited = self.item(slot).expedited;
        if !expedited {
            if awaiting {
                self.centers[c].awaiting.push_back(slot);
            } else {
                self.centers[c].queue.push_back(slot);
            }
            return;
        }
        let pos = if expedited {
            let list = if awaiting {
                &self.centers[c].awaiting
            } else {
                &self.centers[c].queue
            };
            list.iter()
                .position(|&s| !self.item(s).expedited)
                .unwrap_or(list.len())
        } else if awaiting {
            self.centers[c].awaiting.len()
        } else {
            self.centers[c].queue.len()
        };
        let list = if awaiting {
            &mut self.centers[c].awaiting
        } else {
            &mut self.centers[c].queue
        };
        list.insert(pos, slot);
    }

    /// Records the item leaving center `c` (after `touch` and after it was taken out of the
    /// center's lists).
    pub(super) fn leave_center(&mut self, slot: usize, c: usize) {
        let now = self.now;
        let it = self.item_mut(slot);
        if let Some(stay) = it.stays.last_mut() {
            stay.left = Some(now);
        }
        let sojourn = now - it.entered_center_at;
        let s = &mut self.centers[c].stats;
        s.completions += 1;
        s.sum_sojourn += sojourn;
    }

    /// The item in `slot` has finished its step at center `c` (already out of service).
    pub(super) fn finish_step(&mut self, slot: usize, c: usize) {
        self.item_mut(slot).step += 1;
        self.release_after_step(slot);
        if self.skip_forward(slot) {
            self.leave_center(slot, c);
            self.complete(slot);
            return;
        }
        let next = self.route_center(slot, self.item(slot).step);
        if self.has_room(next) {
            self.leave_center(slot, c);
            self.enter_center(slot, next);
        } else {
            self.centers[c].outbox.push_back(slot);
            self.blocked_items += 1;
            self.item_mut(slot).place = Place::Outbox(c);
        }
    }

    /// The item has finished its route: it leaves the system and earns its value.
    pub(super) fn complete(&mut self, slot: usize) {
        let it = self.item(slot);
        let (work_type, stream, due_at, arrived_at) =
            (it.work_type, it.stream, it.due_at, it.arrived_at);
        if self.history.items {
            self.history.completions.push(super::history::Completion {
                id: it.id,
                work_type,
                arrived_at,
                completed_at: self.now,
                expedited: it.expedited,
                late: due_at.is_some_and(|due| self.now > due),
            });
        }
        self.release_on_exit(slot);
        self.free_item(slot);
        self.history.items_done += 1;
        self.totals.completed[work_type.index()] += 1;
        let spec = &self.level.arrivals[stream];
        let value = match due_at {
            Some(due) if self.now > due => {
                self.totals.late += 1;
                spec.late_value
            }
            Some(_) => {
                self.totals.on_time += 1;
                spec.value
            }
            None => spec.value,
        };
        self.totals.value += value;
        self.totals.lead_times.record(self.now - arrived_at);
        if let Some(id) = &spec.improvement {
            let i = self
                .level
                .improvements
                .iter()
                .position(|m| &m.id == id)
                .expect("validated improvement");
            // A finished project is one round of the improvement, within its rounds.
            if self.improvements.rounds_done[i] < self.level.improvements[i].max_rounds {
                self.improvements.rounds_done[i] += 1;
                self.improvements.rounds_funded[i] += 1;
                self.apply_effect(i);
            }
        }
    }

    /// Moves blocked items forward wherever there is now room: outboxes first (finish
    /// before starting), then the backlog in order.
    pub(super) fn flow(&mut self) {
        if self.blocked_items == 0 {
            return;
        }
        loop {
            let mut moved = false;
            for c in 0..self.centers.len() {
                while let Some(&slot) = self.centers[c].outbox.front() {
                    let next = self.route_center(slot, self.item(slot).step);
                    if !self.has_room(next) {
                        break;
                    }
                    self.centers[c].touch(self.now);
                    self.centers[c].outbox.pop_front();
                    self.blocked_items -= 1;
                    self.leave_center(slot, c);
                    self.enter_center(slot, next);
                    moved = true;
                }
            }
            if self.release_backlog() {
                moved = true;
            }
            if !moved {
                break;
            }
        }
    }

    /// The item with id `id`, if it is alive: its slot.
    pub(super) fn find_item(&self, id: u64) -> Option<usize> {
        self.items.iter().position(|it| it.live && it.id == id)
    }

    /// Sim time the item arrived; used to order work by age.
    pub(super) fn entered_at(&self, slot: usize) -> SimTime {
        self.item(slot).entered_center_at
    }

    /// The command `SetWipLimit`: sets or clears the WIP limit of `center`.
    pub(super) fn set_wip_limit(
        &mut self,
        center: &str,
        limit: &Option<u32>,
    ) -> Result<(), String> {
        let c = self.center_arg(center)?;
        if self.centers[c].batch.is_some() {
            return Err(format!(
                "{center:?} works in batches: its batch size governs it, not a WIP limit"
            ));
        }
        if let Some(l) = limit {
            rules::WIP_LIMIT
                .check(*l)
                .map_err(|e| format!("the WIP limit {e}"))?;
        }
        self.centers[c].wip_limit = *limit;
        Ok(())
    }

    /// The command `SkipStep`: starts or stops skipping `center` (each skipped step adds debt).
    pub(super) fn skip_step(&mut self, center: &str, on: &bool) -> Result<(), String> {
        let c = self.center_arg(center)?;
        if !self.level.centers[c].skippable {
            return Err(format!("{center:?} cannot be skipped in this level"));
        }
        self.centers[c].skipped = *on;
        self.any_skipped = self.centers.iter().any(|c| c.skipped);
        Ok(())
    }

    /// The command `Expedite`: expedites a waiting item: ahead of all others in every queue, at a cost in debt.
    /// The slot of item `id` if it may be expedited: waiting (not in service) and not
    /// expedited already.
    pub(super) fn expedite_arg(&self, id: u64) -> Result<usize, String> {
        let slot = self.item_arg(id)?;
        if self.item(slot).expedited {
            return Err(format!("item #{id} is already expedited"));
        }
        Ok(slot)
    }

    pub(super) fn expedite(&mut self, item: &u64) -> Result<(), String> {
        let slot = self.expedite_arg(*item)?;
        let place = self.item(slot).place;
        self.item_mut(slot).expedited = true;
        match place {
            Place::Backlog => self.expedite_in_backlog(slot),
            Place::Queue(c) | Place::Approval(c) => {
                let awaiting = matches!(place, Place::Approval(_));
                let list = if awaiting {
                    &mut self.centers[c].awaiting
                } else {
                    &mut self.centers[c].queue
                };
                list.retain(|&s| s != slot);
                self.enqueue(slot, c, awaiting);
            }
            Place::Service(_) | Place::Outbox(_) => {}
        }
        self.totals.expedites += 1;
        let points = self.level.debt.as_ref().map_or(0.0, |d| d.per_expedite);
        self.add_debt(points);
        Ok(())
    }
}
