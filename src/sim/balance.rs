//! Level balance: whether a level teaches what it claims. "Protecting Brent raises the
//! score" is a statistical claim about a level, so it is tested the way simulation studies
//! compare designs: every policy (a command log of standing decisions) is run on the same
//! seeds, so that each seed's arrivals, efforts and outages are the same for every policy
//! (common random numbers; Law, *Simulation Modeling and Analysis*, 5th ed., §11.2), and
//! policies are compared seed by seed.
//!
//! For each policy the report gives its mean score with the half-width of the 95%
//! confidence interval (Student's t, see [`crate::sim::replicate`]), the share of seeds on
//! which it scores strictly more than the baseline policy on the same seed, and the share of
//! seeds that reach each number of stars. `flowkata-cli balance` prints it.

use serde::Serialize;

use super::command::Command;
use super::level::Level;
use super::replicate::{Estimate, nearest_rank_quantiles, replicate};

/// One policy to compare: a name and a command log of standing decisions (commands that
/// name an outage or an item by id cannot carry across seeds).
#[derive(Clone, Debug)]
pub struct Policy {
    /// Name shown in the table (`none`, `naive`, `good`).
    pub name: String,
    /// The command log.
    pub commands: Vec<Command>,
}

/// How one policy fares over the paired seeds.
#[derive(Clone, Debug, Serialize)]
pub struct PolicyBalance {
    /// The policy's name.
    pub name: String,
    /// Commands in its log.
    pub commands: usize,
    /// Score, money: mean and 95% confidence half-width.
    pub score: Estimate,
    /// Score quantiles over the seeds, money: the 10th, 25th, 50th, 75th and 90th
    /// percentiles (nearest rank), from which star thresholds are set.
    pub score_quantiles: [f64; 5],
    /// Share of seeds, 0–1, on which this policy scores strictly more than the baseline on
    /// the same seed (0 for the baseline itself).
    pub beats_baseline: f64,
    /// Share of seeds, 0–1, ending with 0, 1, 2 and 3 stars.
    pub stars: [f64; 4],
    /// Share of seeds, 0–1, with at least one star.
    pub one_star_or_more: f64,
    /// Share of seeds, 0–1, on which every goal of the level is met.
    pub all_goals_met: f64,
    /// Each goal of the level, in order.
    pub goals: Vec<GoalBalance>,
}

/// How one goal fares under a policy over the paired seeds.
#[derive(Clone, Debug, Serialize)]
pub struct GoalBalance {
    /// The goal as a sentence.
    pub goal: String,
    /// Share of seeds, 0–1, on which it is met.
    pub met: f64,
    /// The metric's value (in its unit) over the seeds where it has one: mean and 95%
    /// half-width; `null` when it never had one.
    pub value: Option<Estimate>,
}

/// The balance of a level: every policy over the same seeds.
#[derive(Clone, Debug, Serialize)]
pub struct Balance {
    /// Level id.
    pub level: String,
    /// Base seed of the replications (see [`crate::sim::replicate::replication_seed`]).
    pub base_seed: u64,
    /// The seeds, shared by every policy.
    pub seeds: Vec<u64>,
    /// Name of the baseline policy the others are compared with.
    pub baseline: String,
    /// The policies, in the order given.
    pub policies: Vec<PolicyBalance>,
}

/// Runs every policy on the same `r` seeds derived from `base_seed`, over the level's full
/// length, on up to `threads` threads, and compares each with `policies[baseline]`.
///
/// # Errors
/// A message when there is no policy, `baseline` is out of range, `r` is out of range (see
/// [`crate::sim::rules::REPLICATIONS`]), or a policy's log is refused on some seed
/// (naming the policy).
pub fn balance(
    level: &Level,
    policies: &[Policy],
    baseline: usize,
    base_seed: u64,
    r: u32,
    threads: usize,
) -> Result<Balance, String> {
    let Some(base) = policies.get(baseline) else {
        return Err(format!(
            "no baseline policy {baseline} among {} policies",
            policies.len()
        ));
    };
    let runs = policies
        .iter()
        .map(|p| {
            replicate(level, base_seed, level.duration(), &p.commands, r, threads)
                .map_err(|e| format!("policy {:?}: {e}", p.name))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let base_scores = &runs[baseline].scores;
    let n = base_scores.len() as f64;
    let policies = policies
        .iter()
        .zip(&runs)
        .map(|(p, run)| {
            let wins = run
                .scores
                .iter()
                .zip(base_scores)
                .filter(|(s, b)| s > b)
                .count();
            let mut stars = [0.0; 4];
            for &s in &run.stars {
                stars[usize::from(s.min(3))] += 1.0 / n;
            }
            let all_goals_met = run
                .goals
                .iter()
                .filter(|gs| gs.iter().all(|g| g.met))
                .count() as f64
                / n;
            let goals = level
                .goals
                .iter()
                .enumerate()
                .map(|(k, g)| {
                    let met = run.goals.iter().filter(|gs| gs[k].met).count() as f64 / n;
                    let values: Vec<f64> = run.goals.iter().filter_map(|gs| gs[k].value).collect();
                    GoalBalance {
                        goal: g.label(),
                        met,
                        value: (!values.is_empty()).then(|| Estimate::of(&values)),
                    }
                })
                .collect();
            PolicyBalance {
                name: p.name.clone(),
                commands: p.commands.len(),
                score: Estimate::of(&run.scores),
                score_quantiles: quantiles(&run.scores),
                beats_baseline: wins as f64 / n,
                stars,
                one_star_or_more: 1.0 - stars[0],
                all_goals_met,
                goals,
            }
        })
        .collect();
    Ok(Balance {
        level: level.id.clone(),
        base_seed,
        seeds: runs[baseline].seeds.clone(),
        baseline: base.name.clone(),
        policies,
    })
}

/// The nearest-rank 10th, 25th, 50th, 75th and 90th percentiles of `xs` (not empty).
fn quantiles(xs: &[f64]) -> [f64; 5] {
    nearest_rank_quantiles(xs, [0.10, 0.25, 0.50, 0.75, 0.90])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Simulation;
    use crate::sim::replicate::replication_seed;

    fn policies() -> Vec<Policy> {
        let protect = crate::sim::parse_command_log(
            "protect.ron",
            "[(at: 0.0, action: ProtectConstraint(on: true))]",
        )
        .expect("valid log");
        vec![
            Policy {
                name: "none".into(),
                commands: Vec::new(),
            },
            Policy {
                name: "protect".into(),
                commands: protect,
            },
        ]
    }

    /// Pairing: each policy's score on seed i is the score of an independent run of that
    /// policy with seed i, and the win share counts exactly the seeds where it is higher.
    #[test]
    fn policies_are_compared_seed_by_seed_on_the_same_seeds() {
        let level = Level::embedded("brent").expect("embedded");
        let ps = policies();
        let b = balance(&level, &ps, 0, 7, 12, 2).expect("runs");
        assert_eq!(b.seeds.len(), 12);
        assert_eq!(b.baseline, "none");
        let score = |p: &Policy, seed: u64| {
            Simulation::replay(level.clone(), seed, &p.commands)
                .expect("runs")
                .score()
        };
        let mut wins = 0;
        for (i, &seed) in b.seeds.iter().enumerate() {
            assert_eq!(seed, replication_seed(7, i as u32));
            if score(&ps[1], seed) > score(&ps[0], seed) {
                wins += 1;
            }
        }
        assert_eq!(b.policies[1].beats_baseline, wins as f64 / 12.0);
        assert_eq!(b.policies[0].beats_baseline, 0.0, "never beats itself");
        for p in &b.policies {
            let total: f64 = p.stars.iter().sum();
            assert!((total - 1.0).abs() < 1e-9, "{p:?}");
        }
    }

    #[test]
    fn a_bad_baseline_or_log_is_an_error_naming_it() {
        let level = Level::embedded("brent").expect("embedded");
        assert!(balance(&level, &policies(), 5, 1, 4, 1).is_err());
        let bad = Policy {
            name: "bad".into(),
            commands: crate::sim::parse_command_log(
                "bad.ron",
                "[(at: 0.0, action: SetWipLimit(center: \"nowhere\", limit: Some(2)))]",
            )
            .expect("parses"),
        };
        let err = balance(&level, &[bad], 0, 1, 4, 1).expect_err("refused");
        assert!(err.contains("\"bad\""), "{err}");
    }
}
