//! `flowkata-cli validate`: checks level files.

use super::*;

pub(super) fn validate(files: &[String]) -> ExitCode {
    let mut bad = 0;
    for f in files {
        let result = std::fs::read_to_string(f)
            .map_err(|e| InputError::file(f, format!("cannot read: {e}")))
            .and_then(|src| Level::parse(f, &src));
        match result {
            Ok(level) => println!("ok: {f} ({})", level.id),
            Err(e) => {
                eprintln!("error: {e}");
                bad += 1;
            }
        }
    }
    all_or_two(bad)
}
