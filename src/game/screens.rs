//! The screens of the game and the transitions between them.

use bevy::prelude::*;

/// Which screen is showing.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    /// Title and level select.
    #[default]
    Title,
    /// A level in play.
    Play,
    /// The end of a level: score, stars, charts, lesson.
    Debrief,
}

pub(super) fn plugin(app: &mut App) {
    app.init_state::<Screen>();
}
