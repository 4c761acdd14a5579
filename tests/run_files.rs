//! Run files: a run written down verifies when replayed, and every kind of change to it is
//! caught and named (a figure, a command, the level, the versions).

use flowkata::sim::run_file::{ENGINE_VERSION, RunFile, VerifyError};
use flowkata::sim::{Action, Assignee, Level, Simulation, level::EMBEDDED};

fn source(id: &str) -> &'static str {
    EMBEDDED.iter().find(|(i, _, _)| *i == id).unwrap().2
}

/// Advances `sim` in steps of 10 sim minutes until an outage is open; its id.
fn first_outage(sim: &mut Simulation) -> u64 {
    while sim.open_outages().next().is_none() {
        let t = sim.now() + 10.0;
        sim.advance_to(t);
    }
    sim.open_outages().next().unwrap().id
}

/// A phoenix run saved mid-play, after commands at several times, one naming an outage.
fn mid_play() -> RunFile {
    let mut sim = Simulation::new(Level::embedded("phoenix").unwrap(), 5);
    sim.advance_to(100.25);
    sim.apply(Action::ProtectConstraint { on: true }).unwrap();
    let id = first_outage(&mut sim);
    sim.apply(Action::Triage {
        outage: id,
        to: Assignee::Worker("Wes".into()),
    })
    .unwrap();
    sim.advance_to(2345.678);
    RunFile::record(&sim, source("phoenix"), "The Red Team")
}

#[test]
fn a_run_saved_mid_play_verifies_and_reads_back_exactly() {
    let run = mid_play();
    assert_eq!(run.sim_time, 2345.678);
    assert_eq!(run.commands.len(), 2);
    assert!(
        run.level.source.is_none(),
        "a shipped level is named, not carried"
    );
    let back = RunFile::parse(&run.to_json()).unwrap();
    assert_eq!(back, run);
    let sim = back.verify().expect("verifies");
    assert_eq!(sim.now(), 2345.678);
    assert_eq!(sim.state_hash(), run.state_hash);
}

#[test]
fn a_custom_level_is_carried_whole_and_verifies_without_the_file() {
    let src = source("mm1").replace("days: 5", "days: 2");
    let level = Level::parse("my-level.ron", &src).unwrap();
    let mut sim = Simulation::new(level, 3);
    sim.run_to_end();
    let run = RunFile::record(&sim, &src, "");
    assert_eq!(run.level.source.as_deref(), Some(src.as_str()));
    run.verify().expect("verifies from the carried level");
}

/// Applies `edit` to the JSON of a good run file and returns why it no longer verifies.
fn tampered(edit: impl Fn(&mut serde_json::Value)) -> VerifyError {
    let mut v: serde_json::Value = serde_json::from_str(&mid_play().to_json()).unwrap();
    edit(&mut v);
    match RunFile::parse(&v.to_string()) {
        Err(e) => e,
        Ok(run) => run.verify().expect_err("a changed file must not verify"),
    }
}

#[test]
fn a_hand_edited_score_is_caught_and_named() {
    let e = tampered(|v| v["headline"]["score"] = serde_json::json!(1e9));
    assert!(
        matches!(&e, VerifyError::Mismatch { field, .. } if field == "headline.score"),
        "{e}"
    );
}

#[test]
fn a_hand_edited_command_is_caught() {
    // Protecting the constraint later: the figures were recorded for the earlier time.
    let e = tampered(|v| v["commands"][0]["at"] = serde_json::json!(200.0));
    assert!(matches!(e, VerifyError::Mismatch { .. }), "{e}");
    // Removing a command.
    let e = tampered(|v| {
        v["commands"].as_array_mut().unwrap().remove(0);
    });
    assert!(matches!(e, VerifyError::Mismatch { .. }), "{e}");
    // A command after the recorded time.
    let e = tampered(|v| v["commands"][1]["at"] = serde_json::json!(5000.0));
    assert!(matches!(e, VerifyError::BadCommands(_)), "{e}");
}

#[test]
fn versions_and_levels_are_reported_as_such_not_as_tampering() {
    let e = tampered(|v| v["format_version"] = serde_json::json!(99));
    assert_eq!(e, VerifyError::NewerFormat { found: 99 });
    let e = tampered(|v| v["engine_version"] = serde_json::json!(ENGINE_VERSION + 1));
    assert_eq!(
        e,
        VerifyError::OtherEngine {
            found: ENGINE_VERSION + 1
        }
    );
    let e = tampered(|v| v["level"]["id"] = serde_json::json!("atlantis"));
    assert_eq!(e, VerifyError::UnknownLevel("atlantis".into()));
    let e = tampered(|v| v["level"]["content_hash"] = serde_json::json!("0"));
    assert_eq!(e, VerifyError::LevelChanged("phoenix".into()));
    let e = tampered(|v| v["kind"] = serde_json::json!("something else"));
    assert!(matches!(e, VerifyError::NotARun(_)), "{e}");
    assert!(matches!(
        RunFile::parse("not json"),
        Err(VerifyError::NotARun(_))
    ));
}

#[test]
fn a_version_1_file_reads_as_a_run_without_drill_or_storyboard() {
    let mut v: serde_json::Value = serde_json::from_str(&mid_play().to_json()).unwrap();
    v["format_version"] = serde_json::json!(1);
    let run = RunFile::parse(&v.to_string()).unwrap();
    assert_eq!(run.drill, None);
    assert_eq!(run.storyboard, None);
    run.verify().expect("a version 1 file verifies");
}

#[test]
fn a_run_link_round_trips_and_a_changed_link_is_caught() {
    let run = mid_play();
    let link = run.to_link("http://127.0.0.1:8080/?level=phoenix#old");
    assert!(
        link.starts_with("http://127.0.0.1:8080/?level=phoenix#run="),
        "{link}"
    );
    assert!(!link.contains("old"));
    assert_eq!(RunFile::from_link(&link).unwrap(), run);
    assert_eq!(RunFile::parse_any(&link).unwrap(), run);
    // Cut short: does not unpack.
    let cut = &link[..link.len() - 20];
    assert!(matches!(
        RunFile::from_link(cut),
        Err(VerifyError::NotARun(_))
    ));
    // A character outside base64.
    let bad = link.replacen("#run=", "#run=$", 1);
    assert!(matches!(
        RunFile::from_link(&bad),
        Err(VerifyError::NotARun(_))
    ));
    // Not a run link at all.
    assert!(matches!(
        RunFile::from_link("http://example.com/#level=x"),
        Err(VerifyError::NotARun(_))
    ));
}

#[test]
fn enormous_files_and_links_are_refused_unread() {
    use flowkata::sim::rules::MAX_RUN_FILE_BYTES;
    let huge = format!("{{\"kind\": \"{}\"}}", "x".repeat(MAX_RUN_FILE_BYTES));
    assert!(matches!(
        RunFile::parse(&huge),
        Err(VerifyError::TooLarge(_))
    ));
    // A link that unpacks to more than the cap (a zip bomb of spaces) is stopped while it
    // unpacks.
    use base64::Engine;
    let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; MAX_RUN_FILE_BYTES + 10], 9);
    let data = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bomb);
    assert!(data.len() < 100_000, "the bomb is small: {}", data.len());
    let e = RunFile::from_link(&format!("#run={data}")).unwrap_err();
    assert!(matches!(e, VerifyError::TooLarge(_)), "{e}");
}

mod drills {
    use flowkata::sim::challenge::{Goal, Metric};
    use flowkata::sim::kata::{self, Drill, KataRound, Storyboard};
    use flowkata::sim::run_file::{RunFile, VerifyError};
    use flowkata::sim::{Action, Assignee, Level, Simulation};

    const DRILL: Drill = Drill {
        rounds: 3,
        round_days: 2.0,
    };

    fn level() -> Level {
        Level::embedded("phoenix")
            .unwrap()
            .with_drill(DRILL)
            .unwrap()
    }

    #[test]
    fn a_drill_lasts_its_rounds_whatever_the_level_says() {
        let l = level();
        assert_eq!(l.days, 6.0);
        assert_eq!(l.duration(), 6.0 * l.calendar.minutes_per_day);
        let bad = Drill {
            rounds: 0,
            round_days: 2.0,
        };
        let e = Level::embedded("phoenix")
            .unwrap()
            .with_drill(bad)
            .unwrap_err();
        assert!(e.contains("rounds"), "{e}");
    }

    #[test]
    fn standing_decisions_change_only_between_rounds_operational_ones_any_time() {
        let l = level();
        let mpd = l.calendar.minutes_per_day;
        let mut sim = Simulation::new(l, 7);
        // At the start of round 1: allowed.
        sim.apply(Action::ProtectConstraint { on: true }).unwrap();
        sim.advance_to(100.0);
        let e = sim
            .apply(Action::SetBatchSize {
                size: 2,
                center: None,
            })
            .unwrap_err();
        assert!(e.0.contains("between rounds"), "{e}");
        assert!(e.0.contains("round 2 starts on day 2"), "{e}");
        // An operational decision during the round: allowed.
        let id = super::first_outage(&mut sim);
        sim.apply(Action::Triage {
            outage: id,
            to: Assignee::Defer,
        })
        .unwrap();
        // At the boundary of round 2: allowed again.
        sim.advance_to(DRILL.boundary(1, mpd));
        sim.apply(Action::SetBatchSize {
            size: 2,
            center: None,
        })
        .unwrap();
        sim.advance_to(DRILL.boundary(2, mpd) + 1.0);
        let e = sim
            .apply(Action::ProtectConstraint { on: false })
            .unwrap_err();
        assert!(e.0.contains("last round"), "{e}");
    }

    /// A drill run with a storyboard for two played rounds and a third planned, saved in
    /// the third round, as the game writes it.
    fn drill_run() -> RunFile {
        let l = level();
        let mpd = l.calendar.minutes_per_day;
        let target = Goal {
            metric: Metric::DeploysPerDay,
            at_least: Some(3.0),
            at_most: None,
        };
        let round = |current, prediction| KataRound {
            current_condition: current,
            target: target.clone(),
            obstacle: "big batches".into(),
            experiment: "batch size 2".into(),
            prediction,
            result: None,
            learned: String::new(),
        };
        let mut story = Storyboard {
            challenge: Storyboard::challenge_of(&l),
            rounds: vec![round(kata::baseline_condition(&l, 9).unwrap(), 2.5)],
        };
        let mut sim = Simulation::new(l.clone(), 9);
        sim.apply(Action::SetBatchSize {
            size: 2,
            center: None,
        })
        .unwrap();
        let mut before = None;
        for k in 1..=2 {
            sim.advance_to(DRILL.boundary(k, mpd));
            let after = sim.report();
            story.rounds[k as usize - 1].result =
                target.metric.over_window(before.as_ref(), &after, mpd);
            story.rounds[k as usize - 1].learned = format!("round {k} taught us something");
            story
                .rounds
                .push(round(kata::condition(&l, before.as_ref(), &after), 4.0));
            before = Some(after);
        }
        sim.apply(Action::SetBatchSize {
            size: 1,
            center: None,
        })
        .unwrap();
        sim.advance_to(DRILL.boundary(2, mpd) + 123.0);
        let src = flowkata::sim::level::embedded_source("phoenix").unwrap();
        RunFile::record_with(&sim, src, "Kata team", Some(story))
    }

    #[test]
    fn a_drill_run_with_its_storyboard_verifies_and_round_trips() {
        let run = drill_run();
        assert_eq!(run.drill, Some(DRILL));
        assert!(
            run.level.source.is_none(),
            "a drill on a shipped level names it"
        );
        let back = RunFile::parse(&run.to_json()).unwrap();
        assert_eq!(back, run);
        back.verify().expect("verifies");
        let story = run.storyboard.as_ref().unwrap();
        assert_eq!(story.rounds.len(), 3);
        // Each round's current condition is the previous round's measure of its target.
        let dpd = |r: &KataRound| {
            r.current_condition
                .iter()
                .find(|f| f.metric == Metric::DeploysPerDay)
                .unwrap()
                .value
        };
        assert_eq!(dpd(&story.rounds[1]), story.rounds[0].result);
        assert_eq!(dpd(&story.rounds[2]), story.rounds[1].result);
        // Deploys over round 2 alone, counted by hand from two replays.
        let l = level();
        let mpd = l.calendar.minutes_per_day;
        let deploys_at = |t: f64| {
            let mut sim = Simulation::new(l.clone(), 9);
            sim.apply(Action::SetBatchSize {
                size: 2,
                center: None,
            })
            .unwrap();
            sim.advance_to(t);
            sim.report().run.deploys as f64
        };
        let by_hand =
            (deploys_at(DRILL.boundary(2, mpd)) - deploys_at(DRILL.boundary(1, mpd))) / 2.0;
        assert_eq!(story.rounds[1].result, Some(by_hand));
    }

    #[test]
    fn a_changed_result_or_condition_in_the_storyboard_is_caught() {
        let run = drill_run();
        let mut r = run.clone();
        r.storyboard.as_mut().unwrap().rounds[1].result = Some(99.0);
        let e = r.verify().unwrap_err();
        assert!(
            matches!(&e, VerifyError::Mismatch { field, .. } if field == "storyboard.rounds[1].result"),
            "{e}"
        );
        let mut r = run.clone();
        r.storyboard.as_mut().unwrap().rounds[0].current_condition[0].value = Some(1.0);
        let e = r.verify().unwrap_err();
        assert!(
            matches!(&e, VerifyError::Mismatch { field, .. } if field.starts_with("storyboard.rounds[0].current_condition")),
            "{e}"
        );
        // A result for the round still under way.
        let mut r = run.clone();
        r.storyboard.as_mut().unwrap().rounds[2].result = Some(3.0);
        assert!(r.verify().is_err());
        // Dropping the drill: the batch size changes mid-round are now... allowed, but the
        // storyboard no longer belongs to the run.
        let mut r = run;
        r.drill = None;
        assert!(r.verify().is_err());
    }

    #[test]
    fn a_command_log_that_changes_a_standing_decision_mid_round_does_not_replay() {
        let mut run = drill_run();
        run.commands[1].at = 100.0;
        let e = run.verify().unwrap_err();
        assert!(
            matches!(&e, VerifyError::BadCommands(m) if m.contains("between rounds")),
            "{e}"
        );
    }
}

mod comparison {
    use flowkata::sim::compare::compare;
    use flowkata::sim::run_file::RunFile;
    use flowkata::sim::{Action, Level, Simulation};

    fn run(seed: u64, team: &str, protect: bool) -> String {
        let mut sim = Simulation::new(Level::embedded("brent").unwrap(), seed);
        if protect {
            sim.apply(Action::ProtectConstraint { on: true }).unwrap();
        }
        sim.advance_to(1500.0);
        let src = flowkata::sim::level::embedded_source("brent").unwrap();
        RunFile::record(&sim, src, team).to_json()
    }

    #[test]
    fn runs_are_ranked_by_score_and_others_are_marked_not_mixed_in() {
        let a = run(3, "Protect", true);
        let b = run(3, "Naive", false);
        let other_seed = run(4, "Other seed", true);
        let tampered = b.replacen("\"score\": ", "\"score\": 9", 1);
        let inputs = vec![
            ("b.json".to_string(), b.clone()),
            ("c.json".to_string(), other_seed),
            (
                "a-link".to_string(),
                RunFile::parse(&a).unwrap().to_link("http://x/"),
            ),
            ("t.json".to_string(), tampered),
            ("junk.json".to_string(), "{".to_string()),
            ("b2.json".to_string(), b),
        ];
        let cmp = compare(&inputs);
        let key = cmp.key.clone().unwrap();
        assert_eq!((key.level.as_str(), key.seed), ("brent", 3));
        let teams: Vec<String> = cmp.entries.iter().map(|e| e.team()).collect();
        let scores: Vec<f64> = cmp
            .entries
            .iter()
            .take(3)
            .map(|e| e.score().unwrap())
            .collect();
        // The three verified comparable runs first, by score.
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
        assert!(
            cmp.entries[..3]
                .iter()
                .all(|e| e.verified() && e.comparable)
        );
        // Then the tampered one, the other seed and the unreadable file, each marked.
        assert_eq!(&teams[3..], ["Naive", "Other seed", "junk.json"]);
        let rows = cmp.rows();
        assert_eq!(rows[0][0], "1");
        assert!(rows[3][2].starts_with("NOT verified"), "{}", rows[3][2]);
        assert!(rows[3][0].is_empty(), "an unverified run is not ranked");
        assert!(rows[4][2].starts_with("not comparable"), "{}", rows[4][2]);
        assert!(rows[5][2].starts_with("unreadable"), "{}", rows[5][2]);
        let mut first_three = teams[..3].to_vec();
        first_three.sort();
        assert_eq!(first_three, ["Naive", "Naive", "Protect"]);
        let csv = cmp.to_csv();
        assert_eq!(csv.lines().count(), 7, "{csv}");
        let first = format!("1,{},verified,", teams[0]);
        assert!(csv.lines().nth(1).unwrap().starts_with(&first), "{csv}");
        let md = cmp.to_markdown();
        assert!(md.contains("## Protect"));
        assert!(
            md.contains("Day 1 09:00: protect the constraint: on"),
            "{md}"
        );
    }
}

mod fuzz {
    use flowkata::sim::run_file::RunFile;
    use proptest::prelude::*;

    fn good() -> String {
        let mut sim =
            flowkata::sim::Simulation::new(flowkata::sim::Level::embedded("first-day").unwrap(), 2);
        sim.advance_to(300.0);
        let src = flowkata::sim::level::embedded_source("first-day").unwrap();
        RunFile::record(&sim, src, "fuzz").to_json()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

        /// Mutated run files (bytes flipped, cut, spliced): the parser and the verifier
        /// return an error or a run, never panic; the run stays bounded, so no hang.
        #[test]
        fn mutated_run_files_never_panic(
            edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
            cut in any::<prop::sample::Index>(),
            do_cut in any::<bool>(),
        ) {
            let mut bytes = good().into_bytes();
            for (i, b) in edits {
                let i = i.index(bytes.len());
                bytes[i] = b;
            }
            if do_cut {
                bytes.truncate(cut.index(bytes.len()));
            }
            let text = String::from_utf8_lossy(&bytes);
            if let Ok(run) = RunFile::parse(&text) {
                let _ = run.verify();
            }
            let _ = RunFile::from_link(&text);
        }

        /// Mutated run links: never a panic.
        #[test]
        fn mutated_run_links_never_panic(
            edits in prop::collection::vec((any::<prop::sample::Index>(), prop::char::range('-', 'z')), 1..4),
        ) {
            let run = RunFile::parse(&good()).unwrap();
            let mut link: Vec<char> = run.to_link("http://x/").chars().collect();
            for (i, c) in edits {
                let i = i.index(link.len());
                link[i] = c;
            }
            let link: String = link.into_iter().collect();
            if let Ok(run) = RunFile::from_link(&link) {
                let _ = run.verify();
            }
        }
    }
}
