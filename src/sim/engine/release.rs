//! Release control: how work leaves the backlog for the value stream. Push releases
//! everything at once; drum-buffer-rope (Goldratt, *The Goal*) releases work only while
//! fewer than `buffer` released items still have the drum (the constraint's center) ahead of
//! them. The player can also hold all new work, freeze projects, refuse a stream's new work
//! on arrival, or refuse a waiting item.

use std::collections::VecDeque;

use super::{ItemView, Simulation};
use crate::sim::level::{Level, ReleaseRule};
use crate::sim::rules;

/// The state of release control.
#[derive(Clone, Debug)]
pub(super) struct ReleaseControl {
    /// Items arrived and not yet released, in release order (expedited first).
    backlog: VecDeque<usize>,
    /// The drum of drum-buffer-rope: the constraint's center, if the level has one.
    drum: Option<usize>,
    /// Released items with the drum still ahead of them: the rope's length.
    rope: u32,
    /// Whether the item in each slot of the item pool is on the rope (indexed by slot;
    /// grown as slots are first put on it).
    on_rope: Vec<bool>,
    /// How work leaves the backlog.
    rule: ReleaseRule,
    /// Whether new work is held in the backlog.
    hold: bool,
    /// Whether project work (business and internal projects) is frozen.
    freeze: bool,
    /// Whether each arrival stream's new work is accepted (else refused on arrival).
    accept: Vec<bool>,
}

impl ReleaseControl {
    /// Whether some waiting items may not start now (a freeze holds projects), so that
    /// dispatch must look past them with [`Simulation::startable`]; when false, the first
    /// waiting item is always startable.
    pub(super) fn filters_starts(&self) -> bool {
        self.freeze
    }

    /// Whether new work is held in the backlog (`HoldWork`).
    pub(super) fn holds_work(&self) -> bool {
        self.hold
    }

    /// Whether project work is frozen (`Freeze`).
    pub(super) fn frozen(&self) -> bool {
        self.freeze
    }

    /// Whether arrival stream `stream`'s new work is accepted (`SetIntake`).
    pub(super) fn accepts(&self, stream: usize) -> bool {
        self.accept[stream]
    }

    /// Whether each arrival stream's new work is accepted, by stream.
    pub(super) fn intake(&self) -> &[bool] {
        &self.accept
    }

    /// How work leaves the backlog now.
    pub(super) fn rule(&self) -> ReleaseRule {
        self.rule
    }

    /// The released item in `slot`, with the drum ahead of it, takes one place on the rope.
    fn enter_rope(&mut self, slot: usize) {
        if self.on_rope.len() <= slot {
            self.on_rope.resize(slot + 1, false);
        }
        debug_assert!(!self.on_rope[slot], "entered the rope twice");
        self.on_rope[slot] = true;
        self.rope += 1;
    }

    /// Whether the item in `slot` is on the rope.
    #[inline]
    fn is_on_rope(&self, slot: usize) -> bool {
        self.on_rope.get(slot).copied().unwrap_or(false)
    }

    /// The item in `slot` has passed the drum (or left the value stream): its place on the
    /// rope is free again. Nothing happens if it was not on the rope.
    fn leave_rope(&mut self, slot: usize) {
        if self.is_on_rope(slot) {
            self.on_rope[slot] = false;
            self.rope -= 1;
        }
    }

    /// Whether no item waits in the backlog.
    pub(super) fn backlog_is_empty(&self) -> bool {
        self.backlog.is_empty()
    }

    pub(super) fn new(level: &Level) -> Self {
        Self {
            backlog: VecDeque::new(),
            drum: level.drum_center(),
            rope: 0,
            on_rope: Vec::new(),
            rule: level.release.rule,
            hold: false,
            freeze: false,
            accept: vec![true; level.arrivals.len()],
        }
    }
}

impl Simulation {
    /// Whether the item is a project (business or internal), which a freeze holds.
    pub(super) fn is_project(&self, slot: usize) -> bool {
        self.item(slot).work_type.is_project()
    }

    /// Whether a worker may start the item now: not a project under a freeze.
    pub(super) fn startable(&self, slot: usize) -> bool {
        !(self.release.freeze && self.is_project(slot))
    }

    /// Whether the backlog item may be released now: work is not held, projects are not
    /// frozen, the rope allows it (drum-buffer-rope) and its first center has room.
    pub(super) fn releasable(&self, slot: usize) -> bool {
        if self.release.hold || !self.startable(slot) {
            return false;
        }
        if let crate::sim::level::ReleaseRule::DrumBufferRope { buffer } = self.release.rule
            && self.drum_ahead(slot)
            && self.release.rope >= buffer
        {
            return false;
        }
        self.first_center_has_room(slot)
    }

    /// Whether the drum is at or after the item's current step.
    #[inline]
    pub(super) fn drum_ahead(&self, slot: usize) -> bool {
        let Some(d) = self.release.drum else {
            return false;
        };
        let it = self.item(slot);
        self.routing.routes[it.route][it.step..].contains(&d)
    }

    /// Moves a backlog (or new) item into the value stream.
    pub(super) fn release(&mut self, slot: usize) {
        if self.drum_ahead(slot) {
            self.release.enter_rope(slot);
        }
        if self.skip_forward(slot) {
            self.complete(slot);
            return;
        }
        let c = self.route_center(slot, self.item(slot).step);
        self.enter_center(slot, c);
    }

    /// Release control's part when the item in `slot` has moved on past a step (finished
    /// or skipped it): once the drum is behind it, it leaves the rope.
    pub(super) fn release_after_step(&mut self, slot: usize) {
        if self.release.is_on_rope(slot) && !self.drum_ahead(slot) {
            self.release.leave_rope(slot);
        }
    }

    /// Release control's part when the item in `slot` leaves the value stream (done): its
    /// place on the rope, if it had one, is free.
    pub(super) fn release_on_exit(&mut self, slot: usize) {
        self.release.leave_rope(slot);
    }

    /// Whether release control holds work back now: all new work (`HoldWork`) or the
    /// projects (`Freeze`). The board marks the backlog "on hold".
    pub fn backlog_held(&self) -> bool {
        self.release.hold || self.release.freeze
    }

    /// Items waiting in the backlog (arrived, not yet released).
    pub fn backlog_len(&self) -> usize {
        self.release.backlog.len()
    }

    /// Index of the drum (the constraint's center for drum-buffer-rope), if any.
    pub fn drum(&self) -> Option<usize> {
        self.release.drum
    }

    /// Released items that still have the drum ahead of them: the rope's length.
    pub fn rope_len(&self) -> u32 {
        self.release.rope
    }

    /// Items waiting in the backlog, in release order.
    pub fn backlog_views(&self) -> Vec<ItemView> {
        self.release
            .backlog
            .iter()
            .map(|&s| self.item_view(s))
            .collect()
    }

    /// An arrived item that may not enter yet waits at the back of the backlog.
    pub(super) fn admit_to_backlog(&mut self, slot: usize) {
        self.release.backlog.push_back(slot);
        self.blocked_items += 1;
    }

    /// An expedited backlog item moves ahead of every item not expedited (behind those
    /// expedited before it).
    pub(super) fn expedite_in_backlog(&mut self, slot: usize) {
        let backlog = &self.release.backlog;
        let pos = backlog.iter().position(|&s| s == slot).expect("in");
        self.release.backlog.remove(pos);
        let front = self
            .release
            .backlog
            .iter()
            .position(|&s| !self.item(s).expedited)
            .unwrap_or(self.release.backlog.len());
        self.release.backlog.insert(front, slot);
    }

    /// Releases backlog items, in order, while release control and room allow. Returns
    /// whether any moved.
    pub(super) fn release_backlog(&mut self) -> bool {
        if self.release.hold {
            return false;
        }
        let mut moved = false;
        let mut i = 0;
        while i < self.release.backlog.len() {
            let slot = self.release.backlog[i];
            if self.releasable(slot) {
                self.release.backlog.remove(i);
                self.blocked_items -= 1;
                self.release(slot);
                moved = true;
            } else {
                i += 1;
            }
        }
        moved
    }

    /// The command `HoldWork`: holds new work in the backlog (or releases it again).
    pub(super) fn hold_work(&mut self, hold: &bool) -> Result<(), String> {
        self.release.hold = *hold;
        Ok(())
    }

    /// The command `Freeze`: freezes project work (or lifts the freeze): projects are neither released nor started.
    pub(super) fn freeze(&mut self, on: &bool) -> Result<(), String> {
        self.release.freeze = *on;
        Ok(())
    }

    /// The command `SetRelease`: sets the release rule: push, or drum-buffer-rope with a buffer.
    pub(super) fn set_release(&mut self, rule: &ReleaseRule) -> Result<(), String> {
        if let ReleaseRule::DrumBufferRope { buffer } = rule {
            if self.release.drum.is_none() {
                return Err("this level has no drum (no constraint's center)".into());
            }
            rules::DBR_BUFFER
                .check(*buffer)
                .map_err(|e| format!("the buffer {e}"))?;
        }
        self.release.rule = *rule;
        Ok(())
    }

    /// The command `SetIntake`: accepts or refuses the new work of an arrival stream.
    pub(super) fn set_intake(&mut self, stream: &str, accept: &bool) -> Result<(), String> {
        let i = self.stream_arg(stream)?;
        self.release.accept[i] = *accept;
        Ok(())
    }

    /// The command `Refuse`: refuses a backlog item: it leaves without being done.
    /// The slot of item `id` and its position in the backlog, if it may be refused: only
    /// work not yet released can be.
    pub(super) fn refuse_arg(&self, id: u64) -> Result<(usize, usize), String> {
        let slot = self.item_arg(id)?;
        let Some(pos) = self.release.backlog.iter().position(|&s| s == slot) else {
            return Err(format!("item #{id} is not in the backlog"));
        };
        Ok((slot, pos))
    }

    pub(super) fn refuse(&mut self, item: &u64) -> Result<(), String> {
        let (slot, pos) = self.refuse_arg(*item)?;
        self.release.backlog.remove(pos);
        self.blocked_items -= 1;
        self.free_item(slot);
        self.totals.refused += 1;
        Ok(())
    }
}
