//! Player commands: the only way the shell changes a simulation. The commands themselves
//! ([`Action`], one table in the engine's `commands` module) are re-exported here; this
//! module reads and writes command logs.
//!
//! Every command applied is stamped with the sim time it took effect and kept in the command
//! log, so a run is fully described by level + seed + command log, and
//! [`crate::sim::Simulation::replay`] reproduces it exactly. A command log file is a RON list:
//!
//! ```ron
//! [
//!     (at: 0.0, action: ProtectConstraint(on: true)),
//!     (at: 0.0, action: SetBatchSize(size: 2)),
//!     (at: 960.0, action: SetWipLimit(center: "dev", limit: Some(4))),
//! ]
//! ```

pub use super::engine::{
    Action, Assignee, Command, DIALS, Dial, DialRow, DialScale, SWITCHES, Switch,
};
use super::error::InputError;
pub use super::level::Decision;

/// Parses a command log (a RON list of [`Command`]s).
///
/// # Errors
/// An [`InputError`] naming the file, line, column and field for bad RON, and for a time that
/// is negative, not finite or earlier than the command before it.
pub fn parse_command_log(file: &str, source: &str) -> Result<Vec<Command>, InputError> {
    let commands: Vec<Command> =
        ron::from_str(source).map_err(|e| InputError::from_ron(file, source, &e))?;
    let mut last = 0.0;
    for (i, c) in commands.iter().enumerate() {
        if !c.at.is_finite() || c.at < last {
            return Err(InputError::at_field(
                file,
                source,
                format!("[{i}].at"),
                format!(
                    "must be a finite sim time >= the previous command's ({last}), got {}",
                    c.at
                ),
            ));
        }
        last = c.at;
    }
    Ok(commands)
}

/// Writes a command log as pretty RON that [`parse_command_log`] reads back exactly.
pub fn write_command_log(commands: &[Command]) -> String {
    ron::ser::to_string_pretty(commands, ron::ser::PrettyConfig::default())
        .expect("commands always serialize")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_round_trips_exactly() {
        let log = vec![
            Command {
                at: 0.1 + 0.2,
                action: Action::ProtectConstraint { on: true },
            },
            Command {
                at: 1_234.567_890_123,
                action: Action::Triage {
                    outage: 3,
                    to: Assignee::Worker("Wes".into()),
                },
            },
            Command {
                at: 2000.0,
                action: Action::SetWipLimit {
                    center: "dev".into(),
                    limit: None,
                },
            },
        ];
        let back = parse_command_log("x", &write_command_log(&log)).unwrap();
        assert_eq!(back, log);
        assert_eq!(back[0].at.to_bits(), (0.1f64 + 0.2).to_bits());
    }

    #[test]
    fn times_must_not_go_backwards() {
        let src = "[\n (at: 5.0, action: HoldWork(hold: true)),\n (at: 1.0, action: HoldWork(hold: false)),\n]";
        let e = parse_command_log("log.ron", src).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("[1].at"));
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn unknown_action_is_reported_with_position() {
        let e =
            parse_command_log("log.ron", "[(at: 0.0, action: Explode(now: true))]").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("Explode"), "{e}");
    }
}
