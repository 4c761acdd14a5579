//! Probability distributions of efforts and interarrival times.
//!
//! Every distribution is written in a level by its mean (in sim minutes), so a level reads the
//! way a value-stream map does: "a code review takes 45 minutes on average". Sampling goes
//! through `libm`, so a draw is bit-identical on every platform.

use serde::{Deserialize, Serialize};

use super::rng::RandomStream;

/// A distribution of non-negative durations, in sim minutes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Dist {
    /// Always this value (deterministic, coefficient of variation 0). Written `Fixed(30.0)`
    /// or `Deterministic(30.0)`.
    #[serde(alias = "Deterministic")]
    Fixed(f64),
    /// Exponential with the given mean (coefficient of variation 1): memoryless service or
    /// Poisson arrivals. Written `Exponential(mean: 30.0)`.
    Exponential { mean: f64 },
    /// Uniform on `[min, max]`. Written `Uniform(min: 10.0, max: 50.0)`.
    Uniform { min: f64, max: f64 },
    /// Lognormal with the given mean and coefficient of variation `cv` (standard deviation /
    /// mean): the long right tail of knowledge work. Written `LogNormal(mean: 60.0, cv: 0.8)`.
    LogNormal { mean: f64, cv: f64 },
    /// Gamma with the given mean and coefficient of variation: shape k = 1/cv², scale
    /// θ = mean·cv². cv = 1 is the exponential, cv → 0 the deterministic, and an integer
    /// 1/cv² the Erlang-k of k phases. Written `Gamma(mean: 60.0, cv: 0.5)`.
    Gamma { mean: f64, cv: f64 },
    /// An empirical table: one of `values` (sim minutes), drawn with probability proportional
    /// to its entry in `weights` (all equally likely when `weights` is empty). For observed
    /// durations: `Empirical(values: [15.0, 30.0, 240.0], weights: [6.0, 3.0, 1.0])`.
    Empirical {
        values: Vec<f64>,
        #[serde(default)]
        weights: Vec<f64>,
    },
}

impl Dist {
    /// Draws one duration in sim minutes. Never negative.
    #[inline]
    pub fn sample(&self, rng: &mut RandomStream) -> f64 {
        // The two commonest, inline at every call; the rest out of line.
        match *self {
            Dist::Fixed(v) => v,
            Dist::Exponential { mean } => mean * rng.standard_exponential(),
            _ => self.sample_other(rng),
        }
    }

    /// [`Self::sample`] for the distributions other than fixed and exponential.
    #[inline(never)]
    fn sample_other(&self, rng: &mut RandomStream) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Exponential { mean } => mean * rng.standard_exponential(),
            Dist::Uniform { min, max } => min + (max - min) * rng.uniform(),
            Dist::LogNormal { mean, cv } => {
                // For X = exp(μ + σZ): E[X] = exp(μ + σ²/2) and CV² = exp(σ²) − 1.
                let sigma2 = libm::log1p(cv * cv);
                let mu = libm::log(mean) - sigma2 / 2.0;
                libm::exp(mu + libm::sqrt(sigma2) * rng.standard_normal())
            }
            Dist::Gamma { mean, cv } => {
                if cv == 0.0 {
                    return mean;
                }
                let shape = 1.0 / (cv * cv);
                mean * cv * cv * standard_gamma(shape, rng)
            }
            Dist::Empirical {
                ref values,
                ref weights,
            } => {
                let i = if weights.is_empty() {
                    ((rng.uniform() * values.len() as f64) as usize).min(values.len() - 1)
                } else {
                    rng.weighted_index(weights)
                };
                values[i]
            }
        }
    }

    /// The mean of the distribution, in sim minutes.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Exponential { mean } | Dist::LogNormal { mean, .. } => mean,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Gamma { mean, .. } => mean,
            Dist::Empirical {
                ref values,
                ref weights,
            } => {
                if weights.is_empty() {
                    values.iter().sum::<f64>() / values.len().max(1) as f64
                } else {
                    let total: f64 = weights.iter().sum();
                    values.iter().zip(weights).map(|(v, w)| v * w).sum::<f64>() / total
                }
            }
        }
    }

    /// The coefficient of variation (standard deviation / mean); 0 when the mean is 0.
    pub fn cv(&self) -> f64 {
        let m = self.mean();
        if m == 0.0 {
            return 0.0;
        }
        match *self {
            Dist::Fixed(_) => 0.0,
            Dist::Exponential { .. } => 1.0,
            Dist::Uniform { min, max } => (max - min) / (libm::sqrt(12.0) * m),
            Dist::LogNormal { cv, .. } | Dist::Gamma { cv, .. } => cv,
            Dist::Empirical {
                ref values,
                ref weights,
            } => {
                let w = |i: usize| if weights.is_empty() { 1.0 } else { weights[i] };
                let total: f64 = (0..values.len()).map(w).sum();
                let var = values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| w(i) * (v - m) * (v - m))
                    .sum::<f64>()
                    / total;
                libm::sqrt(var) / m
            }
        }
    }

    /// Checks the parameters; the error says which parameter is out of range.
    pub fn check(&self) -> Result<(), String> {
        let finite_pos = |name: &str, v: f64, allow_zero: bool| {
            if !v.is_finite() || v < 0.0 || (!allow_zero && v == 0.0) {
                Err(format!(
                    "{name} must be a finite number {} 0, got {v}",
                    if allow_zero { ">=" } else { ">" }
                ))
            } else if v > crate::sim::rules::MAX_DURATION {
                Err(format!(
                    "{name} must be at most {:.0e}, got {v:?}",
                    crate::sim::rules::MAX_DURATION
                ))
            } else {
                Ok(())
            }
        };
        match *self {
            Dist::Fixed(v) => finite_pos("Fixed value", v, true),
            Dist::Exponential { mean } => finite_pos("mean", mean, false),
            Dist::Uniform { min, max } => {
                finite_pos("min", min, true)?;
                finite_pos("max", max, true)?;
                if max < min {
                    return Err(format!("max ({max}) must not be below min ({min})"));
                }
                Ok(())
            }
            Dist::LogNormal { mean, cv } | Dist::Gamma { mean, cv } => {
                finite_pos("mean", mean, false)?;
                if cv != 0.0 && !crate::sim::rules::CV.contains(cv) {
                    let b = crate::sim::rules::CV;
                    return Err(format!(
                        "cv must be 0 (no variation) or in [{}, {}], got {cv:?}",
                        b.min, b.max
                    ));
                }
                Ok(())
            }
            Dist::Empirical {
                ref values,
                ref weights,
            } => {
                if values.is_empty() {
                    return Err("an empirical table needs at least one value".into());
                }
                for v in values {
                    finite_pos("every value", *v, true)?;
                }
                if !weights.is_empty() {
                    if weights.len() != values.len() {
                        return Err(format!(
                            "weights has {} entries but values has {}: give one weight per value",
                            weights.len(),
                            values.len()
                        ));
                    }
                    for w in weights {
                        finite_pos("every weight", *w, true)?;
                    }
                    if weights.iter().sum::<f64>() <= 0.0 {
                        return Err("the weights must not all be 0".into());
                    }
                }
                Ok(())
            }
        }
    }
}

/// A draw from the gamma distribution with the given shape and scale 1, by Marsaglia and
/// Tsang, "A simple method for generating gamma variables", ACM TOMS 26(3), 2000. Shapes
/// below 1 use their boost: Gamma(k) = Gamma(k + 1) · U^(1/k).
fn standard_gamma(shape: f64, rng: &mut RandomStream) -> f64 {
    if shape < 1.0 {
        let u = rng.uniform_open0();
        return standard_gamma(shape + 1.0, rng) * libm::pow(u, 1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / libm::sqrt(9.0 * d);
    loop {
        let x = rng.standard_normal();
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = rng.uniform_open0();
        if libm::log(u) < 0.5 * x * x + d - d * v + d * libm::log(v) {
            return d * v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::Stream;

    fn sample_mean_and_cv(d: &Dist, n: usize) -> (f64, f64) {
        let mut rng = RandomStream::new(42, Stream::Efforts(0));
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        assert!(xs.iter().all(|x| *x >= 0.0 && x.is_finite()));
        let m = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
        (m, var.sqrt() / m)
    }

    // With n = 200 000 draws and CV ≤ 1, the standard error of the sample mean is at most
    // 0.22% of the mean: the 2% tolerance on the mean is about 9 standard errors. The sample
    // CV converges more slowly (lognormal tails), so it gets 5%.
    #[test]
    fn exponential_has_its_mean_and_cv_one() {
        let (m, cv) = sample_mean_and_cv(&Dist::Exponential { mean: 30.0 }, 200_000);
        assert!((m / 30.0 - 1.0).abs() < 0.02, "mean {m}");
        assert!((cv - 1.0).abs() < 0.05, "cv {cv}");
    }

    #[test]
    fn lognormal_has_its_mean_and_cv() {
        let (m, cv) = sample_mean_and_cv(
            &Dist::LogNormal {
                mean: 60.0,
                cv: 0.5,
            },
            200_000,
        );
        assert!((m / 60.0 - 1.0).abs() < 0.02, "mean {m}");
        assert!((cv / 0.5 - 1.0).abs() < 0.05, "cv {cv}");
    }

    #[test]
    fn gamma_has_its_mean_and_cv_above_and_below_shape_one() {
        // cv 0.5: shape 4 (the main branch); cv 2: shape 0.25 (the boost branch).
        for cv in [0.5, 2.0] {
            let (m, got) = sample_mean_and_cv(&Dist::Gamma { mean: 40.0, cv }, 400_000);
            assert!((m / 40.0 - 1.0).abs() < 0.03, "cv {cv}: mean {m}");
            assert!((got / cv - 1.0).abs() < 0.05, "cv {cv}: sample cv {got}");
            assert!((Dist::Gamma { mean: 40.0, cv }.cv() - cv).abs() < 1e-12);
        }
    }

    #[test]
    fn empirical_draws_each_value_in_proportion_to_its_weight() {
        let d = Dist::Empirical {
            values: vec![10.0, 20.0, 100.0],
            weights: vec![6.0, 3.0, 1.0],
        };
        let mut rng = RandomStream::new(5, Stream::Efforts(1));
        let n = 100_000;
        let mut counts = [0usize; 3];
        for _ in 0..n {
            let x = d.sample(&mut rng);
            counts[[10.0, 20.0, 100.0].iter().position(|v| *v == x).unwrap()] += 1;
        }
        // Binomial standard error at p = 0.1, n = 1e5 is 0.00095; 0.005 is over 5 of them.
        for (c, p) in counts.iter().zip([0.6, 0.3, 0.1]) {
            assert!((*c as f64 / n as f64 - p).abs() < 0.005, "{counts:?}");
        }
        assert!((d.mean() - (6.0 + 6.0 + 10.0)).abs() < 1e-12);
        let equal = Dist::Empirical {
            values: vec![1.0, 3.0],
            weights: vec![],
        };
        assert_eq!(equal.mean(), 2.0);
        assert!((equal.cv() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn uniform_and_fixed() {
        let (m, _) = sample_mean_and_cv(
            &Dist::Uniform {
                min: 10.0,
                max: 50.0,
            },
            200_000,
        );
        assert!((m / 30.0 - 1.0).abs() < 0.02);
        let mut rng = RandomStream::new(1, Stream::Outages);
        assert_eq!(Dist::Fixed(5.0).sample(&mut rng), 5.0);
    }

    #[test]
    fn check_rejects_bad_parameters() {
        assert!(Dist::Exponential { mean: 0.0 }.check().is_err());
        assert!(Dist::Exponential { mean: f64::NAN }.check().is_err());
        assert!(Dist::Uniform { min: 5.0, max: 1.0 }.check().is_err());
        assert!(Dist::Fixed(-1.0).check().is_err());
        assert!(
            Dist::LogNormal {
                mean: 10.0,
                cv: 0.3
            }
            .check()
            .is_ok()
        );
        let table = |values: Vec<f64>, weights: Vec<f64>| Dist::Empirical { values, weights };
        assert!(table(vec![], vec![]).check().is_err());
        assert!(table(vec![1.0, 2.0], vec![1.0]).check().is_err());
        assert!(table(vec![1.0], vec![0.0]).check().is_err());
        assert!(table(vec![-1.0], vec![]).check().is_err());
        assert!(
            Dist::Gamma {
                mean: 1.0,
                cv: -0.1
            }
            .check()
            .is_err()
        );
    }

    /// A cv near 0 made the gamma's shape infinite and Marsaglia–Tsang's acceptance test
    /// NaN, so sampling never returned (found by tests/bounds.rs): such a cv is refused,
    /// while 0 (no variation) is a fixed value.
    #[test]
    fn a_vanishing_cv_is_refused_and_zero_is_a_fixed_value() {
        for cv in [1e-320, 1e-9, 0.009, f64::NAN, 10.5] {
            let g = Dist::Gamma { mean: 80.0, cv };
            assert!(g.check().is_err(), "{cv}");
            let l = Dist::LogNormal { mean: 80.0, cv };
            assert!(l.check().is_err(), "{cv}");
        }
        let g = Dist::Gamma {
            mean: 80.0,
            cv: 0.0,
        };
        assert!(g.check().is_ok());
        let mut rng = RandomStream::new(1, Stream::Efforts(0));
        assert_eq!(g.sample(&mut rng), 80.0);
        let (m, cv) = sample_mean_and_cv(
            &Dist::Gamma {
                mean: 80.0,
                cv: 0.01,
            },
            20_000,
        );
        // 20 000 draws with cv 0.01: the sample mean's standard error is 0.007% of the mean.
        assert!((m / 80.0 - 1.0).abs() < 0.001, "{m}");
        assert!((cv - 0.01).abs() < 0.001, "{cv}");
    }
}
