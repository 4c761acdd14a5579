//! The screens of the game: title → play → debrief, one module each. A screen module owns
//! its behaviour: what it sets up on entering, what it removes on leaving (no resource
//! outlives its screen unless it says why), its transitions, and its egui system.
//!
//! Each module has two plugins: `plugin`, its logic, which runs headless (the shell tests
//! add it through [`crate::game::logic_plugin`]); and `ui_plugin`, its egui system, which
//! needs bevy_egui's `EguiPlugin`.

use bevy::prelude::*;

pub mod compare;
pub mod debrief;
pub mod play;
pub mod title;

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
    /// The facilitator's comparison of several teams' runs.
    Compare,
}

/// The screens' logic: the state, and each screen's set-up, clean-up and transitions.
pub(super) fn plugin(app: &mut App) {
    app.init_state::<Screen>()
        .add_plugins((
            title::plugin,
            play::plugin,
            debrief::plugin,
            compare::plugin,
        ))
        .add_systems(
            Last,
            (|screen: Res<State<Screen>>, mut page: ResMut<crate::game::page::PageState>| {
                page.set("screen", format!("{:?}", screen.get()));
            })
            .in_set(crate::game::page::PublishPage),
        );
}

/// The screens' egui systems.
pub(super) fn ui_plugin(app: &mut App) {
    app.add_plugins((
        title::ui_plugin,
        play::ui_plugin,
        debrief::ui_plugin,
        compare::ui_plugin,
    ));
}
