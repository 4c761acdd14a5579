//! `flowkata-cli` as a user runs it: exit codes, messages, and the JSON it prints.

use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowkata-cli"))
        .args(args)
        .output()
        .expect("flowkata-cli runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn validate_accepts_the_shipped_levels() {
    let o = cli(&[
        "validate",
        "levels/brent.ron",
        "levels/ten-deploys.ron",
        "levels/phoenix.ron",
        "levels/mm1.ron",
        "bench/peer/mm1.ron",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn validate_rejects_a_broken_level_with_exit_2_and_one_located_message() {
    let o = cli(&[
        "validate",
        "levels/brent.ron",
        "tests/broken/unknown_center.ron",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "one message: {err}");
    assert!(err.contains("tests/broken/unknown_center.ron:19:"), "{err}");
    assert!(err.contains("arrivals[0].route[1].center"), "{err}");
}

#[test]
fn run_json_has_the_documented_fields() {
    let o = cli(&["run", "brent", "--seed", "4", "--days", "2", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
    assert_eq!(v["level"], "brent");
    assert_eq!(v["seed"], 4);
    assert_eq!(v["sim_time"], 960.0);
    let centers = v["centers"].as_array().unwrap();
    assert_eq!(centers.len(), 4);
    for key in [
        "id",
        "arrivals",
        "completions",
        "utilization",
        "mean_wait",
        "mean_sojourn",
        "mean_queue_len",
        "mean_in_system",
    ] {
        assert!(centers[0].get(key).is_some(), "centers[0].{key} missing");
    }
    for key in [
        "throughput_per_day",
        "lead_time_p50",
        "lead_time_p85",
        "deploys_per_day",
        "change_failure_rate",
        "mean_time_to_restore",
        "unplanned_cost",
    ] {
        assert!(v["run"].get(key).is_some(), "run.{key} missing");
    }
    assert!(v["score"].is_number());
    assert_eq!(v["state_hash"].as_str().unwrap().len(), 64);
}

#[test]
fn run_is_reproducible_and_commands_change_it() {
    let hash = |args: &[&str]| {
        let o = cli(args);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["state_hash"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let a = hash(&["run", "levels/brent.ron", "--seed", "2", "--json"]);
    let b = hash(&["run", "brent", "--seed", "2", "--json"]);
    assert_eq!(a, b, "the file and the embedded level are the same run");
    let c = hash(&[
        "run",
        "brent",
        "--seed",
        "2",
        "--commands",
        "tests/policies/brent-good.ron",
        "--json",
    ]);
    assert_ne!(a, c);
}

#[test]
fn bad_input_exits_2_naming_what_is_wrong() {
    let cases: [(&[&str], &str); 4] = [
        (&["run", "no-such-level"], "no-such-level"),
        (&["run", "brent", "--days", "-3"], "--days"),
        (
            &[
                "run",
                "brent",
                "--commands",
                "tests/broken/unknown_center.ron",
            ],
            "tests/broken/unknown_center.ron:",
        ),
        (
            &["run", "tests/broken/zero_batch.ron"],
            "centers[1].deploy.batch_size",
        ),
    ];
    for (args, needle) in cases {
        let o = cli(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
}

/// `--replications` runs each derived seed exactly as `run --seed` would (same state hash),
/// and its mean is the plain average of those runs' scores; the half-width is Student's t
/// interval over them, so it is positive for a level whose runs differ.
#[test]
fn replications_report_the_mean_and_ci_of_independent_runs() {
    let json = |args: &[&str]| -> serde_json::Value {
        let o = cli(args);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice(&o.stdout).expect("JSON")
    };
    let reps = json(&[
        "run",
        "brent",
        "--seed",
        "5",
        "--days",
        "3",
        "--replications",
        "4",
        "--threads",
        "2",
        "--json",
    ]);
    let seeds: Vec<u64> = reps["seeds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap())
        .collect();
    assert_eq!(seeds.len(), 4);
    let mut scores = Vec::new();
    for (i, seed) in seeds.iter().enumerate() {
        let one = json(&[
            "run",
            "brent",
            "--seed",
            &seed.to_string(),
            "--days",
            "3",
            "--json",
        ]);
        assert_eq!(
            one["state_hash"], reps["state_hashes"][i],
            "replication {i}"
        );
        scores.push(one["score"].as_f64().unwrap());
    }
    let mean = scores.iter().sum::<f64>() / 4.0;
    let score = &reps["metrics"]["score"];
    assert!((score["mean"].as_f64().unwrap() - mean).abs() < 1e-6);
    assert!(score["half_width"].as_f64().unwrap() > 0.0);
    assert!(reps["metrics"]["centers.ops.mean_wait"]["mean"].is_number());
    // One thread or two: the same replications.
    let single = json(&[
        "run",
        "brent",
        "--seed",
        "5",
        "--days",
        "3",
        "--replications",
        "4",
        "--threads",
        "1",
        "--json",
    ]);
    assert_eq!(single["state_hashes"], reps["state_hashes"]);

    let o = cli(&["run", "brent", "--replications", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--replications"), "{}", stderr(&o));
}

/// `speed` times the same run `run` makes: its customer count is the run's completions and
/// its events the run's events.
#[test]
fn speed_reports_the_runs_customers_and_their_rate() {
    let o = cli(&["speed", "mm1", "--seed", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let run = cli(&["run", "mm1", "--seed", "2", "--json"]);
    let r: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let completed: u64 = r["run"]["completed"]
        .as_object()
        .unwrap()
        .values()
        .map(|x| x.as_u64().unwrap())
        .sum();
    assert_eq!(v["customers"].as_u64(), Some(completed));
    assert_eq!(v["events"], r["events"]);
    // The rate is a timing, which a test cannot pin (docs/cli.md); what can fail is a rate
    // that is no rate: zero, negative, infinite or NaN, as a timer that did not run would give.
    let seconds = v["seconds"].as_f64().unwrap();
    let rate = v["customers_per_second"].as_f64().unwrap();
    assert!(seconds > 0.0 && seconds.is_finite(), "seconds {seconds}");
    assert!(
        rate > 0.0 && rate.is_finite(),
        "customers per second {rate}"
    );
}

/// `balance` finds the level's policies, runs them on the same seeds and compares them
/// with the naive one. On brent the good policy (protect Brent, document him) beat the
/// naive one on 98% of 200 paired seeds (`flowkata-cli balance brent --replications 200`),
/// so on 40 seeds a share at or below one half would need a run of luck with odds far
/// below one in a million.
#[test]
fn balance_compares_policies_on_paired_seeds() {
    let o = cli(&["balance", "brent", "--replications", "40", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["baseline"], "naive");
    assert_eq!(v["seeds"].as_array().map(Vec::len), Some(40));
    let policy = |name: &str| {
        v["policies"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == name))
            .cloned()
            .unwrap_or_else(|| panic!("no policy {name} in {v}"))
    };
    assert_eq!(policy("naive")["beats_baseline"], 0.0);
    assert!(policy("good")["beats_baseline"].as_f64() > Some(0.5));
    assert!(policy("none")["score"]["half_width"].as_f64() > Some(0.0));
}

#[test]
fn balance_with_a_broken_policy_names_the_file() {
    let o = cli(&[
        "balance",
        "brent",
        "--policy",
        "tests/broken/syntax_error.ron",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("tests/broken/syntax_error.ron"),
        "{}",
        stderr(&o)
    );
}

/// `run --save-run` writes a run file that `verify` accepts and `run --run` replays to the
/// same report; an edited copy is refused with exit code 2, naming the file and the field.
#[test]
fn save_run_verify_and_replay_a_run_file() {
    let dir = std::env::temp_dir().join(format!("flowkata-cli-runs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.json");
    let good_s = good.to_string_lossy().to_string();
    let o = cli(&[
        "run",
        "brent",
        "--seed",
        "4",
        "--commands",
        "tests/policies/brent-good.ron",
        "--save-run",
        &good_s,
        "--team",
        "Team A",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let played: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&good).unwrap()).unwrap();
    assert_eq!(file["team"], "Team A");
    assert_eq!(file["state_hash"], played["state_hash"]);

    let o = cli(&["verify", &good_s]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let o = cli(&["run", "--run", &good_s, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let replayed: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(replayed["state_hash"], played["state_hash"]);
    assert_eq!(replayed["score"], played["score"]);

    let mut edited = file.clone();
    edited["headline"]["score"] = serde_json::json!(1_000_000.0);
    let bad = dir.join("bad.json");
    std::fs::write(&bad, edited.to_string()).unwrap();
    let bad_s = bad.to_string_lossy().to_string();
    let o = cli(&["verify", &good_s, &bad_s]);
    assert_eq!(o.status.code(), Some(2));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains(&format!("verified: {good_s}")), "{out}");
    assert!(
        out.contains(&format!("NOT verified: {bad_s}")) && out.contains("headline.score"),
        "{out}"
    );
    let o = cli(&["run", "--run", &bad_s]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("headline.score"), "{}", stderr(&o));

    // The same run as a link verifies too.
    let o = cli(&["link", &good_s, "--base", "http://10.0.0.5:8080/"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let link = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert!(link.starts_with("http://10.0.0.5:8080/#run="), "{link}");
    let o = cli(&["verify", &link]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("verified: link 1"));

    // compare: the naive run, the good one as a link and the edited one; CSV.
    let naive = dir.join("naive.json");
    let naive_s = naive.to_string_lossy().to_string();
    let o = cli(&[
        "run",
        "brent",
        "--seed",
        "4",
        "--save-run",
        &naive_s,
        "--team",
        "Team B",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = cli(&["compare", "--csv", &naive_s, &link, &bad_s]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a run that does not verify: exit 2"
    );
    let csv = String::from_utf8_lossy(&o.stdout).to_string();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].starts_with("rank,team,status,score"), "{csv}");
    // Ranked by score.
    let score = |line: &str| line.split(',').nth(3).unwrap().parse::<f64>().unwrap();
    assert!(
        lines[1].starts_with("1,Team A,verified,") || lines[1].starts_with("1,Team B,verified,")
    );
    assert!(lines[2].starts_with("2,"), "{csv}");
    assert!(score(lines[1]) >= score(lines[2]), "{csv}");
    assert!(lines[3].contains("NOT verified"), "{csv}");
    let o = cli(&["compare", &naive_s, &link]);
    assert!(o.status.success(), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(dir);
}

/// `run --rounds R --round-days D` plays the level as a drill: the run file records the drill
/// and verifies; a standing decision in the middle of a round is refused, exit 2.
#[test]
fn run_as_a_drill_writes_a_drill_run_file() {
    let dir = std::env::temp_dir().join(format!("flowkata-cli-drill-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("drill.json");
    let file_s = file.to_string_lossy().to_string();
    let o = cli(&[
        "run",
        "brent",
        "--seed",
        "2",
        "--rounds",
        "3",
        "--round-days",
        "2",
        "--save-run",
        &file_s,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(run["drill"]["rounds"], 3);
    assert_eq!(
        run["sim_time"],
        3.0 * 2.0 * 480.0,
        "rounds × round days, not the level's 10"
    );
    assert!(cli(&["verify", &file_s]).status.success());

    let log = dir.join("mid-round.ron");
    std::fs::write(&log, "[(at: 100.0, action: ProtectConstraint(on: true))]").unwrap();
    let o = cli(&[
        "run",
        "brent",
        "--rounds",
        "3",
        "--round-days",
        "2",
        "--commands",
        &log.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("between rounds"), "{}", stderr(&o));
    let o = cli(&["run", "brent", "--rounds", "0", "--round-days", "2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("rounds"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(dir);
}

/// `luck`: each replication's scores equal independent `run` invocations with the same seed,
/// the policy's with the run's commands and the baseline's with none; the shares count the
/// seeds by hand; a run file gives the same analysis as its level, seed and commands.
#[test]
fn luck_replications_equal_independent_cli_runs() {
    let dir = std::env::temp_dir().join(format!("flowkata-luck-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("policy.ron");
    std::fs::write(
        &log,
        "[(at: 0.0, action: ProtectConstraint(on: true)), (at: 960.0, action: ProtectConstraint(on: false))]",
    )
    .unwrap();
    let log = log.to_str().unwrap();
    let json = |args: &[&str]| -> serde_json::Value {
        let o = cli(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        serde_json::from_slice(&o.stdout).expect("JSON")
    };
    let r = json(&[
        "luck",
        "brent",
        "--seed",
        "4",
        "--commands",
        log,
        "--replications",
        "6",
        "--json",
    ]);
    let seeds = r["seeds"].as_array().unwrap();
    assert_eq!(seeds.len(), 6);
    let mut wins = 0;
    for (i, seed) in seeds.iter().enumerate() {
        let seed = seed.as_u64().unwrap().to_string();
        let policy = json(&["run", "brent", "--seed", &seed, "--commands", log, "--json"]);
        let none = json(&["run", "brent", "--seed", &seed, "--json"]);
        assert_eq!(r["policy_scores"][i], policy["score"], "seed {seed}");
        assert_eq!(r["baseline_scores"][i], none["score"], "seed {seed}");
        wins += usize::from(policy["score"].as_f64() > none["score"].as_f64());
    }
    assert_eq!(r["beats_baseline"].as_f64().unwrap(), wins as f64 / 6.0);
    let own = json(&["run", "brent", "--seed", "4", "--commands", log, "--json"]);
    assert_eq!(r["actual_score"], own["score"]);
    assert_eq!(r["kept"], 2);

    // The same run as a run file.
    let file = dir.join("run.json");
    let file = file.to_str().unwrap();
    let o = cli(&[
        "run",
        "brent",
        "--seed",
        "4",
        "--commands",
        log,
        "--save-run",
        file,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let from_file = json(&["luck", "--run", file, "--replications", "6", "--json"]);
    assert_eq!(from_file["policy_scores"], r["policy_scores"]);

    // The text names both shares; a bad count is refused naming the flag.
    let o = cli(&["luck", "brent", "--replications", "3"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("beat doing nothing on"), "{text}");
    assert!(
        text.contains("percentile of what your decisions earn"),
        "{text}"
    );
    let o = cli(&["luck", "brent", "--replications", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--replications"), "{}", stderr(&o));
}
