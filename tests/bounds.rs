//! Bounded input: validation refuses levels whose runs would take absurdly many events, the
//! engine's event budget stops a run instead of letting it run forever, and no mutation of a
//! shipped level makes the parser, the validator or the first days of a run panic or hang.

use flowkata::sim::level::EMBEDDED;
use flowkata::sim::{Action, Command, DIALS, DialScale, Level, RunError, Simulation, rules};
use proptest::prelude::*;

#[test]
fn a_run_that_spends_its_event_budget_stops_with_a_clear_error() {
    let level = Level::embedded("brent").expect("embedded");
    let mut sim = Simulation::new(level, 1);
    sim.set_event_budget(100);
    sim.run_to_end();
    assert!(sim.is_finished());
    assert!(sim.now() < sim.end(), "it stopped early, at {}", sim.now());
    assert_eq!(sim.events_processed(), 100);
    let Some(RunError::EventBudget { budget, at, .. }) = sim.halted().cloned() else {
        panic!("the run should have halted: {:?}", sim.halted());
    };
    assert_eq!(budget, 100);
    assert_eq!(at, sim.now());
    let message = sim.halted().expect("halted").to_string();
    assert!(message.contains("event budget"), "{message}");
    // A halted run moves no further and takes no more commands.
    let now = sim.now();
    sim.advance_to(sim.end());
    assert_eq!(sim.now(), now);
    assert!(sim.apply(Action::ProtectConstraint { on: true }).is_err());
}

#[test]
fn a_halted_run_refuses_the_rest_of_its_command_log() {
    let level = Level::embedded("mm1").expect("embedded");
    let mut sim = Simulation::new(level, 1);
    sim.set_event_budget(10);
    let hold = |at: f64, hold: bool| Command {
        at,
        action: Action::HoldWork { hold },
    };
    let end = sim.end();
    let err = sim
        .apply_log(&[hold(0.0, false), hold(end / 2.0, true)])
        .expect_err("the budget runs out before the second command");
    assert!(err.starts_with("command 1:"), "{err}");
    assert!(err.contains("event budget"), "{err}");
}

/// The default budget is [`rules::EVENT_BUDGET_FACTOR`] (10) times the estimate. Every shipped
/// level, with no decisions and with its good policy, on 20 seeds, stays under 2× its
/// estimate, so the budget can never stop a run of a shipped level: the estimate counts
/// every arrival, step, outage and sample, and what it leaves out (resumed tasks,
/// rescheduled strikes) is a small share.
/// The controls panel draws every numeric decision from [`DIALS`] alone, so the table must
/// agree with the commands: each bound it offers is accepted and read back, a step beyond
/// either bound is refused by the command (the `rules` bounds it quotes are the command's),
/// and a dial that can be off switches off. Checked on every row of every shipped level
/// where the dial's decision is available.
#[test]
fn every_dial_offers_exactly_what_its_command_accepts() {
    let mut checked = std::collections::BTreeSet::new();
    for level in Level::all_embedded() {
        for dial in DIALS {
            let fresh = Simulation::new(level.clone(), 1);
            if !fresh.available(dial.decision) {
                continue;
            }
            let step = match dial.scale {
                DialScale::Count => 1.0,
                DialScale::Percent => 0.05,
            };
            for (i, row) in (dial.rows)(&fresh).iter().enumerate() {
                let at = |what: &str| {
                    format!("{} {:?} row {:?}: {what}", level.id, dial.label, row.label)
                };
                for v in [dial.min, dial.max] {
                    let mut sim = Simulation::new(level.clone(), 1);
                    sim.apply((dial.set)(&row.target, Some(v)))
                        .unwrap_or_else(|e| panic!("{}", at(&format!("{v} refused: {e}"))));
                    assert_eq!((dial.rows)(&sim)[i].value, Some(v), "{}", at("read back"));
                }
                for v in [dial.min - step, dial.max + step] {
                    let mut sim = Simulation::new(level.clone(), 1);
                    assert!(
                        sim.apply((dial.set)(&row.target, Some(v))).is_err(),
                        "{}",
                        at(&format!("{v} is outside the dial yet accepted"))
                    );
                }
                if let Some(default) = dial.default_on {
                    assert!(
                        (dial.min..=dial.max).contains(&default),
                        "{}",
                        at("default")
                    );
                    let mut sim = Simulation::new(level.clone(), 1);
                    sim.apply((dial.set)(&row.target, Some(default)))
                        .expect("default");
                    sim.apply((dial.set)(&row.target, None))
                        .unwrap_or_else(|e| panic!("{}", at(&format!("off refused: {e}"))));
                    assert_eq!((dial.rows)(&sim)[i].value, None, "{}", at("off"));
                }
                checked.insert(dial.label);
            }
        }
    }
    // Every dial is offered by some shipped level, so every row of the table was checked.
    let all: std::collections::BTreeSet<_> = DIALS.iter().map(|d| d.label).collect();
    assert_eq!(checked, all, "dials no shipped level offers");
}

#[test]
fn the_event_estimate_bounds_every_shipped_level_with_room_to_spare() {
    for level in Level::all_embedded() {
        let expected = level.expected_events(level.duration());
        assert!(
            expected <= rules::MAX_EXPECTED_EVENTS,
            "{}: {expected}",
            level.id
        );
        for seed in 1..=20 {
            let sim = Simulation::replay(level.clone(), seed, &[]).expect("runs");
            let events = sim.events_processed() as f64;
            assert!(
                events <= 2.0 * expected,
                "{} seed {seed}: {events} events, estimate {expected}",
                level.id
            );
        }
    }
}

/// Numbers a mutation writes in place of a number of the level: zero, negatives, the
/// smallest subnormal, the largest finite float, NaN, infinities, the largest integers.
const NUMBERS: &[&str] = &[
    "0",
    "0.0",
    "-1",
    "-1.5",
    "1e-320",
    "1e-9",
    "1e308",
    "NaN",
    "inf",
    "-inf",
    "4294967295",
    "18446744073709551615",
    "0.5",
    "1e9",
    "3",
];

/// Spans of numeric literals in RON `src`.
fn number_spans(src: &str) -> Vec<(usize, usize)> {
    let b = src.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit()
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'));
        if starts {
            let s = i;
            while i < b.len() && (b[i].is_ascii_digit() || matches!(b[i], b'.' | b'e' | b'-')) {
                i += 1;
            }
            spans.push((s, i));
        } else {
            i += 1;
        }
    }
    spans
}

/// One mutation of a level's text.
#[derive(Clone, Debug)]
enum Mutation {
    /// Replace the k-th number with one of [`NUMBERS`].
    Number(usize, usize),
    /// Delete line k.
    DeleteLine(usize),
    /// Duplicate line k.
    DuplicateLine(usize),
    /// Write an ASCII byte at position k.
    Byte(usize, u8),
    /// Cut the text at position k.
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => (any::<usize>(), 0..NUMBERS.len()).prop_map(|(k, v)| Mutation::Number(k, v)),
        1 => any::<usize>().prop_map(Mutation::DeleteLine),
        1 => any::<usize>().prop_map(Mutation::DuplicateLine),
        1 => (any::<usize>(), 0x20u8..0x7f).prop_map(|(k, c)| Mutation::Byte(k, c)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(src: &str, m: &Mutation) -> String {
    if src.is_empty() {
        return String::new();
    }
    match *m {
        Mutation::Number(k, v) => {
            let spans = number_spans(src);
            if spans.is_empty() {
                return src.to_string();
            }
            let (s, e) = spans[k % spans.len()];
            format!("{}{}{}", &src[..s], NUMBERS[v], &src[e..])
        }
        Mutation::DeleteLine(k) | Mutation::DuplicateLine(k) => {
            let mut lines: Vec<&str> = src.lines().collect();
            let k = k % lines.len();
            if matches!(m, Mutation::DeleteLine(_)) {
                lines.remove(k);
            } else {
                lines.insert(k, lines[k]);
            }
            lines.join("\n")
        }
        Mutation::Byte(k, c) => {
            let mut bytes = src.as_bytes().to_vec();
            let k = k % bytes.len();
            // Only ASCII positions, so the text stays UTF-8.
            if bytes[k].is_ascii() {
                bytes[k] = c;
            }
            String::from_utf8(bytes).expect("ASCII replaced by ASCII")
        }
        Mutation::Truncate(k) => {
            let mut k = k % src.len();
            while !src.is_char_boundary(k) {
                k -= 1;
            }
            src[..k].to_string()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Any one to four mutations of a shipped level: parsing and validation never panic, an
    /// error names the file, and an accepted level runs its first two workdays (with its
    /// default budget, and so in bounded time) without panicking and without a figure that
    /// is not finite.
    #[test]
    fn mutated_levels_never_panic_or_hang(
        which in 0..EMBEDDED.len(),
        mutations in proptest::collection::vec(mutation(), 1..=4),
        seed in 0u64..1000,
    ) {
        let (_, file, src) = EMBEDDED[which];
        let text = mutations.iter().fold(src.to_string(), |t, m| mutate(&t, m));
        match Level::parse(file, &text) {
            Err(e) => prop_assert_eq!(e.file.as_str(), file),
            Ok(level) => {
                prop_assert!(level.expected_events(level.duration()) <= rules::MAX_EXPECTED_EVENTS);
                let end = level.duration().min(2.0 * level.calendar.minutes_per_day);
                let mut sim = Simulation::with_duration(level, seed, end);
                sim.run_to_end();
                prop_assert!(sim.is_finished());
                let bad = flowkata::sim::soak::non_finite_figures(&sim.report());
                prop_assert!(bad.is_empty(), "not finite: {:?}", bad);
            }
        }
    }
}
