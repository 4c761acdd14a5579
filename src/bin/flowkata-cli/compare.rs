//! `flowkata-cli compare`: the facilitator's comparison of several runs.

use super::*;

/// `compare`: the table, CSV or Markdown; exit 0 only when all verify and compare.
pub(super) fn compare(runs: &[String], csv: bool, markdown: bool) -> ExitCode {
    use flowkata::sim::compare::{COLUMNS, compare};
    let mut inputs = Vec::new();
    let mut unreadable = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        let name = if r.contains('#') {
            format!("link {}", i + 1)
        } else {
            r.clone()
        };
        match run_text(r) {
            Ok(text) => inputs.push((name, text)),
            Err(e) => unreadable.push(format!("{name}: {e}")),
        }
    }
    let cmp = compare(&inputs);
    if csv {
        print!("{}", cmp.to_csv());
    } else if markdown {
        print!("{}", cmp.to_markdown());
    } else {
        if let Some(k) = &cmp.key {
            println!("Runs on {}.", k.label());
        }
        // rank, team, score, stars, deploys/day, lead p85, status
        println!(
            "{:>4}  {:<20} {:>10} {:>5} {:>8} {:>9}  status",
            "rank", "team", COLUMNS[3], "stars", "deploy/d", "p85 days"
        );
        for row in cmp.rows() {
            println!(
                "{:>4}  {:<20} {:>10} {:>5} {:>8} {:>9}  {}",
                row[0], row[1], row[3], row[4], row[7], row[12], row[2]
            );
        }
    }
    for u in &unreadable {
        eprintln!("unreadable: {u}");
    }
    let bad = unreadable.len()
        + cmp
            .entries
            .iter()
            .filter(|e| !e.verified() || !e.comparable)
            .count();
    all_or_two(bad)
}
