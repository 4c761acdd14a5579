//! The engine agrees with queueing theory on a plain M/M/1 queue (levels/mm1.ron:
//! λ = 0.8 per minute, μ = 1 per minute, one server, ρ = 0.8).
//!
//! Run length and tolerance. Each run serves about one million customers (T = 1.25 × 10⁶
//! sim minutes). For M/M/1 the asymptotic variance of the time-average number in system is
//! about 2ρ(1 + ρ)/((1 − ρ)⁴ μ) = 1800 at ρ = 0.8 (Whitt, "Planning queueing simulations",
//! Management Science 35(11), 1989), so its relative standard error over T is
//! √(1800/T) / L = 0.038 / 4 ≈ 0.95%; the mean wait Wq = Lq/λ has a relative standard error of
//! the same order. The 5% tolerance is therefore more than five standard errors: a correct
//! engine fails it with probability below 10⁻⁶ per seed. The warm-up bias from starting
//! empty is of the order of the relaxation time 1/(μ(1 − √ρ)²) ≈ 90 minutes, negligible against T.
//!
//! Little's law L = λW holds exactly for sample paths that start and end empty; here the
//! only error is the handful of customers in the system at the end (L ≈ 4 against ~10⁶
//! departures), far inside 2%.

use flowkata::sim::{Level, Simulation};

const T: f64 = 1.25e6;

fn run(seed: u64) -> flowkata::sim::RunReport {
    let level = Level::embedded("mm1").expect("mm1 level");
    let mut sim = Simulation::with_duration(level, seed, T);
    sim.run_to_end();
    sim.report()
}

#[test]
fn mm1_mean_queue_wait_matches_theory_and_littles_law_holds() {
    let (lambda, mu) = (0.8, 1.0);
    let rho: f64 = lambda / mu;
    let wq_theory = rho / (mu - lambda); // = 4 service times
    for seed in [1, 2, 3] {
        let r = run(seed);
        let c = &r.centers[0];
        assert!(
            c.completions > 900_000,
            "seed {seed}: only {} customers",
            c.completions
        );

        let rel = (c.mean_wait - wq_theory).abs() / wq_theory;
        assert!(
            rel < 0.05,
            "seed {seed}: Wq = {:.4}, theory {wq_theory} ({:.2}% off)",
            c.mean_wait,
            100.0 * rel
        );
        assert!(
            (c.utilization - rho).abs() < 0.01,
            "seed {seed}: ρ = {}",
            c.utilization
        );

        // Little's law per center, with λ measured on the run itself: for the whole center
        // (L = λW) and for its queue (Lq = λWq).
        let lambda_hat = c.arrivals as f64 / r.sim_time;
        for (name, l, w) in [
            ("L", c.mean_in_system, c.mean_sojourn),
            ("Lq", c.mean_queue_len, c.mean_wait),
        ] {
            let rel = (l - lambda_hat * w).abs() / l;
            assert!(
                rel < 0.02,
                "seed {seed}: {name} = {l:.4}, λ·W = {:.4}",
                lambda_hat * w
            );
        }
    }
}
