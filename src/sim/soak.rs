//! Soak runs: a long run of a level that checks the engine keeps its footprint flat and its
//! figures finite. `flowkata-cli soak` runs it for as long as asked (365 workdays by
//! default); `tests/soak.rs` runs it on a modest horizon.
//!
//! What is checked, at [`CHECKPOINTS`] evenly spaced times:
//! - **Working state stays flat**: each entry of [`Footprint::working`] in the second half
//!   of the run is at most [`WORKING_GROWTH`] times its peak in the first half, plus
//!   [`WORKING_SLACK`]. In a stable level the working state is a stationary process, so its
//!   peak over the second half is as likely to be below the first half's as above it, and
//!   exceeding twice the first half's peak needs a fluctuation far beyond its usual range;
//!   a leak (state that grows with the run) doubles between the middle and the end.
//! - **History grows at most linearly**: each entry of [`Footprint::history`] at the end is
//!   at most [`HISTORY_GROWTH`] times its value at the middle, plus [`WORKING_SLACK`]
//!   (linear growth gives 2×; anything faster gives more).
//! - **No figure becomes NaN or infinite**: every number of the report at every checkpoint.

use super::command::Command;
use super::engine::{Footprint, SimTime, Simulation};
use super::level::Level;

/// How many checkpoints a soak run takes.
pub const CHECKPOINTS: usize = 20;
/// Allowed growth of a working-state entry's peak from the first half to the second.
pub const WORKING_GROWTH: f64 = 2.0;
/// Entries allowed on top of the growth factors (small counts fluctuate by a few).
pub const WORKING_SLACK: usize = 16;
/// Allowed growth of a history entry from the middle of the run to its end (linear: 2).
pub const HISTORY_GROWTH: f64 = 2.2;

/// One checkpoint of a soak run.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Checkpoint {
    /// Sim time, workdays.
    pub day: f64,
    /// Events processed so far.
    pub events: u64,
    /// The footprint at this time.
    pub footprint: Footprint,
}

/// The outcome of a soak run.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Soak {
    /// Level id.
    pub level: String,
    /// Seed.
    pub seed: u64,
    /// The checkpoints, in time order.
    pub checkpoints: Vec<Checkpoint>,
    /// What failed: a working-state entry that grew, a history entry that grew faster than
    /// linearly, a figure that is not finite, or a run that stopped on its event budget.
    /// Empty when the soak passed.
    pub problems: Vec<String>,
}

/// Runs `level` with `seed` for `days` workdays, applying `log`, and checks its footprint
/// and figures at [`CHECKPOINTS`] times (see the module docs).
///
/// # Errors
/// A message when the command log is refused.
pub fn soak(level: &Level, seed: u64, days: f64, log: &[Command]) -> Result<Soak, String> {
    let end: SimTime = days * level.calendar.minutes_per_day;
    let mut sim = Simulation::with_duration(level.clone(), seed, end);
    sim.apply_log(log)?;
    let mut checkpoints = Vec::with_capacity(CHECKPOINTS);
    let mut problems = Vec::new();
    for k in 1..=CHECKPOINTS {
        let t = end * k as f64 / CHECKPOINTS as f64;
        sim.advance_to(t);
        if let Some(e) = sim.halted() {
            problems.push(e.to_string());
            break;
        }
        for path in non_finite_figures(&sim.report()) {
            problems.push(format!(
                "day {:.1}: {path} is not finite",
                t / level.calendar.minutes_per_day
            ));
        }
        checkpoints.push(Checkpoint {
            day: t / level.calendar.minutes_per_day,
            events: sim.events_processed(),
            footprint: sim.footprint(),
        });
    }
    if checkpoints.len() == CHECKPOINTS {
        problems.extend(growth_problems(&checkpoints));
    }
    Ok(Soak {
        level: level.id.clone(),
        seed,
        checkpoints,
        problems,
    })
}

/// The growth checks of the module docs over complete checkpoints.
fn growth_problems(cps: &[Checkpoint]) -> Vec<String> {
    let half = cps.len() / 2;
    let (first, second) = cps.split_at(half);
    let mut problems = Vec::new();
    let peak = |cps: &[Checkpoint], i: usize| {
        cps.iter()
            .map(|c| c.footprint.working()[i].1)
            .max()
            .unwrap_or(0)
    };
    for (i, (name, _)) in cps[0].footprint.working().iter().enumerate() {
        let (a, b) = (peak(first, i), peak(second, i));
        if b as f64 > WORKING_GROWTH * a as f64 + WORKING_SLACK as f64 {
            problems.push(format!(
                "working state {name} grew: peak {a} in the first half, {b} in the second"
            ));
        }
    }
    let (mid, last) = (&cps[half - 1].footprint, &cps[cps.len() - 1].footprint);
    for ((name, m), (_, e)) in mid.history().iter().zip(last.history()) {
        if e as f64 > HISTORY_GROWTH * *m as f64 + WORKING_SLACK as f64 {
            problems.push(format!(
                "history {name} grew faster than the run: {m} at the middle, {e} at the end"
            ));
        }
    }
    problems
}

/// The paths of the numbers in `report` that are NaN or infinite. The report goes through
/// RON, which keeps NaN and infinities as numbers (JSON would turn them into `null`, which
/// cannot be told from a metric that is rightly absent).
pub fn non_finite_figures(report: &impl serde::Serialize) -> Vec<String> {
    let mut out = Vec::new();
    match ron::to_string(report).map(|text| ron::from_str::<ron::Value>(&text)) {
        Ok(Ok(v)) => walk("", &v, &mut out),
        Ok(Err(e)) => out.push(format!("(report does not read back: {e})")),
        Err(e) => out.push(format!("(report does not serialize: {e})")),
    }
    out
}

fn walk(path: &str, v: &ron::Value, out: &mut Vec<String>) {
    match v {
        ron::Value::Number(n) if !n.into_f64().is_finite() => out.push(path.to_string()),
        ron::Value::Map(m) => {
            for (k, x) in m.iter() {
                let key = match k {
                    ron::Value::String(s) => s.clone(),
                    other => format!("{other:?}"),
                };
                walk(&format!("{path}.{key}"), x, out);
            }
        }
        ron::Value::Seq(a) => {
            for (i, x) in a.iter().enumerate() {
                walk(&format!("{path}[{i}]"), x, out);
            }
        }
        ron::Value::Option(Some(x)) => walk(path, x, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nan_or_an_infinity_anywhere_in_a_report_is_found_and_named() {
        let mut sim = Simulation::new(Level::embedded("brent").expect("embedded"), 1);
        sim.advance_to(600.0);
        let mut report = sim.report();
        assert!(non_finite_figures(&report).is_empty());
        report.run.value_delivered = f64::NAN;
        report.centers[1].mean_wait = f64::INFINITY;
        let bad = non_finite_figures(&report);
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert!(
            bad.iter().any(|p| p.ends_with("value_delivered")),
            "{bad:?}"
        );
        assert!(bad.iter().any(|p| p.contains("mean_wait")), "{bad:?}");
    }
}
