//! Technical debt: points that compound with interest every sample interval, grow with
//! skipped steps, expedites and overload, and raise the base rate of outages
//! ([`super::incidents`]). Improvement work can pay it down.

use super::{SAMPLE_INTERVAL, Simulation};
use crate::sim::level::Level;

/// The state of technical debt.
#[derive(Clone, Debug)]
pub(super) struct Debt {
    /// Technical debt now, points.
    pub(super) points: f64,
}

impl Debt {
    pub(super) fn new(level: &Level) -> Self {
        Self {
            points: level.debt.as_ref().map_or(0.0, |d| d.initial),
        }
    }
}

impl Simulation {
    /// Technical debt now, points.
    pub fn debt(&self) -> f64 {
        self.debt.points
    }

    /// Adds `points` of technical debt (negative: pays it down, never below 0).
    pub(super) fn add_debt(&mut self, points: f64) {
        if self.level.debt.is_none() || points == 0.0 {
            return;
        }
        self.debt.points = (self.debt.points + points).max(0.0);
        self.debt_changed();
    }

    pub(super) fn debt_changed(&mut self) {
        self.totals.debt_peak = self.totals.debt_peak.max(self.debt.points);
        self.update_outage_rate();
    }

    /// One sample interval of debt, at sim time `at`: interest, and the overload charge
    /// while WIP is above the level's `overload_wip`.
    pub(super) fn accrue_debt(&mut self, at: f64) {
        let Some(d) = &self.level.debt else { return };
        let before = self.debt.points;
        let days = SAMPLE_INTERVAL / self.level.calendar.minutes_per_day;
        if at > 0.0 {
            self.debt.points *= libm::exp(d.interest_per_day * days);
            if d.overload_wip.is_some_and(|limit| self.wip() > limit) {
                self.debt.points += d.per_overload_hour * SAMPLE_INTERVAL / 60.0;
            }
        }
        if self.debt.points != before {
            self.debt_changed();
        }
    }
}
