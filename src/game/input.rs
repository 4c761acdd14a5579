//! Keyboard shortcuts in play: Space pauses, 1–5 pick a speed, P toggles protecting the
//! constraint, G the live charts. The debrief's keys are in
//! [`crate::game::screens::debrief`].

use bevy::prelude::*;

use super::screens::Screen;
use super::session::{PlayerCommand, SPEEDS, Session, TimeControl};
use crate::sim::Action;

/// The digit keys 1–9 in order: speeds in play, tabs on the debrief.
pub const DIGIT_KEYS: [KeyCode; 9] = [
    KeyCode::Digit1,
    KeyCode::Digit2,
    KeyCode::Digit3,
    KeyCode::Digit4,
    KeyCode::Digit5,
    KeyCode::Digit6,
    KeyCode::Digit7,
    KeyCode::Digit8,
    KeyCode::Digit9,
];

/// Whether the interface has keyboard focus (a text field), so keys must not reach the game.
#[derive(Resource, Default)]
pub struct UiHasKeyboardFocus(pub bool);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<UiHasKeyboardFocus>().add_systems(
        Update,
        shortcuts
            .in_set(super::AppSystems::RecordInput)
            .run_if(in_state(Screen::Play).and_then(|f: Res<UiHasKeyboardFocus>| !f.0)),
    );
}

fn shortcuts(
    keys: Res<ButtonInput<KeyCode>>,
    session: Option<Res<Session>>,
    mut time: MessageWriter<TimeControl>,
    mut orders: MessageWriter<PlayerCommand>,
    charts: Option<ResMut<super::screens::play::LiveCharts>>,
) {
    if keys.just_pressed(KeyCode::KeyG)
        && let Some(mut c) = charts
    {
        c.open = !c.open;
    }
    if keys.just_pressed(KeyCode::Space) {
        time.write(TimeControl::TogglePause);
    }
    for (key, speed) in DIGIT_KEYS.iter().zip(SPEEDS) {
        if keys.just_pressed(*key) {
            time.write(TimeControl::Speed(speed));
        }
    }
    if keys.just_pressed(KeyCode::KeyP)
        && let Some(s) = session
    {
        orders.write(PlayerCommand(Action::ProtectConstraint {
            on: !s.sim.policy().protect_constraint,
        }));
    }
}
