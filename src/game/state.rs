//! State the shell's parts share: what the player has selected. Screens, the board, the
//! widgets and the keys all read it from here, so none of them needs another's types
//! (docs/architecture.md, "Layers").

use bevy::prelude::*;

/// Which outage the player has selected on the board for triage (its id), if any. The
/// play screen creates it on entering a level and removes it on leaving.
#[derive(Resource, Default)]
pub struct SelectedOutage(pub Option<u64>);
