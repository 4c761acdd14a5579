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
    /// Always `mean`. Written `Fixed(30.0)`.
    Fixed(f64),
    /// Exponential with the given mean (coefficient of variation 1): memoryless service or
    /// Poisson arrivals. Written `Exponential(mean: 30.0)`.
    Exponential { mean: f64 },
    /// Uniform on `[min, max]`. Written `Uniform(min: 10.0, max: 50.0)`.
    Uniform { min: f64, max: f64 },
    /// Lognormal with the given mean and coefficient of variation `cv` (standard deviation /
    /// mean): the long right tail of knowledge work. Written `LogNormal(mean: 60.0, cv: 0.8)`.
    LogNormal { mean: f64, cv: f64 },
}

impl Dist {
    /// Draws one duration in sim minutes. Never negative.
    pub fn sample(&self, rng: &mut RandomStream) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Exponential { mean } => -mean * libm::log(rng.uniform_open0()),
            Dist::Uniform { min, max } => min + (max - min) * rng.uniform(),
            Dist::LogNormal { mean, cv } => {
                // For X = exp(μ + σZ): E[X] = exp(μ + σ²/2) and CV² = exp(σ²) − 1.
                let sigma2 = libm::log1p(cv * cv);
                let mu = libm::log(mean) - sigma2 / 2.0;
                libm::exp(mu + libm::sqrt(sigma2) * rng.standard_normal())
            }
        }
    }

    /// The mean of the distribution, in sim minutes.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Exponential { mean } | Dist::LogNormal { mean, .. } => mean,
            Dist::Uniform { min, max } => (min + max) / 2.0,
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
            Dist::LogNormal { mean, cv } => {
                finite_pos("mean", mean, false)?;
                finite_pos("cv", cv, true)
            }
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
    }
}
