//! `flowkata-cli verify`: verifies run files.

use super::*;

/// `verify`: one line per file; exit 0 only when all verify.
pub(super) fn verify(files: &[String]) -> ExitCode {
    let mut bad = 0;
    for (i, arg) in files.iter().enumerate() {
        let link = format!("link {}", i + 1);
        let f = if arg.contains('#') { &link } else { arg };
        match verified(arg) {
            Ok(sim) => {
                let r = sim.report();
                println!(
                    "verified: {f} ({}, seed {}, {} commands, score {:.0}, {} stars)",
                    r.level,
                    r.seed,
                    sim.commands().len(),
                    r.score,
                    r.stars
                );
            }
            Err(m) => {
                println!("NOT verified: {f}: {m}");
                bad += 1;
            }
        }
    }
    all_or_two(bad)
}
