//! State the shell's parts share: what the player has selected. Screens, the board, the
//! widgets and the keys all read it from here, so none of them needs another's types
//! (docs/architecture.md, "Layers").

use bevy::prelude::*;

/// What the player has selected, by id: an item (for the inspector and the keys E and X)
/// and an outage (for triage: the keys D and Shift+digit, the controls' triage buttons).
/// A click on a token or an alarm, the arrow keys and O set them; Esc clears both. The play
/// screen clears it on entering and leaving a level, and the board when it closes.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    /// The selected item's id.
    pub item: Option<u64>,
    /// The selected outage's id.
    pub outage: Option<u64>,
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Selection>();
}
