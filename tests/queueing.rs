//! The engine agrees with queueing theory.
//!
//! ## M/M/1 at ρ = 0.5, 0.8 and 0.9
//! Poisson arrivals at rate λ, one server with exponential service at μ = 1 per minute.
//! Theory: mean queue wait Wq = ρ/(μ − λ), and Little's law L = λW (and Lq = λWq) per center.
//!
//! Run length. Let T be the simulated time. For M/M/1 the asymptotic variance of the
//! time-average number in system is about 2ρ(1 + ρ)/((1 − ρ)⁴ μ) (Whitt, "Planning queueing
//! simulations", Management Science 35(11), 1989), so the relative standard error of L over
//! T is √(2ρ(1 + ρ)/(1 − ρ)⁴ / T) / L with L = ρ/(1 − ρ); Wq = Lq/λ has one of the same
//! order. We choose T so that this is at most 1%, which puts the 5% tolerance at five
//! standard errors or more: a correct engine fails it with probability below 10⁻⁶ per run.
//!
//! | ρ   | L | variance factor | T needed for 1% | T used  | customers |
//! |-----|---|-----------------|-----------------|---------|-----------|
//! | 0.5 | 1 | 24              | 2.4 × 10⁵       | 10⁶     | 0.5 M     |
//! | 0.8 | 4 | 1800            | 1.1 × 10⁶       | 1.5 × 10⁶ | 1.2 M   |
//! | 0.9 | 9 | 34200           | 4.2 × 10⁶       | 5 × 10⁶ | 4.5 M     |
//!
//! At ρ = 0.5, Lq = 0.5 is small, so T is four times what L alone would need.
//!
//! Replications: three independent seeds at each ρ (1, 2, 3), each of which must pass on
//! its own; each seed is a full replication with its own random streams. The warm-up bias
//! from starting empty is of the order of the relaxation time 1/(μ(1 − √ρ)²) (≈ 380 minutes
//! at ρ = 0.9), negligible against T. Little's law holds exactly for sample paths that start
//! and end empty; the only error is the handful of customers in the system at the end, far
//! inside 2%.
//!
//! ## Other published results
//! The same engine mechanisms (servers, buffers, batches, tandem lines) are checked against
//! M/M/c (Erlang C), M/D/1 (Pollaczek–Khinchine), M/M/1/K (loss probability), a tandem of two
//! M/M/1 stations (Jackson, 1957) and a batch server, each with its tolerance argued there.

use flowkata::sim::{Level, RunReport, Simulation};

/// A one-stream level: `centers` and `workers` as RON, arrivals Poisson at `lambda` per
/// minute along `route` (RON list of steps).
fn level(centers: &str, workers: &str, lambda: f64, route: &str, extra: &str) -> Level {
    let src = format!(
        "Level(id: \"q\", title: \"q\", days: 1000, centers: [{centers}], workers: [{workers}],
          arrivals: [(name: \"a\", work_type: Change, interarrival: Exponential(mean: {}),
                      route: [{route}] {extra})])",
        1.0 / lambda
    );
    Level::parse("queueing-test.ron", &src).unwrap_or_else(|e| panic!("{e}"))
}

fn run(level: Level, seed: u64, t: f64) -> RunReport {
    let mut sim = Simulation::with_duration(level, seed, t);
    sim.run_to_end();
    sim.report()
}

fn assert_close(what: &str, got: f64, want: f64, tol: f64) {
    let rel = (got - want).abs() / want;
    assert!(
        rel < tol,
        "{what}: got {got:.5}, theory {want:.5} ({:.2}% off, tolerance {:.0}%)",
        100.0 * rel,
        100.0 * tol
    );
}

fn assert_littles_law(r: &RunReport, c: usize, tol: f64) {
    let s = &r.centers[c];
    let lambda_hat = s.arrivals as f64 / r.sim_time;
    for (name, l, w) in [
        ("L", s.mean_in_system, s.mean_sojourn),
        ("Lq", s.mean_queue_len, s.mean_wait),
    ] {
        let rel = (l - lambda_hat * w).abs() / l;
        assert!(
            rel < tol,
            "center {c}: {name} = {l:.4}, λ·W = {:.4}",
            lambda_hat * w
        );
    }
}

fn mm1(rho: f64, t: f64) {
    let mu = 1.0;
    let lambda = rho * mu;
    let wq = rho / (mu - lambda);
    for seed in [1, 2, 3] {
        let lv = level(
            "(id: \"desk\", name: \"Desk\")",
            "(name: \"S\", skills: {\"desk\": 1.0})",
            lambda,
            "(center: \"desk\", effort: Exponential(mean: 1.0))",
            "",
        );
        let r = run(lv, seed, t);
        let c = &r.centers[0];
        assert!(c.completions as f64 > 0.95 * lambda * t, "seed {seed}");
        assert_close(&format!("ρ={rho} seed {seed}: Wq"), c.mean_wait, wq, 0.05);
        assert!(
            (c.utilization - rho).abs() < 0.01,
            "seed {seed}: ρ̂ = {}",
            c.utilization
        );
        assert_littles_law(&r, 0, 0.02);
    }
}

#[test]
fn mm1_at_rho_0_5() {
    mm1(0.5, 1.0e6);
}

#[test]
fn mm1_at_rho_0_8() {
    mm1(0.8, 1.5e6);
}

#[test]
fn mm1_at_rho_0_9() {
    mm1(0.9, 5.0e6);
}

/// The shipped sandbox level is the ρ = 0.8 queue the lesson describes.
#[test]
fn the_mm1_level_is_the_queue_it_describes() {
    let lv = Level::embedded("mm1").unwrap();
    assert_eq!(lv.arrivals[0].interarrival.mean(), 1.25);
    let r = run(lv, 1, 1.5e6);
    assert_close("mm1 level Wq", r.centers[0].mean_wait, 4.0, 0.05);
}

/// Erlang C for M/M/c: P(wait) = C(c, a), Wq = C / (cμ − λ), with a = λ/μ.
fn erlang_c(c: u32, a: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..c {
        term *= a / k as f64;
        sum += term;
    }
    let last = term * a / c as f64 * (c as f64 / (c as f64 - a));
    last / (sum + last)
}

/// M/M/3 at ρ = 0.8 (λ = 2.4, μ = 1): Wq = C(3, 2.4)/(3 − 2.4) ≈ 1.079 minutes. Its
/// variance is below the M/M/1's at the same ρ, so 1.2 × 10⁶ minutes keep 5% at over five
/// standard errors.
#[test]
fn mmc_matches_erlang_c() {
    let wq = erlang_c(3, 2.4) / (3.0 - 2.4);
    for seed in [1, 2] {
        let lv = level(
            "(id: \"desk\", name: \"Desk\")",
            "(name: \"A\", skills: {\"desk\": 1.0}), (name: \"B\", skills: {\"desk\": 1.0}), (name: \"C\", skills: {\"desk\": 1.0})",
            2.4,
            "(center: \"desk\", effort: Exponential(mean: 1.0))",
            "",
        );
        let r = run(lv, seed, 1.2e6);
        assert_close(
            &format!("M/M/3 seed {seed}: Wq"),
            r.centers[0].mean_wait,
            wq,
            0.05,
        );
        assert_littles_law(&r, 0, 0.02);
    }
}

/// M/D/1 at ρ = 0.8: Pollaczek–Khinchine gives Wq = ρ/(2μ(1 − ρ)) = 2, half the M/M/1's.
/// Deterministic service lowers the variance below the M/M/1 case, so T = 1.5 × 10⁶ keeps
/// the 5% tolerance at over five standard errors. Gamma service with cv = 0.5 gives
/// Wq = ρ(1 + cv²)/(2μ(1 − ρ)) = 2.5 by the same formula.
#[test]
fn mg1_matches_pollaczek_khinchine() {
    for (dist, cv2) in [
        ("Deterministic(1.0)", 0.0),
        ("Gamma(mean: 1.0, cv: 0.5)", 0.25),
    ] {
        let lv = level(
            "(id: \"desk\", name: \"Desk\")",
            "(name: \"S\", skills: {\"desk\": 1.0})",
            0.8,
            &format!("(center: \"desk\", effort: {dist})"),
            "",
        );
        let r = run(lv, 4, 1.5e6);
        let wq = 0.8 * (1.0 + cv2) / (2.0 * 0.2);
        assert_close(
            &format!("M/G/1 {dist}: Wq"),
            r.centers[0].mean_wait,
            wq,
            0.05,
        );
    }
}

/// M/M/1/K with K = 5 (a buffer of 4 plus the one in service) and arrivals lost when full:
/// P(loss) = (1 − ρ)ρ^K / (1 − ρ^(K+1)). At ρ = 0.9 that is 0.1279. Over 10⁶ minutes about
/// 9 × 10⁵ arrivals give a binomial-like standard error well under 1% of the probability
/// (the loss process is positively correlated, so we allow 5%).
#[test]
fn mm1k_loses_what_theory_predicts() {
    let (rho, k) = (0.9f64, 5i32);
    let p_loss = (1.0 - rho) * rho.powi(k) / (1.0 - rho.powi(k + 1));
    let lv = level(
        "(id: \"desk\", name: \"Desk\", buffer: 4)",
        "(name: \"S\", skills: {\"desk\": 1.0})",
        rho,
        "(center: \"desk\", effort: Exponential(mean: 1.0))",
        ", lost_when_full: true",
    );
    let r = run(lv, 5, 1.0e6);
    let arrived = r.run.arrived["Change"] as f64;
    assert_close("M/M/1/5 loss", r.run.lost as f64 / arrived, p_loss, 0.05);
}

/// Two M/M/1 stations in tandem with unlimited buffers (a Jackson network): each behaves as
/// an M/M/1 with the same λ, so at λ = 0.8 and μ1 = 1, μ2 = 1/0.9 the waits are
/// 4 and 0.72/(1 − 0.72) × 0.9 = 2.314 minutes.
#[test]
fn tandem_stations_behave_as_independent_mm1_queues() {
    let lv = level(
        "(id: \"a\", name: \"A\"), (id: \"b\", name: \"B\")",
        "(name: \"S\", skills: {\"a\": 1.0}), (name: \"T\", skills: {\"b\": 1.0})",
        0.8,
        "(center: \"a\", effort: Exponential(mean: 1.0)), (center: \"b\", effort: Exponential(mean: 0.9))",
        "",
    );
    let r = run(lv, 6, 1.5e6);
    assert_close("tandem station 1 Wq", r.centers[0].mean_wait, 4.0, 0.05);
    let rho2: f64 = 0.72;
    assert_close(
        "tandem station 2 Wq",
        r.centers[1].mean_wait,
        rho2 / (1.0 - rho2) * 0.9,
        0.05,
    );
    assert_littles_law(&r, 1, 0.02);
}

/// Blocking after service: station 2 has no buffer and one worker, so station 1 is blocked
/// whenever station 2 is busy. With deterministic service of 1 minute at station 1 and 2
/// minutes at station 2 and saturated input, the bottleneck sets the pace (one item per 2
/// minutes), and station 1 spends half its time holding a finished item it cannot pass on.
#[test]
fn zero_buffer_blocks_the_upstream_station() {
    let lv = level(
        "(id: \"a\", name: \"A\"), (id: \"b\", name: \"B\", buffer: 0)",
        "(name: \"S\", skills: {\"a\": 1.0}), (name: \"T\", skills: {\"b\": 1.0})",
        4.0,
        "(center: \"a\", effort: Fixed(1.0)), (center: \"b\", effort: Fixed(2.0))",
        "",
    );
    let r = run(lv, 1, 1000.0);
    assert!(
        (r.centers[1].completions as f64 - 500.0).abs() <= 2.0,
        "{:?}",
        r.centers[1]
    );
    assert!(r.centers[0].completions <= r.centers[1].completions + 2);
    assert!(
        (r.centers[0].mean_blocked - 0.5).abs() < 0.01,
        "{:?}",
        r.centers[0]
    );
    assert_eq!(r.centers[1].mean_queue_len, 0.0);
}

/// A batch server that waits for a full batch of b = 4 and serves it in a fixed 2 minutes,
/// fed by Poisson arrivals at λ = 1: the server works 2 minutes per 4 arrivals (ρ = 0.5),
/// and each item first waits for its batch to fill: with a queue that never backs up past
/// one batch, an item's wait to fill averages (b − 1)/(2λ) = 1.5 minutes, plus the time
/// the server is still busy with the previous batch. Throughput equals λ.
#[test]
fn batch_server_forms_full_batches() {
    let lv = level(
        "(id: \"oven\", name: \"Oven\", batch: (size: 4, setup: Fixed(2.0)))",
        "(name: \"S\", skills: {\"oven\": 1.0})",
        1.0,
        "(center: \"oven\", effort: Fixed(0.0))",
        "",
    );
    let r = run(lv, 7, 4.0e5);
    let c = &r.centers[0];
    assert_close("batch utilization", c.utilization, 0.5, 0.02);
    assert_eq!(c.completions % 4, 0, "only whole batches leave");
    // The fill wait alone is 1.5; waits behind a busy server add to it.
    assert!(c.mean_wait > 1.5 * 0.98, "{c:?}");
    assert_littles_law(&r, 0, 0.02);
}
