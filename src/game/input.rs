//! Keyboard shortcuts in play: Space pauses, 1–5 pick a speed, P toggles protecting the
//! constraint, G the live charts; on the board, ← and → select the previous or next item,
//! E expedites it and X refuses it, O selects the next open outage, Shift+1–9 gives it to
//! the n-th person who can fix outages and D defers it, Esc clears the selection. Every
//! other control is reached with Tab (egui's keyboard focus). The debrief's keys are in
//! [`crate::game::screens::debrief`]. Which keys do what is read from one table,
//! [`super::help::SHORTCUTS`], which the help overlay shows.

use bevy::prelude::*;

use super::board::BoardScene;
use super::help::{KeyAction, pressed, pressed_nth};
use super::screens::Screen;
use super::session::{PlayerCommand, SPEEDS, Session, TimeControl};
use super::state::Selection;
use crate::sim::{Action, Assignee};

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
    app.init_resource::<UiHasKeyboardFocus>()
        .add_systems(
            Update,
            (shortcuts, board_keys)
                .in_set(super::AppSystems::RecordInput)
                .run_if(in_state(Screen::Play).and_then(|f: Res<UiHasKeyboardFocus>| !f.0)),
        )
        .add_systems(
            Last,
            (|f: Res<UiHasKeyboardFocus>, mut page: ResMut<crate::game::page::PageState>| {
                page.set("textFocus", f.0);
            })
            .in_set(crate::game::page::PublishPage),
        );
}

fn shortcuts(
    keys: Res<ButtonInput<KeyCode>>,
    mut session: Option<ResMut<Session>>,
    mut time: MessageWriter<TimeControl>,
    mut orders: MessageWriter<PlayerCommand>,
    charts: Option<ResMut<super::ui::views::LiveCharts>>,
) {
    if pressed(&keys, KeyAction::Charts)
        && let Some(mut c) = charts
    {
        c.open = !c.open;
    }
    if let Some(s) = session.as_mut() {
        if s.briefing && pressed(&keys, KeyAction::Start) {
            s.briefing = false;
        } else if pressed(&keys, KeyAction::Briefing) {
            s.briefing = !s.briefing;
        }
        if s.briefing {
            // Time stands still while the briefing is open; only closing it starts it.
            return;
        }
    }
    if pressed(&keys, KeyAction::Pause) {
        time.write(TimeControl::TogglePause);
    }
    let shift = keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]);
    if let Some(n) = pressed_nth(&keys, KeyAction::Speed)
        && !shift
        && let Some(&speed) = SPEEDS.get(n)
    {
        time.write(TimeControl::Speed(speed));
    }
    if pressed(&keys, KeyAction::Protect)
        && let Some(s) = session
    {
        orders.write(PlayerCommand(Action::ProtectConstraint {
            on: !s.sim.policy().protect_constraint,
        }));
    }
}

/// The board's keys: select items and outages, expedite, refuse and triage.
fn board_keys(
    keys: Res<ButtonInput<KeyCode>>,
    session: Option<Res<Session>>,
    board: Res<BoardScene>,
    mut selection: ResMut<Selection>,
    mut orders: MessageWriter<PlayerCommand>,
) {
    let Some(session) = session else { return };
    let step = match pressed_nth(&keys, KeyAction::SelectItem) {
        Some(0) => Some(-1isize),
        Some(_) => Some(1),
        None => None,
    };
    if let Some(step) = step {
        let ids: Vec<u64> = board
            .scene
            .tokens
            .iter()
            .filter(|t| t.visible)
            .map(|t| t.item.id)
            .collect();
        if !ids.is_empty() {
            let at = selection
                .item
                .and_then(|id| ids.iter().position(|&i| i == id));
            let n = ids.len() as isize;
            let next = match at {
                Some(k) => (k as isize + step).rem_euclid(n),
                None if step > 0 => 0,
                None => n - 1,
            };
            selection.item = Some(ids[next as usize]);
        }
    }
    if let Some(item) = selection.item {
        if pressed(&keys, KeyAction::Expedite) {
            orders.write(PlayerCommand(Action::Expedite { item }));
        }
        if pressed(&keys, KeyAction::Refuse) {
            orders.write(PlayerCommand(Action::Refuse { item }));
        }
    }
    if pressed(&keys, KeyAction::ClearSelection) {
        *selection = Selection::default();
    }
    let open: Vec<u64> = session.sim.open_outages().map(|o| o.id).collect();
    if pressed(&keys, KeyAction::NextOutage) && !open.is_empty() {
        let k = selection
            .outage
            .and_then(|id| open.iter().position(|&o| o == id))
            .map_or(0, |k| (k + 1) % open.len());
        selection.outage = Some(open[k]);
    }
    let Some(id) = selection.outage.filter(|id| open.contains(id)) else {
        return;
    };
    if pressed(&keys, KeyAction::Defer) {
        orders.write(PlayerCommand(Action::Triage {
            outage: id,
            to: Assignee::Defer,
        }));
    }
    if keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]) {
        let fixers: Vec<String> = session
            .sim
            .worker_views()
            .into_iter()
            .filter(|w| w.outage_speed.is_some())
            .map(|w| w.name)
            .collect();
        if let Some(n) = pressed_nth(&keys, KeyAction::GiveOutage)
            && let Some(name) = fixers.into_iter().nth(n)
        {
            orders.write(PlayerCommand(Action::Triage {
                outage: id,
                to: Assignee::Worker(name),
            }));
        }
    }
}
