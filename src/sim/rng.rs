//! Seeded random streams, identical on every platform.
//!
//! Every source of randomness in a run has its own stream, derived from the run seed and a
//! fixed stream number ([`Stream`]). A player's decisions therefore never shift what another
//! source draws: two teams with the same seed meet the same arrivals whatever they do, and the
//! same base-rate outages unless their own decisions changed the outage rate (technical debt,
//! postmortems).
//!
//! The generator is xoshiro256++ (Blackman and Vigna, "Scrambled Linear Pseudorandom Number
//! Generators", *ACM TOMS* 47(4), 2021) from `rand_xoshiro`: 256 bits of state, period
//! 2²⁵⁶ − 1, it passes BigCrush, and it is plain 64-bit integer arithmetic, so native and wasm
//! builds draw the same bits. It takes about a nanosecond a draw, against several for ChaCha8,
//! which the engine used before and which measured about a tenth of a plain M/M/1 run. Each
//! stream's 256-bit state is the run seed's SplitMix64 sequence XOR the stream number's, so
//! distinct (seed, stream) pairs start from unrelated points of the period.

use rand::RngExt;
use rand_core::{Rng, SeedableRng};
use rand_xoshiro::{SplitMix64, Xoshiro256PlusPlus};

/// The purpose a random stream serves; its number selects the stream.
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
    /// The stream number of this purpose. Distinct purposes never share a number.
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
    rng: Xoshiro256PlusPlus,
    /// 64-bit words drawn so far.
    draws: u64,
    /// The exponential ziggurat's tables, looked up once here rather than on every draw.
    zig: &'static ExpZiggurat,
}

impl RandomStream {
    /// The stream `purpose` of the run with seed `seed`.
    pub fn new(seed: u64, purpose: Stream) -> Self {
        let mut by_seed = SplitMix64::seed_from_u64(seed);
        // A fixed offset keeps stream number 0 from mirroring seed 0.
        let mut by_stream = SplitMix64::seed_from_u64(purpose.number() ^ 0x5EED_57AE_A000_0000);
        let mut state = [0u8; 32];
        for word in state.chunks_exact_mut(8) {
            let w = by_seed.next_u64() ^ by_stream.next_u64();
            word.copy_from_slice(&w.to_le_bytes());
        }
        Self {
            rng: Xoshiro256PlusPlus::from_seed(state),
            draws: 0,
            zig: exp_ziggurat(),
        }
    }

    /// The next 64 random bits.
    #[inline]
    fn next_u64(&mut self) -> u64 {
        self.draws += 1;
        self.rng.next_u64()
    }

    /// A uniform draw in [0, 1) with 53 random bits: `rand`'s `StandardUniform` for `f64`,
    /// the top 53 bits of one 64-bit word times 2⁻⁵³ (the same bits the engine drew before
    /// it used `rand`, so seeds still draw what they drew).
    pub fn uniform(&mut self) -> f64 {
        self.draws += 1;
        self.rng.random::<f64>()
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

    /// A standard exponential draw, Exp(1) (mean 1), by the ziggurat method of Marsaglia and
    /// Tsang, "The Ziggurat Method for Generating Random Variables", *Journal of Statistical
    /// Software* 5(8), 2000, with 256 layers laid out as in `rand_distr::Exp1`.
    ///
    /// About 98% of draws take one 64-bit word, a table lookup and a multiplication; the
    /// rest test a wedge with `libm::exp` or draw the tail beyond r ≈ 7.697 as r + Exp(1)
    /// with `libm::log`, so the draw is exact in distribution and, like every draw here,
    /// the same bits on every platform. (`rand_distr` has the same algorithm, but its rare
    /// paths call the platform's `ln`/`exp` whenever `num-traits/std` is on, which Bevy's
    /// dependencies turn on: not bit for bit between native and wasm builds.)
    #[inline]
    pub fn standard_exponential(&mut self) -> f64 {
        let zig = self.zig;
        let bits = self.next_u64();
        let i = (bits & 0xff) as usize;
        // 53 bits above the layer index, as a uniform in (0, 1).
        let u = ((bits >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64);
        let x = u * zig.x[i];
        if x < zig.x[i + 1] {
            return x; // inside the layer's rectangle, under the density everywhere
        }
        self.exponential_outside_rectangle(i, x)
    }

    /// The rare rest of [`Self::standard_exponential`], kept out of line so that the common
    /// path stays small enough to inline: the draw `x` in layer `i` fell outside the layer's
    /// rectangle.
    #[cold]
    #[inline(never)]
    fn exponential_outside_rectangle(&mut self, mut i: usize, mut x: f64) -> f64 {
        let zig = self.zig;
        loop {
            if i == 0 {
                // The base layer beyond r: the tail, by memorylessness r + Exp(1).
                return EXP_ZIG_R - libm::log(self.uniform_open0());
            }
            // In the wedge: accept if a uniform height falls under the density.
            let y = zig.f[i + 1] + (zig.f[i] - zig.f[i + 1]) * self.uniform();
            if y < libm::exp(-x) {
                return x;
            }
            // Rejected: a fresh draw, as in the common path.
            let bits = self.next_u64();
            i = (bits & 0xff) as usize;
            let u = ((bits >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64);
            x = u * zig.x[i];
            if x < zig.x[i + 1] {
                return x;
            }
        }
    }

    /// A standard normal draw (Box–Muller, through `libm` so every platform agrees).
    pub fn standard_normal(&mut self) -> f64 {
        let u1 = self.uniform_open0();
        let u2 = self.uniform();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
    }

    /// How many 64-bit words this stream has produced: part of the state hash.
    pub fn draws(&self) -> u64 {
        self.draws
    }
}

/// Start of the exponential ziggurat's tail, r, for 256 layers (Marsaglia and Tsang, 2000).
const EXP_ZIG_R: f64 = 7.697_117_470_131_05;
/// Area of each layer of the exponential ziggurat, v (Marsaglia and Tsang, 2000).
const EXP_ZIG_V: f64 = 3.949_659_822_581_557e-3;

/// The exponential ziggurat's tables: `x[i]` is the right edge of layer i's rectangle
/// (`x[0] = v·eʳ`, the base layer's width as if its tail were a rectangle; `x[1] = r`;
/// decreasing to `x[256] = 0`), and `f[i] = e^(−x[i])`.
struct ExpZiggurat {
    x: [f64; 257],
    f: [f64; 257],
}

impl std::fmt::Debug for ExpZiggurat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ExpZiggurat { 257 layers }")
    }
}

/// The tables, built once with `libm` (so identical on every platform) by the recursion
/// x[i+1] = −ln(v / x[i] + e^(−x[i])) of Marsaglia and Tsang (2000).
fn exp_ziggurat() -> &'static ExpZiggurat {
    static TABLES: std::sync::OnceLock<ExpZiggurat> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut x = [0.0; 257];
        x[0] = EXP_ZIG_V * libm::exp(EXP_ZIG_R);
        x[1] = EXP_ZIG_R;
        for i in 1..255 {
            x[i + 1] = -libm::log(EXP_ZIG_V / x[i] + libm::exp(-x[i]));
        }
        x[256] = 0.0;
        let f = x.map(|xi| libm::exp(-xi));
        ExpZiggurat { x, f }
    })
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
    fn exponential_ziggurat_tables_close_at_zero() {
        // The recursion from r down must land on x[255] > 0 with layer 255 reaching the
        // peak: v = x[255]·(1 − e^(−x[255])) up to rounding. A wrong r or v breaks this.
        let z = exp_ziggurat();
        let top = z.x[255];
        assert!(top > 0.0 && top < z.x[254]);
        assert!((top * (1.0 - libm::exp(-top)) / EXP_ZIG_V - 1.0).abs() < 1e-9);
        assert!(z.x.windows(2).all(|w| w[0] > w[1]), "x must decrease");
    }

    #[test]
    fn exponential_draws_follow_the_survival_function() {
        // P(X > t) = e^(−t), including t = 8 in the tail beyond r ≈ 7.7 and the wedges.
        // With n = 10⁶ draws a count's standard deviation is sqrt(n·p(1 − p)); every check
        // allows 5 of them, so a correct sampler fails it with probability below 10⁻⁵.
        let mut r = RandomStream::new(3, Stream::Outages);
        let n = 1_000_000;
        let ts = [0.05, 0.5, 1.0, 2.0, 4.0, 6.0, 8.0, 10.0];
        let mut above = [0u64; 8];
        let mut sum = 0.0;
        for _ in 0..n {
            let x = r.standard_exponential();
            assert!(x > 0.0 && x.is_finite());
            sum += x;
            for (k, &t) in ts.iter().enumerate() {
                above[k] += u64::from(x > t);
            }
        }
        for (k, &t) in ts.iter().enumerate() {
            let p = (-t).exp();
            let expected = n as f64 * p;
            let sd = (n as f64 * p * (1.0 - p)).sqrt();
            let got = above[k] as f64;
            assert!(
                (got - expected).abs() < 5.0 * sd,
                "P(X > {t}): {got} vs {expected}"
            );
        }
        // The mean's standard error is 1/sqrt(n) = 0.001.
        assert!((sum / n as f64 - 1.0).abs() < 0.005);
    }

    #[test]
    fn uniform_is_the_top_53_bits_of_one_word() {
        // `rand`'s StandardUniform must draw exactly what the engine drew before it: the top
        // 53 bits of one word, scaled by 2⁻⁵³. Any other method would change every seed.
        let mut a = RandomStream::new(9, Stream::Efforts(2));
        let mut b = RandomStream::new(9, Stream::Efforts(2));
        for _ in 0..10_000 {
            let expected = (b.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            assert_eq!(a.uniform().to_bits(), expected.to_bits());
        }
        assert_eq!(a.draws(), b.draws());
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
