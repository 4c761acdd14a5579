//! Luck versus skill: how much of a run's score came from its decisions and how much from
//! its seed.
//!
//! A run's **standing policy** is its commands that do not name an outage or an item
//! (everything but [`Action::is_operational`]: triage, postmortem, expedite and refuse name
//! ids that exist only on that seed), at their sim times. The policy is replayed on other
//! seeds, and so is the level's **naive baseline** (no commands), on the same seeds
//! (common random numbers, as in [`crate::sim::balance`]). Two figures come out:
//! - the share of seeds on which the policy scores strictly more than the baseline on the
//!   same seed ("your decisions beat doing nothing on X% of seeds");
//! - the run's actual score as a percentile of the policy's scores (mid-rank: the share of
//!   seeds scoring below it plus half the share scoring the same), "this run's luck".
//!
//! A standing command that another seed's run refuses (a WIP limit on a center being
//! skipped at that moment, say) is skipped and counted, never fatal.
//!
//! [`LuckJob`] runs the replications a few at a time, so the browser can spread them over
//! frames; [`luck`] runs them all at once for `flowkata-cli luck`.

use serde::Serialize;

use super::command::{Action, Command};
use super::engine::Simulation;
use super::level::Level;
use super::replicate::{nearest_rank_quantiles, replication_seed};
use super::rules;

/// A run's commands split into its standing policy and the operational commands left out.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StandingPolicy {
    /// The standing commands, in order, at their times.
    pub kept: Vec<Command>,
    /// The operational commands (triage, postmortem, expedite, refuse) left out.
    pub left_out: Vec<Command>,
}

impl StandingPolicy {
    /// Splits `commands` into the standing policy and the commands left out.
    pub fn of(commands: &[Command]) -> StandingPolicy {
        let (left_out, kept) = commands
            .iter()
            .cloned()
            .partition(|c: &Command| c.action.is_operational());
        StandingPolicy { kept, left_out }
    }

    /// How many commands of each operational kind were left out, as a phrase:
    /// `3 triages, 1 expedite`; empty when none were.
    pub fn left_out_phrase(&self) -> String {
        type Kind = (&'static str, fn(&Action) -> bool);
        let kinds: [Kind; 4] = [
            ("triage", |a| matches!(a, Action::Triage { .. })),
            ("postmortem", |a| matches!(a, Action::Postmortem { .. })),
            ("expedite", |a| matches!(a, Action::Expedite { .. })),
            ("refusal", |a| matches!(a, Action::Refuse { .. })),
        ];
        kinds
            .iter()
            .filter_map(|(name, is)| {
                let n = self.left_out.iter().filter(|c| is(&c.action)).count();
                (n > 0).then(|| format!("{n} {name}{}", if n == 1 { "" } else { "s" }))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The result of the luck analysis.
#[derive(Clone, Debug, Serialize)]
pub struct LuckReport {
    /// Level id.
    pub level: String,
    /// The run's own seed; the replications' seeds derive from it
    /// ([`replication_seed`]`(seed, i)`), skipping the seed itself.
    pub seed: u64,
    /// The run's score, money.
    pub actual_score: f64,
    /// Standing commands replayed on every seed.
    pub kept: usize,
    /// Operational commands left out, and which.
    pub left_out: usize,
    /// [`StandingPolicy::left_out_phrase`].
    pub left_out_kinds: String,
    /// Standing commands another seed's run refused, summed over the seeds.
    pub skipped: u64,
    /// Seeds on which at least one standing command was refused.
    pub seeds_with_skips: usize,
    /// The replications' seeds, in order.
    pub seeds: Vec<u64>,
    /// The policy's score on each seed, money.
    pub policy_scores: Vec<f64>,
    /// The baseline's score on each seed, money.
    pub baseline_scores: Vec<f64>,
    /// Share of seeds, 0–1, on which the policy scores strictly more than the baseline.
    pub beats_baseline: f64,
    /// Share of seeds, 0–1, on which they score the same.
    pub ties: f64,
    /// The actual score's mid-rank percentile among the policy's scores, 0–100.
    pub percentile: f64,
    /// The policy's scores at [`BAND_QUANTILES`], money.
    pub policy_band: [f64; 5],
    /// The baseline's scores at [`BAND_QUANTILES`], money.
    pub baseline_band: [f64; 5],
}

/// The quantiles the band chart draws: 5th, 25th, 50th, 75th and 95th percentiles
/// (nearest rank).
pub const BAND_QUANTILES: [f64; 5] = [0.05, 0.25, 0.50, 0.75, 0.95];

impl LuckReport {
    /// "Your decisions beat doing nothing on 87% of seeds."
    pub fn skill_sentence(&self) -> String {
        format!(
            "Your decisions beat doing nothing on {:.0}% of seeds ({} seeds).",
            self.beats_baseline * 100.0,
            self.seeds.len()
        )
    }

    /// "This run's luck: your score is at the 64th percentile of what your decisions earn."
    pub fn luck_sentence(&self) -> String {
        let p = self.percentile.round() as u32;
        let suffix = match (p % 10, p % 100) {
            (_, 11..=13) => "th",
            (1, _) => "st",
            (2, _) => "nd",
            (3, _) => "rd",
            _ => "th",
        };
        format!(
            "This run's luck: your score is at the {p}{suffix} percentile of what your decisions earn."
        )
    }

    /// What was left out of the replay and what was skipped, in words.
    pub fn caveat(&self) -> String {
        let mut s = if self.left_out == 0 {
            match self.kept {
                0 => "No decisions: this run is the baseline itself.".to_string(),
                1 => "Its one decision was replayed on every seed.".to_string(),
                n => format!("All {n} decisions were replayed on every seed."),
            }
        } else {
            format!(
                "Replayed {} standing decision{}; left out {} that name an outage or an item of this seed ({}).",
                self.kept,
                if self.kept == 1 { "" } else { "s" },
                self.left_out,
                self.left_out_kinds
            )
        };
        if self.skipped > 0 {
            s.push_str(&format!(
                " {} command{} refused on {} seed{} and skipped.",
                self.skipped,
                if self.skipped == 1 { " was" } else { "s were" },
                self.seeds_with_skips,
                if self.seeds_with_skips == 1 { "" } else { "s" }
            ));
        }
        s
    }
}

/// Runs `level` with `seed`, applying `commands` at their times and skipping the ones the
/// run refuses, to the end. Returns the score (money) and the number skipped.
pub fn run_policy(level: &Level, seed: u64, commands: &[Command]) -> (f64, u64) {
    let mut sim = Simulation::new(level.clone(), seed);
    let mut skipped = 0;
    for c in commands {
        sim.advance_to(c.at);
        if sim.apply(c.action.clone()).is_err() {
            skipped += 1;
        }
    }
    sim.run_to_end();
    (sim.score(), skipped)
}

/// The luck analysis in progress: replications run a few at a time by [`LuckJob::step`].
#[derive(Clone, Debug)]
pub struct LuckJob {
    level: Level,
    seed: u64,
    actual_score: f64,
    policy: StandingPolicy,
    seeds: Vec<u64>,
    policy_scores: Vec<f64>,
    baseline_scores: Vec<f64>,
    skipped: u64,
    seeds_with_skips: usize,
}

impl LuckJob {
    /// Prepares `replications` seeds for a run of `level` with `seed`, `commands` and score
    /// `actual_score` (money).
    ///
    /// # Errors
    /// A message when `replications` is outside [`rules::REPLICATIONS`].
    pub fn new(
        level: &Level,
        seed: u64,
        commands: &[Command],
        actual_score: f64,
        replications: u32,
    ) -> Result<LuckJob, String> {
        rules::REPLICATIONS
            .check(replications)
            .map_err(|e| format!("replications {e}"))?;
        let seeds: Vec<u64> = (0..)
            .map(|i| replication_seed(seed, i))
            .filter(|&s| s != seed)
            .take(replications as usize)
            .collect();
        Ok(LuckJob {
            level: level.clone(),
            seed,
            actual_score,
            policy: StandingPolicy::of(commands),
            policy_scores: Vec::with_capacity(seeds.len()),
            baseline_scores: Vec::with_capacity(seeds.len()),
            seeds,
            skipped: 0,
            seeds_with_skips: 0,
        })
    }

    /// Runs up to `n` more seeds (the policy and the baseline on each). Returns whether every
    /// seed has run.
    pub fn step(&mut self, n: usize) -> bool {
        for _ in 0..n {
            let i = self.policy_scores.len();
            let Some(&seed) = self.seeds.get(i) else {
                break;
            };
            let (score, skipped) = run_policy(&self.level, seed, &self.policy.kept);
            let (base, _) = run_policy(&self.level, seed, &[]);
            self.policy_scores.push(score);
            self.baseline_scores.push(base);
            self.skipped += skipped;
            self.seeds_with_skips += usize::from(skipped > 0);
        }
        self.is_done()
    }

    /// Whether every seed has run.
    pub fn is_done(&self) -> bool {
        self.policy_scores.len() == self.seeds.len()
    }

    /// Seeds run so far and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.policy_scores.len(), self.seeds.len())
    }

    /// The standing policy being replayed.
    pub fn policy(&self) -> &StandingPolicy {
        &self.policy
    }

    /// The report over the seeds run so far; `None` before the first.
    pub fn report(&self) -> Option<LuckReport> {
        let n = self.policy_scores.len();
        if n == 0 {
            return None;
        }
        let pairs = self.policy_scores.iter().zip(&self.baseline_scores);
        let wins = pairs.clone().filter(|(p, b)| p > b).count();
        let ties = pairs.filter(|(p, b)| p == b).count();
        let below = self
            .policy_scores
            .iter()
            .filter(|&&s| s < self.actual_score)
            .count();
        let equal = self
            .policy_scores
            .iter()
            .filter(|&&s| s == self.actual_score)
            .count();
        Some(LuckReport {
            level: self.level.id.clone(),
            seed: self.seed,
            actual_score: self.actual_score,
            kept: self.policy.kept.len(),
            left_out: self.policy.left_out.len(),
            left_out_kinds: self.policy.left_out_phrase(),
            skipped: self.skipped,
            seeds_with_skips: self.seeds_with_skips,
            seeds: self.seeds[..n].to_vec(),
            policy_scores: self.policy_scores.clone(),
            baseline_scores: self.baseline_scores.clone(),
            beats_baseline: wins as f64 / n as f64,
            ties: ties as f64 / n as f64,
            percentile: 100.0 * (below as f64 + 0.5 * equal as f64) / n as f64,
            policy_band: band(&self.policy_scores),
            baseline_band: band(&self.baseline_scores),
        })
    }
}

/// The nearest-rank [`BAND_QUANTILES`] of `xs` (not empty).
fn band(xs: &[f64]) -> [f64; 5] {
    nearest_rank_quantiles(xs, BAND_QUANTILES)
}

/// The whole luck analysis of a run of `level` with `seed` and `commands`: replays the run
/// for its actual score, then the standing policy and the baseline on `replications` other
/// seeds.
///
/// # Errors
/// A message when the run's commands do not replay on its own seed, or `replications` is
/// out of range.
pub fn luck(
    level: &Level,
    seed: u64,
    commands: &[Command],
    replications: u32,
) -> Result<LuckReport, String> {
    let actual = Simulation::replay(level.clone(), seed, commands)?.score();
    let mut job = LuckJob::new(level, seed, commands, actual, replications)?;
    job.step(usize::MAX);
    Ok(job.report().expect("at least one replication ran"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinal_suffixes_are_english() {
        let mut r = luck(&Level::embedded("first-day").unwrap(), 1, &[], 1).unwrap();
        for (p, want) in [
            (1.0, "1st"),
            (2.0, "2nd"),
            (3.0, "3rd"),
            (11.0, "11th"),
            (12.0, "12th"),
            (22.0, "22nd"),
            (64.0, "64th"),
            (100.0, "100th"),
        ] {
            r.percentile = p;
            assert!(
                r.luck_sentence().contains(&format!(" {want} ")),
                "{p}: {}",
                r.luck_sentence()
            );
        }
    }
}
