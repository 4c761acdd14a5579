//! Seeded random streams, identical on every platform.
//!
//! Every source of randomness in a run has its own ChaCha8 stream, derived from the run seed and
//! a fixed stream number ([`Stream`]). A player's decisions therefore never shift what another
//! source draws: two teams with the same seed meet the same arrivals whatever they do, and the
//! same base-rate outages unless their own decisions changed the outage rate (technical debt,
//! postmortems). ChaCha8 is specified bit for bit, so native and wasm builds agree.

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

/// The purpose a random stream serves; its number selects the ChaCha stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Interarrival times of arrival stream `i` (the index in the level's `arrivals`).
    Arrivals(u32),
    /// Step efforts of the items of arrival stream `i`, drawn when the item arrives.
    Efforts(u32),
    /// Whether each deploy fails, and the fix effort of outages that failed deploys raise.
    DeployFailures,
    /// Times and fix efforts of base-rate outages.
    Outages,
    /// Setup times of deploys and batches.
    DeploySetup,
    /// Work of improvement rounds and postmortems.
    Improvements,
}

impl Stream {
    /// The ChaCha stream number of this purpose. Distinct purposes never share a number.
    fn number(self) -> u64 {
        match self {
            Stream::DeployFailures => 1,
            Stream::Outages => 2,
            Stream::DeploySetup => 3,
            Stream::Improvements => 4,
            Stream::Arrivals(i) => (1 << 32) | u64::from(i),
            Stream::Efforts(i) => (2 << 32) | u64::from(i),
        }
    }
}

/// A seeded random source for one [`Stream`].
#[derive(Clone, Debug)]
pub struct RandomStream {
    rng: ChaCha8Rng,
}

impl RandomStream {
    /// The stream `purpose` of the run with seed `seed`.
    pub fn new(seed: u64, purpose: Stream) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(purpose.number());
        Self { rng }
    }

    /// A uniform draw in [0, 1) with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform draw in (0, 1]: safe to take the logarithm of.
    pub fn uniform_open0(&mut self) -> f64 {
        1.0 - self.uniform()
    }

    /// An index into `weights`, drawn with probability proportional to its weight (one
    /// uniform draw). The weights must be finite, ≥ 0 and not all 0; rounding at the top
    /// end falls to the last index.
    pub fn weighted_index(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut u = self.uniform() * total;
        for (i, w) in weights.iter().enumerate() {
            if u < *w {
                return i;
            }
            u -= w;
        }
        weights.len() - 1
    }

    /// A standard normal draw (Box–Muller, through `libm` so every platform agrees).
    pub fn standard_normal(&mut self) -> f64 {
        let u1 = self.uniform_open0();
        let u2 = self.uniform();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
    }

    /// How many 32-bit words this stream has produced: part of the state hash.
    pub fn word_pos(&self) -> u128 {
        self.rng.get_word_pos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_and_stream_repeat() {
        let mut a = RandomStream::new(7, Stream::Arrivals(0));
        let mut b = RandomStream::new(7, Stream::Arrivals(0));
        for _ in 0..100 {
            assert_eq!(a.uniform().to_bits(), b.uniform().to_bits());
        }
    }

    #[test]
    fn streams_and_seeds_differ() {
        let first = |seed, s| RandomStream::new(seed, s).uniform();
        assert_ne!(first(7, Stream::Arrivals(0)), first(7, Stream::Arrivals(1)));
        assert_ne!(first(7, Stream::Arrivals(0)), first(7, Stream::Efforts(0)));
        assert_ne!(first(7, Stream::Outages), first(8, Stream::Outages));
    }

    #[test]
    fn uniform_stays_in_range_with_mean_one_half() {
        let mut r = RandomStream::new(1, Stream::Outages);
        let n = 100_000;
        let mut sum = 0.0;
        for _ in 0..n {
            let u = r.uniform();
            assert!((0.0..1.0).contains(&u));
            sum += u;
        }
        // Standard error of the mean is sqrt(1/12/n) ≈ 0.0009; 0.005 is over 5 standard errors.
        assert!((sum / n as f64 - 0.5).abs() < 0.005);
    }
}
