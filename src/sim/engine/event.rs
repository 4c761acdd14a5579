//! Events: what can happen at an instant, and the key that orders them in the event queue.

use super::SimTime;

/// What an event does. Indices are `u32` so that an [`Event`] stays 32 bytes: the heap
/// moves events on every push and pop.
#[derive(Clone, Copy, Debug)]
pub(super) enum EventKind {
    /// The next item of arrival stream `i` arrives.
    Arrival(u32),
    /// Worker `worker` finishes its current task, unless `token` is stale.
    TaskDone { worker: u32, token: u64 },
    /// A base-rate outage strikes, unless `token` is stale (the rate changed since).
    OutageStrike { token: u64 },
    /// Outage (index) is noticed.
    OutageDetected(u32),
    /// The change advisory board meets, unless `token` is stale (rescheduled since).
    BoardMeets { token: u64 },
}

/// A pending event, ordered by (time, insertion sequence) through one `u128` key: the time's
/// bits above the sequence number. Event times are never negative, and for non-negative
/// floats the bit patterns order as the numbers do.
#[derive(Clone, Copy, Debug)]
pub(super) struct Event {
    pub(super) key: u128,
    pub(super) kind: EventKind,
}

impl Event {
    pub(super) fn new(time: SimTime, seq: u64, kind: EventKind) -> Self {
        debug_assert!(time >= 0.0, "event times are never negative");
        Self {
            key: (u128::from(time.to_bits()) << 64) | u128::from(seq),
            kind,
        }
    }
    /// Sim minute the event happens.
    pub(super) fn time(&self) -> SimTime {
        f64::from_bits((self.key >> 64) as u64)
    }
}
