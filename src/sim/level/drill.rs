//! A drill's settings as a level or a run file states them: rounds and their length. Playing
//! a level as a drill, measuring its rounds and the team's storyboard are the workshop's job
//! ([`crate::sim::kata`]).

use serde::{Deserialize, Serialize};

use crate::sim::rules;

/// A drill: the run in `rounds` rounds of `round_days` workdays.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Drill {
    /// Number of rounds, [`rules::DRILL_ROUNDS`].
    pub rounds: u32,
    /// Length of a round, workdays, [`rules::DRILL_ROUND_DAYS`].
    pub round_days: f64,
}

impl Drill {
    /// `Ok` when both numbers are in range.
    ///
    /// # Errors
    /// Which number is out of range, and its range.
    pub fn check(&self) -> Result<(), String> {
        rules::DRILL_ROUNDS
            .check(self.rounds)
            .map_err(|e| format!("rounds {e}"))?;
        rules::DRILL_ROUND_DAYS
            .check(self.round_days)
            .map_err(|e| format!("round_days {e}"))
    }

    /// Length of the whole drill, workdays.
    pub fn days(&self) -> f64 {
        f64::from(self.rounds) * self.round_days
    }

    /// Sim time at which round `k` (0-based) starts; `k = rounds` is the end of the drill.
    pub fn boundary(&self, k: u32, minutes_per_day: f64) -> f64 {
        f64::from(k) * self.round_days * minutes_per_day
    }

    /// The round (0-based) under way at sim time `t`; a boundary belongs to the round it
    /// starts, and the end of the drill to the last round.
    pub fn round_at(&self, t: f64, minutes_per_day: f64) -> u32 {
        (0..self.rounds)
            .rev()
            .find(|&k| t >= self.boundary(k, minutes_per_day))
            .unwrap_or(0)
    }

    /// Whether `t` is exactly the start of a round: the only moments standing decisions may
    /// change.
    pub fn is_between_rounds(&self, t: f64, minutes_per_day: f64) -> bool {
        (0..self.rounds).any(|k| self.boundary(k, minutes_per_day) == t)
    }
}
