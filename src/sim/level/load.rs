//! Embedding and loading levels: the shipped files compiled into the binary, and parsing a
//! level from RON text or a file.

use super::Level;
use crate::sim::error::InputError;

/// One shipped level: (id, file name, RON source), from its id.
macro_rules! shipped {
    ($id:literal) => {
        (
            $id,
            concat!("levels/", $id, ".ron"),
            include_str!(concat!("../../../levels/", $id, ".ron")),
        )
    };
}

/// The levels shipped in `levels/`, embedded at compile time: (id, file name, RON source):
/// the campaign's levels in play order ([`crate::sim::campaign::ACTS`]), then the sandboxes.
pub const EMBEDDED: &[(&str, &str, &str)] = &[
    shipped!("first-day"),
    shipped!("wip-limits"),
    shipped!("brent"),
    shipped!("staffing"),
    shipped!("subordinate"),
    shipped!("swat-team"),
    shipped!("penny-game"),
    shipped!("ten-deploys"),
    shipped!("change-board"),
    shipped!("outages"),
    shipped!("quality"),
    shipped!("improvement"),
    shipped!("culture"),
    shipped!("phoenix"),
    shipped!("mm1"),
    shipped!("mm1k"),
];

/// The RON source of the embedded level with id `id`, if there is one.
pub fn embedded_source(id: &str) -> Option<&'static str> {
    EMBEDDED
        .iter()
        .find(|(lid, _, _)| *lid == id)
        .map(|(_, _, src)| *src)
}

impl Level {
    /// Parses and validates a level from RON `source`; `file` names it in errors.
    ///
    /// # Errors
    /// An [`InputError`] naming the file, the line and column where known, and the field: for
    /// RON syntax, unknown or missing fields, wrong types, and every check of
    /// [`Level::validate`].
    pub fn parse(file: &str, source: &str) -> Result<Level, InputError> {
        let options = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
        let level: Level = options
            .from_str(source)
            .map_err(|e| InputError::from_ron(file, source, &e))?;
        level.validate(file, source)?;
        Ok(level)
    }

    /// An embedded level by id (`brent`).
    pub fn embedded(id: &str) -> Option<Level> {
        Level::shipped(id).cloned()
    }

    /// An embedded level by id, by reference: parsed once, never copied (for views that
    /// look levels up every frame).
    pub fn shipped(id: &str) -> Option<&'static Level> {
        Level::all_embedded().iter().find(|l| l.id == id)
    }

    /// All embedded levels, in campaign order, parsed once. Their validity is checked by the
    /// tests (`every_embedded_level_parses`), so a broken one can never ship.
    pub fn all_embedded() -> &'static [Level] {
        static LEVELS: std::sync::OnceLock<Vec<Level>> = std::sync::OnceLock::new();
        LEVELS.get_or_init(|| {
            EMBEDDED
                .iter()
                .map(|(_, file, src)| {
                    Level::parse(file, src)
                        .unwrap_or_else(|e| panic!("embedded level is invalid: {e}"))
                })
                .collect()
        })
    }

    /// Loads a level from a file path or, if no such file exists, an embedded level id.
    ///
    /// # Errors
    /// An [`InputError`] when the file cannot be read or is not a valid level, or when the
    /// name is neither a file nor an embedded id.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load(path_or_id: &str) -> Result<Level, InputError> {
        Level::load_with_source(path_or_id).map(|(level, _)| level)
    }

    /// [`Level::load`], with the level file's text (for run files, which carry or hash it).
    ///
    /// # Errors
    /// As [`Level::load`].
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load_with_source(path_or_id: &str) -> Result<(Level, String), InputError> {
        let path = std::path::Path::new(path_or_id);
        if path.exists() {
            let src = std::fs::read_to_string(path)
                .map_err(|e| InputError::file(path_or_id, format!("cannot read: {e}")))?;
            return Level::parse(path_or_id, &src).map(|l| (l, src));
        }
        match EMBEDDED.iter().find(|(id, _, _)| *id == path_or_id) {
            Some(&(_, file, src)) => Level::parse(file, src).map(|l| (l, src.to_string())),
            None => {
                let ids: Vec<_> = EMBEDDED.iter().map(|(id, _, _)| *id).collect();
                Err(InputError::file(
                    path_or_id,
                    format!(
                        "no such file, and not an embedded level (known: {})",
                        ids.join(", ")
                    ),
                ))
            }
        }
    }
}
