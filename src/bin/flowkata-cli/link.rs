//! `flowkata-cli link`: a run file as a run link.

use super::*;

/// `link`: the run file as a run link.
pub(super) fn link(file: &str, base: &str) -> ExitCode {
    use flowkata::sim::run_file::RunFile;
    match run_text(file).and_then(|t| RunFile::parse(&t).map_err(|e| e.to_string())) {
        Ok(run) => {
            println!("{}", run.to_link(base));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {file}: {e}");
            ExitCode::from(2)
        }
    }
}
