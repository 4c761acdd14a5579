//! The debrief's time scrub: the state of a run at any sim time, recomputed by deterministic
//! replay of its level, seed and command log.
//!
//! Replaying from zero to a late time costs as much as the run itself, so the [`Scrubber`]
//! keeps a snapshot (a clone of the simulation) every [`SNAPSHOT_EVERY_DAYS`] workdays,
//! taken on one replay when it is built. A seek starts from the last snapshot at or before
//! the time asked and replays at most that far; moving forward from the current view (while
//! playing) only advances it. Either way the state is the one a run advanced to that time
//! would have, bit for bit, as the engine is frame-independent.

use super::command::Command;
use super::engine::{SimTime, Simulation};

/// Workdays between two snapshots, at least.
pub const SNAPSHOT_EVERY_DAYS: f64 = 1.0;

/// The most snapshots a scrub keeps: a longer run spaces them further apart, so a year-long
/// custom level keeps its memory bounded (each snapshot holds the run's history so far).
pub const MAX_SNAPSHOTS: usize = 64;

/// A snapshot: the simulation at its `now`, with every command at or before that time
/// applied, and how many commands that is.
#[derive(Clone, Debug)]
struct Snapshot {
    sim: Simulation,
    applied: usize,
}

/// Replays a finished (or saved) run to any time of it.
#[derive(Clone, Debug)]
pub struct Scrubber {
    commands: Vec<Command>,
    snapshots: Vec<Snapshot>,
    view: Snapshot,
    end: SimTime,
}

impl Scrubber {
    /// Replays `run` (its level, seed, length and commands) once, taking snapshots, up to
    /// the time it reached. The view starts at time 0.
    ///
    /// # Errors
    /// The replay's message when its commands do not replay (a run that did replay once
    /// always does again).
    pub fn new(run: &Simulation) -> Result<Scrubber, String> {
        let level = run.level().clone();
        let mpd = level.calendar.minutes_per_day;
        let commands = run.commands().to_vec();
        let end = run.now();
        let every = (SNAPSHOT_EVERY_DAYS * mpd).max(end / MAX_SNAPSHOTS as f64);
        let mut sim = Simulation::with_duration(level, run.seed(), run.end());
        sim.keep_item_history();
        let start = Snapshot {
            sim: sim.clone(),
            applied: 0,
        };
        let mut snapshots = vec![start.clone()];
        let mut applied = 0;
        let mut t = every;
        while t < end {
            applied = apply_until(&mut sim, &commands, applied, t)?;
            sim.advance_to(t);
            snapshots.push(Snapshot {
                sim: sim.clone(),
                applied,
            });
            t += every;
        }
        Ok(Scrubber {
            commands,
            snapshots,
            view: start,
            end,
        })
    }

    /// The time the scrub runs to (the run's time when it was opened), sim minutes.
    pub fn end(&self) -> SimTime {
        self.end
    }

    /// Snapshots kept.
    pub fn snapshots(&self) -> usize {
        self.snapshots.len()
    }

    /// The run at the current position.
    pub fn view(&self) -> &Simulation {
        &self.view.sim
    }

    /// Moves to sim time `t` (clamped to [0, end]) and returns the run there: every event
    /// at or before `t` processed and every command at or before `t` applied.
    pub fn seek(&mut self, t: SimTime) -> &Simulation {
        let t = if t.is_nan() {
            0.0
        } else {
            t.clamp(0.0, self.end)
        };
        if t < self.view.sim.now() {
            let k = self
                .snapshots
                .iter()
                .rposition(|s| s.sim.now() <= t)
                .unwrap_or(0);
            self.view = self.snapshots[k].clone();
        }
        let v = &mut self.view;
        // A run that replayed once replays again: a refusal here cannot happen.
        if let Ok(applied) = apply_until(&mut v.sim, &self.commands, v.applied, t) {
            v.applied = applied;
        }
        v.sim.advance_to(t);
        &self.view.sim
    }
}

/// Applies `commands[from..]` whose time is at or before `t`, advancing `sim` to each.
/// Returns how many commands are now applied.
fn apply_until(
    sim: &mut Simulation,
    commands: &[Command],
    from: usize,
    t: SimTime,
) -> Result<usize, String> {
    let mut applied = from;
    while let Some(c) = commands.get(applied).filter(|c| c.at <= t) {
        sim.advance_to(c.at);
        sim.apply(c.action.clone())
            .map_err(|e| format!("command {applied} ({:?}): {e}", c.action))?;
        applied += 1;
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Action, Level};

    fn played() -> Simulation {
        let mut sim = Simulation::new(Level::embedded("phoenix").unwrap(), 4);
        sim.advance_to(700.0);
        sim.apply(Action::ProtectConstraint { on: true }).unwrap();
        sim.advance_to(2400.0);
        sim.apply(Action::SetBatchSize {
            size: 3,
            center: None,
        })
        .unwrap();
        sim.run_to_end();
        sim
    }

    /// The state at t, reached by seeking backwards and forwards in any order, is the state
    /// of a run advanced to t with the commands up to t.
    #[test]
    fn seeking_gives_the_state_of_a_run_advanced_to_that_time() {
        let run = played();
        let mut scrub = Scrubber::new(&run).unwrap();
        assert!(scrub.snapshots() > 5);
        for t in [5000.0, 700.0, 699.0, 2400.0, 3000.5, 0.0, run.now(), 1234.5] {
            let mut direct = Simulation::new(run.level().clone(), run.seed());
            let upto: Vec<Command> = run
                .commands()
                .iter()
                .filter(|c| c.at <= t)
                .cloned()
                .collect();
            direct.apply_log(&upto).unwrap();
            direct.advance_to(t);
            let seen = scrub.seek(t);
            assert_eq!(seen.now(), t);
            assert_eq!(seen.state_hash(), direct.state_hash(), "at {t}");
        }
        // Beyond the end clamps to the end, which is the run itself.
        assert_eq!(scrub.seek(1e12).state_hash(), run.state_hash());
    }

    /// A long run keeps at most [`MAX_SNAPSHOTS`] snapshots, and seeks still land exactly.
    #[test]
    fn a_long_run_keeps_a_bounded_number_of_snapshots() {
        let level = Level::embedded("mm1").unwrap();
        let mpd = level.calendar.minutes_per_day;
        let mut run = Simulation::with_duration(level.clone(), 2, 200.0 * mpd);
        run.run_to_end();
        let mut scrub = Scrubber::new(&run).unwrap();
        assert!(
            scrub.snapshots() <= MAX_SNAPSHOTS + 1,
            "{}",
            scrub.snapshots()
        );
        let t = 123.4 * mpd;
        let mut direct = Simulation::with_duration(level, 2, 200.0 * mpd);
        direct.advance_to(t);
        assert_eq!(scrub.seek(t).state_hash(), direct.state_hash());
    }
}
