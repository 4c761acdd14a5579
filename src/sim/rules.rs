//! Every range, default and limit of the game, defined once.
//!
//! Level validation ([`crate::sim::level`]), command validation ([`crate::sim::Simulation::apply`])
//! and the controls of the shell all read these constants, so a rule cannot drift between
//! them: a number a level may set is a number a player may set, and the control offers
//! exactly that range.

use std::fmt::Display;

/// An inclusive range of a number that a level or a command may set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds<T> {
    /// Smallest allowed value.
    pub min: T,
    /// Largest allowed value.
    pub max: T,
    /// Unit, for messages ("items", "workdays"; empty for a plain number).
    pub unit: &'static str,
}

impl<T: PartialOrd + Copy + Display + std::fmt::Debug> Bounds<T> {
    /// Whether `v` is within the bounds (a NaN never is).
    pub fn contains(&self, v: T) -> bool {
        self.min <= v && v <= self.max
    }

    /// `Ok` when `v` is within the bounds.
    ///
    /// # Errors
    /// "must be in [min, max] unit, got v" otherwise (v as Rust's `{:?}` writes it, so that
    /// 1e-320 reads as that and not as 320 digits).
    pub fn check(&self, v: T) -> Result<(), String> {
        if self.contains(v) {
            Ok(())
        } else {
            let unit = if self.unit.is_empty() {
                String::new()
            } else {
                format!(" {}", self.unit)
            };
            Err(format!(
                "must be in [{}, {}]{unit}, got {v:?}",
                self.min, self.max
            ))
        }
    }

    /// The bounds as a `RangeInclusive`, for sliders and drag values.
    pub fn range(&self) -> std::ops::RangeInclusive<T> {
        self.min..=self.max
    }
}

/// How often the engine samples the run (a [`crate::sim::Sample`] for the charts) and
/// updates technical debt, sim minutes. Level validation counts these ticks in a run's
/// event estimate.
pub const SAMPLE_INTERVAL: f64 = 60.0;

/// Batch size of a batch center or of the deploy step, items (level and command).
pub const BATCH_SIZE: Bounds<u32> = Bounds {
    min: 1,
    max: 1000,
    unit: "items",
};

/// Why a batch of a given size can never form at a center: the center's WIP limit or its
/// buffer holds fewer items than one batch ([`batch_fits`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchMisfit {
    /// The WIP limit (items) is below the batch size (items).
    WipLimit { limit: u32, batch: u32 },
    /// The drum-buffer-rope buffer (items) is below the batch size (items).
    Buffer { buffer: u32, batch: u32 },
}

impl BatchMisfit {
    /// The level field that holds the number below the batch size: `wip_limit` or `buffer`.
    pub fn field(&self) -> &'static str {
        match self {
            BatchMisfit::WipLimit { .. } => "wip_limit",
            BatchMisfit::Buffer { .. } => "buffer",
        }
    }
}

impl Display for BatchMisfit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BatchMisfit::WipLimit { limit, batch } => write!(
                f,
                "a WIP limit of {limit} below the batch size ({batch}) would never fill a batch"
            ),
            BatchMisfit::Buffer { buffer, batch } => write!(
                f,
                "a buffer of {buffer} below the batch size ({batch}) would never fill a batch"
            ),
        }
    }
}

/// Whether a batch of `batch` items fits a center with this WIP limit and buffer (items;
/// `None` for none): a batch forms only when that many items can wait together, so a limit
/// or a buffer below the batch size would stop the center for good. The one rule behind
/// level validation, `SetBatchSize` and the batch control's range
/// ([`crate::sim::Simulation::batch_sizes`]). (`SetWipLimit` refuses every limit at a batch
/// center: its batch size governs it.)
///
/// # Errors
/// The first number that is too small: the WIP limit, then the buffer.
pub fn batch_fits(
    batch: u32,
    wip_limit: Option<u32>,
    buffer: Option<u32>,
) -> Result<(), BatchMisfit> {
    if let Some(limit) = wip_limit.filter(|&w| w < batch) {
        return Err(BatchMisfit::WipLimit { limit, batch });
    }
    if let Some(buffer) = buffer.filter(|&b| b < batch) {
        return Err(BatchMisfit::Buffer { buffer, batch });
    }
    Ok(())
}

/// WIP limit of a center, items (level and command). At least 1: a limit of 0 would stop
/// the center for good.
pub const WIP_LIMIT: Bounds<u32> = Bounds {
    min: 1,
    max: 1000,
    unit: "items",
};

/// The WIP limit a control proposes when the player switches a limit on, items.
pub const DEFAULT_WIP_LIMIT: u32 = 4;

/// Buffer of drum-buffer-rope: how many released items may be ahead of the drum (level and
/// command).
pub const DBR_BUFFER: Bounds<u32> = Bounds {
    min: 1,
    max: 1000,
    unit: "items",
};

/// The buffer a control proposes when the player switches to drum-buffer-rope, items: about
/// a day of work at the constraint in the shipped levels.
pub const DEFAULT_DBR_BUFFER: u32 = 6;

/// How long a hint stays at least, sim minutes, before it is withdrawn because its
/// trigger no longer holds ([`crate::sim::challenge::HintWatcher::withdrawn`]): long enough
/// to be read at 1× (an hour of sim time is 7.5 real seconds), and so that a condition
/// that wavers does not make the hint flicker.
pub const HINT_MIN_MINUTES: f64 = 60.0;

/// How long a run must have gone before a goal reads "on track" or "off track", workdays
/// ([`crate::sim::challenge::GoalStatus`]): the goals bound rates per workday, means over
/// time and shares of finished work, and before a day's work they measure the empty start
/// (mean WIP and debt 0, nothing finished), not the player's decisions.
pub const GOAL_WARMUP_DAYS: f64 = 1.0;

/// Share of every worker's time reserved for improvement work (level and command). The
/// upper half is closed: *The Phoenix Project*'s "20% time" is well inside it, and above a
/// half improvement work would crowd out the work it improves.
pub const IMPROVEMENT_SHARE: Bounds<f64> = Bounds {
    min: 0.0,
    max: 0.5,
    unit: "",
};

/// How often the change advisory board meets, workdays between meetings (level and command).
pub const BOARD_INTERVAL_DAYS: Bounds<f64> = Bounds {
    min: 0.01,
    max: 365.0,
    unit: "workdays",
};

/// Length of a level or of a command-line run, workdays. The minimum is excluded (a run of
/// 0 days is none): validation and the CLI check `min < days <= max`, not [`Bounds::check`].
pub const LEVEL_DAYS: Bounds<f64> = Bounds {
    min: 0.0,
    max: 3650.0,
    unit: "workdays",
};

/// Whether `days` is a length of a level or of a run: in `(LEVEL_DAYS.min, LEVEL_DAYS.max]`,
/// workdays. The one check behind level validation (`days`) and `flowkata-cli --days`.
///
/// # Errors
/// "must be a number of workdays in (0, 3650], got d".
pub fn check_days(days: f64) -> Result<(), String> {
    if days > LEVEL_DAYS.min && days <= LEVEL_DAYS.max {
        Ok(())
    } else {
        Err(format!(
            "must be a number of workdays in ({}, {}], got {days}",
            LEVEL_DAYS.min, LEVEL_DAYS.max
        ))
    }
}

/// Length of a workday, sim minutes.
pub const MINUTES_PER_DAY: Bounds<f64> = Bounds {
    min: 1.0,
    max: 1440.0,
    unit: "minutes",
};

/// A worker's speed at a skill, as a factor on nominal speed: from a hundredth to a hundred
/// times nominal (a speed near 0 would make a task last forever).
pub const SKILL_SPEED: Bounds<f64> = Bounds {
    min: 0.01,
    max: 100.0,
    unit: "× nominal",
};

/// An amount of money: an item's value, its value when late, an outage's cost per hour. A
/// billion is far above any level's economics and keeps every total finite (10⁸ events at
/// most, times 10⁹, is 10¹⁷).
pub const MONEY: Bounds<f64> = Bounds {
    min: 0.0,
    max: 1e9,
    unit: "money",
};

/// The coefficient of variation of a lognormal or gamma distribution, when it is not 0 (no
/// variation: the mean every time). Below 1% a gamma's shape 1/cv² passes 10⁴ and
/// Marsaglia and Tsang's acceptance test, d(1 − v + ln v), loses its precision to
/// cancellation (at a cv of 10⁻³²⁰ the shape is infinite and no draw is ever accepted);
/// above 10 the distribution is a spike at 0 with rare huge values, no model of work.
pub const CV: Bounds<f64> = Bounds {
    min: 0.01,
    max: 10.0,
    unit: "",
};

/// The largest value of a distribution of times (efforts, setups, detection, interarrival
/// times), sim minutes: about 57 years of 480-minute workdays, so that no event time or
/// remaining work can overflow.
pub const MAX_DURATION: f64 = 1e7;

/// A goal's bound (`at_least`, `at_most`), in its metric's unit: any figure a run can
/// produce is far inside it, and a bound outside it is a typing error.
pub const GOAL_BOUND: Bounds<f64> = Bounds {
    min: -1e12,
    max: 1e12,
    unit: "",
};

/// Technical debt a level adds at once or per act (`debt.initial`, `debt.per_skipped_step`,
/// `debt.per_expedite`), points.
pub const DEBT_POINTS: Bounds<f64> = Bounds {
    min: 0.0,
    max: 1e6,
    unit: "points",
};

/// Technical debt one improvement round pays down (`effect: PayDebt(points)`), points.
pub const DEBT_PAYDOWN: Bounds<f64> = Bounds {
    min: 0.0,
    max: 1e9,
    unit: "points",
};

/// Technical debt a hint may wait for (`DebtAbove(points)`), points: any debt a run reaches.
pub const DEBT_TRIGGER: Bounds<f64> = Bounds {
    min: 0.0,
    max: 1e12,
    unit: "points",
};

/// A change's relative weight of a risk class (`risk.standard`, `.medium`, `.high`).
pub const RISK_WEIGHT: Bounds<f64> = Bounds {
    min: 0.0,
    max: 1e9,
    unit: "",
};

/// The window in which two changes to one system collide (`changes.collision_window`), sim
/// minutes.
pub const COLLISION_WINDOW: Bounds<f64> = Bounds {
    min: 0.0,
    max: 1e6,
    unit: "minutes",
};

/// Base rate of outages, outages per workday.
pub const OUTAGE_BASE_RATE: Bounds<f64> = Bounds {
    min: 0.0,
    max: 1000.0,
    unit: "per workday",
};

/// Rounds an improvement may have.
pub const IMPROVEMENT_ROUNDS: Bounds<u32> = Bounds {
    min: 1,
    max: 1000,
    unit: "rounds",
};

/// Rounds of an improvement-kata drill ([`crate::sim::kata::Drill`]).
pub const DRILL_ROUNDS: Bounds<u32> = Bounds {
    min: 1,
    max: 12,
    unit: "rounds",
};

/// Length of a drill's round, workdays.
pub const DRILL_ROUND_DAYS: Bounds<f64> = Bounds {
    min: 0.25,
    max: 60.0,
    unit: "workdays",
};

/// Wall-clock minutes a drill's round may be timed to (the facilitator's timer).
pub const DRILL_ROUND_MINUTES: Bounds<f64> = Bounds {
    min: 1.0,
    max: 120.0,
    unit: "minutes",
};

/// The facilitator's round timer from the minutes typed in the drill form: 0 (or less)
/// means no timer; any other value is clamped into [`DRILL_ROUND_MINUTES`]. The form, its
/// link and the page address all read the timer through this.
pub fn round_timer(minutes: f64) -> Option<f64> {
    (minutes > 0.0).then(|| minutes.clamp(DRILL_ROUND_MINUTES.min, DRILL_ROUND_MINUTES.max))
}

/// Seeds one call may run: independent replications ([`crate::sim::replicate`],
/// `flowkata-cli run --replications`), paired seeds of a balance and the luck-versus-skill
/// analysis ([`crate::sim::luck`]; the debrief runs [`LUCK_DEFAULT_REPLICATIONS`],
/// `flowkata-cli luck --replications` takes any in range).
pub const REPLICATIONS: Bounds<u32> = Bounds {
    min: 1,
    max: 100_000,
    unit: "seeds",
};

/// Seeds the debrief's luck band runs: at least 200, so the band's 5th and 95th percentiles
/// rest on ten seeds each and a share's 95% margin is at most ±7 points
/// (1.96·√(0.25/200)).
pub const LUCK_DEFAULT_REPLICATIONS: u32 = 200;

/// The largest run file or run link (decompressed) the game and the CLI read, bytes: a
/// `phoenix` run with a command every sim minute is far below it, and a larger file is
/// refused before it is parsed.
pub const MAX_RUN_FILE_BYTES: usize = 4 * 1024 * 1024;

/// The most commands a run file may hold.
pub const MAX_RUN_COMMANDS: usize = 100_000;

/// The most events a level may expect over its days, by [`crate::sim::Level::expected_events`].
/// The engine processes about ten million events a second natively and a few million in
/// the browser, so this is tens of seconds of engine time: any level above it is an absurd
/// one (a mean of 10⁻³²⁰ minutes between arrivals), never a playable one. The busiest
/// shipped level, `phoenix`, expects about 10⁴.
pub const MAX_EXPECTED_EVENTS: f64 = 1e8;

/// Whether a run expected to take `expected` events ([`crate::sim::Level::expected_events`])
/// may run: at most [`MAX_EXPECTED_EVENTS`]. The one check behind level validation and
/// `flowkata-cli --days`; each adds what it blames (a field, the argument).
///
/// # Errors
/// "about N events, more than the 1e8 any run may take".
pub fn check_expected_events(expected: f64) -> Result<(), String> {
    if expected <= MAX_EXPECTED_EVENTS {
        Ok(())
    } else {
        Err(format!(
            "about {expected:.1e} events, more than the {MAX_EXPECTED_EVENTS:.0e} any run may take"
        ))
    }
}

/// A run's event budget is this many times its level's expected event count (plus
/// [`EVENT_BUDGET_FLOOR`]). The estimate counts every arrival, every step, every outage and
/// every sample, so a run that processes ten times as many events has met something the
/// estimate cannot see (work that takes no time, a rate that explodes with debt) and is
/// stopped with [`crate::sim::RunError::EventBudget`] instead of running on.
pub const EVENT_BUDGET_FACTOR: f64 = 10.0;

/// Events every run may process whatever its estimate (a small level's paused and resumed
/// tasks, rescheduled outage strikes and board meetings are not in the estimate).
pub const EVENT_BUDGET_FLOOR: u64 = 1_000_000;

/// Most goals a level's challenge may state: one to three keep a challenge readable (the
/// HUD shows each one).
pub const MAX_GOALS: usize = 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_fits_when_the_limit_and_the_buffer_each_hold_it() {
        assert_eq!(batch_fits(4, None, None), Ok(()));
        assert_eq!(batch_fits(4, Some(4), Some(4)), Ok(()));
        let wip = batch_fits(4, Some(3), Some(1)).unwrap_err();
        assert_eq!(wip, BatchMisfit::WipLimit { limit: 3, batch: 4 });
        assert_eq!(wip.field(), "wip_limit");
        let buffer = batch_fits(4, Some(9), Some(2)).unwrap_err();
        assert_eq!(buffer.field(), "buffer");
        assert_eq!(
            buffer.to_string(),
            "a buffer of 2 below the batch size (4) would never fill a batch"
        );
    }
}
