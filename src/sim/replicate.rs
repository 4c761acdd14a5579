//! Independent replications of a run, and their summary statistics.
//!
//! Replication `i` (from 0) of a run with base seed `s` uses the seed
//! [`replication_seed`]`(s, i)` = SplitMix64(SplitMix64(s) + i) (SplitMix64: Steele, Lea and
//! Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014): the inner mix sends
//! neighbouring base seeds far apart, so their replications do not overlap. Every replication has its own random streams and applies the
//! same command log. For each numeric metric of the [`RunReport`] the summary gives the mean
//! over replications and the half-width of its 95% confidence interval,
//! t(0.975, R − 1) · s / √R, with s the sample standard deviation (Student's t; the
//! replications are independent and identically distributed by construction).

pub use super::metrics::{nearest_rank, nearest_rank_quantiles};
use std::collections::BTreeMap;

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

use super::command::Command;
use super::engine::{SimTime, Simulation};
use super::level::Level;
use super::metrics::RunReport;
use super::rules;

/// The seed of replication `i` of a run with base seed `base`:
/// SplitMix64(SplitMix64(base) + i).
pub fn replication_seed(base: u64, i: u32) -> u64 {
    splitmix64(splitmix64(base).wrapping_add(u64::from(i)))
}

/// One step of SplitMix64: the golden-ratio increment, then its finalizer.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The mean of one metric over the replications, and the half-width of its 95% confidence
/// interval, in the metric's own unit.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Estimate {
    /// Mean over the replications that reported the metric.
    pub mean: f64,
    /// Half-width of the 95% confidence interval of the mean; `null` with fewer than two
    /// values.
    pub half_width: Option<f64>,
    /// Sample standard deviation; `null` with fewer than two values.
    pub std_dev: Option<f64>,
    /// How many replications reported the metric (a percentile is absent when nothing
    /// completed).
    pub n: usize,
}

impl Estimate {
    /// The estimate of the values `xs`.
    pub fn of(xs: &[f64]) -> Estimate {
        let n = xs.len();
        let mean = xs.iter().sum::<f64>() / n.max(1) as f64;
        if n < 2 {
            return Estimate {
                mean,
                half_width: None,
                std_dev: None,
                n,
            };
        }
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
        let sd = libm::sqrt(var);
        let t = StudentsT::new(0.0, 1.0, (n - 1) as f64)
            .expect("degrees of freedom are positive")
            .inverse_cdf(0.975);
        Estimate {
            mean,
            half_width: Some(t * sd / libm::sqrt(n as f64)),
            std_dev: Some(sd),
            n,
        }
    }
}

/// The replications of a run and their summary.
#[derive(Clone, Debug, Serialize)]
pub struct Replications {
    /// Level id.
    pub level: String,
    /// Base seed the replications' seeds derive from.
    pub base_seed: u64,
    /// The seed of each replication, in order.
    pub seeds: Vec<u64>,
    /// Per metric (dotted path into the run report, such as `score`,
    /// `run.lead_time_p50` or `centers.dev.mean_wait`), its estimate.
    pub metrics: BTreeMap<String, Estimate>,
    /// Each replication's state hash, in order.
    pub state_hashes: Vec<String>,
    /// Each replication's score, money, in seed order: replications of two command logs
    /// from the same base seed share their seeds, so their scores pair up by index
    /// (common random numbers; see [`crate::sim::balance`]).
    pub scores: Vec<f64>,
    /// Each replication's stars (0–3), in seed order.
    pub stars: Vec<u8>,
    /// Each replication's goals (the level's, in order), in seed order.
    pub goals: Vec<Vec<crate::sim::challenge::GoalResult>>,
}

/// Runs `r` replications of `level` from `base_seed` to sim time `end`, each applying `log`,
/// on up to `threads` threads, and summarizes them.
///
/// # Errors
/// A message when `r` is outside [`rules::REPLICATIONS`], or when the command log is refused
/// in a replication (it names the replication's seed).
pub fn replicate(
    level: &Level,
    base_seed: u64,
    end: SimTime,
    log: &[Command],
    r: u32,
    threads: usize,
) -> Result<Replications, String> {
    rules::REPLICATIONS
        .check(r)
        .map_err(|e| format!("replications {e}"))?;
    let seeds: Vec<u64> = (0..r).map(|i| replication_seed(base_seed, i)).collect();
    let one = |seed: u64| -> Result<(RunReport, String), String> {
        let mut sim = Simulation::with_duration(level.clone(), seed, end);
        sim.apply_log(log)
            .map_err(|e| format!("seed {seed}: {e}"))?;
        sim.run_to_end();
        if let Some(e) = sim.halted() {
            return Err(format!("seed {seed}: {e}"));
        }
        Ok((sim.report(), sim.state_hash()))
    };
    let threads = threads.clamp(1, seeds.len());
    let results: Vec<Result<(RunReport, String), String>> = if threads == 1 {
        seeds.iter().map(|&s| one(s)).collect()
    } else {
        // Each thread takes every `threads`-th seed; results are put back in seed order.
        let mut slots: Vec<Option<Result<(RunReport, String), String>>> = vec![None; seeds.len()];
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|k| {
                    let seeds = &seeds;
                    let one = &one;
                    scope.spawn(move || {
                        (k..seeds.len())
                            .step_by(threads)
                            .map(|i| (i, one(seeds[i])))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for h in handles {
                for (i, res) in h.join().expect("a replication thread panicked") {
                    slots[i] = Some(res);
                }
            }
        });
        slots
            .into_iter()
            .map(|s| s.expect("every seed ran"))
            .collect()
    };
    let mut values: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut state_hashes = Vec::with_capacity(results.len());
    let mut scores = Vec::with_capacity(results.len());
    let mut stars = Vec::with_capacity(results.len());
    let mut goals = Vec::with_capacity(results.len());
    for res in results {
        let (report, hash) = res?;
        scores.push(report.score);
        stars.push(report.stars);
        goals.push(report.goals.clone());
        let json = serde_json::to_value(&report).expect("reports serialize");
        flatten("", &json, &mut values);
        state_hashes.push(hash);
    }
    for key in ["seed", "stars"] {
        values.remove(key);
    }
    Ok(Replications {
        level: level.id.clone(),
        base_seed,
        seeds,
        metrics: values
            .into_iter()
            .map(|(k, xs)| (k, Estimate::of(&xs)))
            .collect(),
        state_hashes,
        scores,
        stars,
        goals,
    })
}

/// Collects every number in `v` under its dotted path. Array elements with an `id` or
/// `name` are keyed by it (`centers.dev`), others by index.
fn flatten(prefix: &str, v: &serde_json::Value, out: &mut BTreeMap<String, Vec<f64>>) {
    let join = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match v {
        serde_json::Value::Number(n) => {
            if let Some(x) = n.as_f64() {
                out.entry(prefix.to_string()).or_default().push(x);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, x) in map {
                flatten(&join(k), x, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                let key = x
                    .get("id")
                    .or_else(|| x.get("name"))
                    .and_then(|k| k.as_str())
                    .map_or_else(|| i.to_string(), str::to_string);
                flatten(&join(&key), x, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_width_uses_students_t() {
        // Values 1..=5: mean 3, s = √2.5; t(0.975, 4) = 2.7764.
        let e = Estimate::of(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(e.mean, 3.0);
        let expected = 2.776_445 * 2.5f64.sqrt() / 5f64.sqrt();
        assert!((e.half_width.unwrap() - expected).abs() < 1e-4, "{e:?}");
        assert_eq!(Estimate::of(&[7.0]).half_width, None);
    }

    #[test]
    fn replication_seeds_differ_and_do_not_overlap_neighbouring_bases() {
        let a: Vec<u64> = (0..100).map(|i| replication_seed(1, i)).collect();
        let b: Vec<u64> = (0..100).map(|i| replication_seed(2, i)).collect();
        let mut all: Vec<u64> = a.iter().chain(&b).copied().collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 200);
    }
}
