//! The animated board: the value stream drawn in Bevy's 2D world, under the egui panels.
//!
//! Each frame the screen's egui system says where the board goes ([`BoardTarget`]: its area
//! in the window, the scale, and whether it shows the run in play or the debrief's replay).
//! Then, in `Update`:
//! 1. [`scene::build`] turns the core's views into a [`scene::Scene`]: a token per item at
//!    its place, a figure per person at their station, an alarm per open outage, the
//!    stations' shapes and the text (laid out by [`layout::layout`]);
//! 2. the sprites follow the scene with animation ([`sprites`]);
//! 3. Bevy's picking reports clicks and hovers ([`on_click`], [`on_over`], [`on_out`]):
//!    a click on a token selects its item for the inspector ([`Selection`]), a click on
//!    an alarm selects its outage for triage, hovering a station or a person shows its
//!    figures ([`BoardHover`]).
//!
//! The egui overlay (`game::ui::board_overlay`) writes the scene's text and the inspector,
//! and turns the player's choices there into commands. Nothing here changes the simulation.

use bevy::prelude::*;

pub mod diagnostics;
pub mod layout;
pub mod scene;
pub mod sprites;

use crate::game::AppSystems;
use crate::game::screens::Screen;
use crate::game::session::{SIM_MINUTES_PER_SECOND, Session};
use crate::game::state::Selection;
use crate::game::ui::debrief_views::DebriefViews;
use sprites::{Alarm, Figure, MarkSprite, Token};

/// Which run the board shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BoardSource {
    /// The run in play.
    #[default]
    Session,
    /// The debrief's time scrub ([`crate::sim::scrub::Scrubber::view`]).
    Replay,
}

/// Where the board is drawn, set every frame by the screen's egui system.
#[derive(Resource, Debug, Clone, Default)]
pub struct BoardTarget {
    /// The board's area, logical pixels from the window's top-left; `None`: no board.
    pub area: Option<Rect>,
    /// The window's size, logical pixels.
    pub window: Vec2,
    /// The board's scale: the player's text size (egui's zoom), so both grow together.
    pub scale: f32,
    /// Which run it shows.
    pub source: BoardSource,
}

/// The scene the sprites follow, and what it was built from.
#[derive(Resource, Debug, Default)]
pub struct BoardScene {
    /// The scene.
    pub scene: scene::Scene,
    /// Which run it shows (level, seed, replay); `None`: no board.
    pub key: Option<(String, u64, bool)>,
    /// Real seconds a move takes now (see [`sprites::GLIDE_SECONDS`]).
    pub glide: f32,
    /// What the scene was built from: sim time, events, commands, area, scale.
    built_from: Option<(u64, u64, usize, [i32; 4], i32, bool)>,
}

/// What the pointer rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hover {
    /// A work center (index in level order).
    Station(usize),
    /// A person (index in the level's workers).
    Person(usize),
}

/// What the pointer rests on, and the sprite that reported it.
#[derive(Resource, Debug, Default, Clone, Copy)]
pub struct BoardHover {
    /// What.
    pub what: Option<Hover>,
    entity: Option<Entity>,
}

/// Where a pick may land: the board's area, less the egui windows over it (logical pixels).
/// Set every frame by the egui overlay; a click elsewhere (on a panel, a window, the hint)
/// never reaches the board.
#[derive(Resource, Debug, Default, Clone)]
pub struct BoardPointer {
    /// The board's area; `None`: not known yet (every position allowed).
    pub area: Option<Rect>,
    /// egui windows and popups over the board.
    pub covers: Vec<Rect>,
}

impl BoardPointer {
    /// Whether a pick at `p` (logical pixels from the window's top-left) is on the board.
    pub fn allows(&self, p: Vec2) -> bool {
        self.area.is_none_or(|a| a.contains(p)) && !self.covers.iter().any(|c| c.contains(p))
    }
}

/// The board's systems in `Update`, after the clock advanced.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BoardSystems;

/// The board: its resources, the scene, the sprites and the picking observers. Runs
/// without a window or a GPU (the headless tests use it).
pub fn plugin(app: &mut App) {
    app.init_resource::<BoardTarget>()
        .init_resource::<BoardScene>()
        .init_resource::<BoardHover>()
        .init_resource::<BoardPointer>()
        .init_resource::<sprites::BoardIndex>()
        // A token is picked anywhere in its square, not only on its shape's opaque pixels
        // (small diamonds and dots stay easy to click).
        .insert_resource(bevy::sprite::SpritePickingSettings {
            require_markers: false,
            picking_mode: bevy::sprite::SpritePickingMode::BoundingBox,
        })
        .configure_sets(Update, BoardSystems.after(AppSystems::Advance))
        .add_systems(Startup, sprites::make_images)
        .add_systems(
            Update,
            (
                build_scene,
                sprites::follow_scene,
                sprites::animate,
                sprites::place_halo,
                refresh_hover,
            )
                .chain()
                .in_set(BoardSystems),
        )
        .add_systems(Last, publish_page.in_set(crate::game::page::PublishPage))
        .add_systems(OnExit(Screen::Play), close)
        .add_systems(OnExit(Screen::Debrief), close)
        .add_observer(on_click)
        .add_observer(on_over)
        .add_observer(on_out)
        .add_plugins(diagnostics::plugin);
}

/// The page state's `board`, while the board shows a run: `{ tokens, shown, people, alarms,
/// waitingToken, alarm, selected, selectedOutage, updateMs, extractMs }`: the counts, the
/// first shown waiting token and the first alarm (`{ id, x, y }` in board pixels, which are
/// CSS pixels, and only where a click reaches them, not under an egui window), the
/// selection's ids, and the frame's costs from Bevy's diagnostics (milliseconds).
fn publish_page(
    board: Res<BoardScene>,
    selection: Res<Selection>,
    pointer: Res<BoardPointer>,
    store: Option<Res<bevy::diagnostic::DiagnosticsStore>>,
    mut page: ResMut<crate::game::page::PageState>,
) {
    use serde_json::{Map, Value, json};
    if board.key.is_none() {
        return;
    }
    let sc = &board.scene;
    let mut o = Map::new();
    o.insert("tokens".into(), sc.tokens.len().into());
    let shown = sc.tokens.iter().filter(|t| t.visible).count();
    o.insert("shown".into(), shown.into());
    o.insert("people".into(), sc.people.len().into());
    o.insert("alarms".into(), sc.alarms.len().into());
    let point = |id: u64, p: Vec2| json!({ "id": id, "x": p.x, "y": p.y });
    if let Some(t) = sc
        .tokens
        .iter()
        .rev()
        .find(|t| t.visible && !t.in_service && pointer.allows(t.pos))
    {
        o.insert("waitingToken".into(), point(t.item.id, t.pos));
    }
    if let Some(a) = sc.alarms.iter().find(|a| pointer.allows(a.pos)) {
        o.insert("alarm".into(), point(a.id, a.pos));
    }
    if let Some(id) = selection.item {
        o.insert("selected".into(), id.into());
    }
    if let Some(id) = selection.outage {
        o.insert("selectedOutage".into(), id.into());
    }
    if let Some(store) = &store {
        for (k, path) in [
            ("updateMs", &diagnostics::BOARD_UPDATE),
            ("extractMs", &diagnostics::RENDER_EXTRACT),
        ] {
            if let Some(avg) = store.get(path).and_then(|d| d.average()) {
                o.insert(k.into(), crate::game::page::number(avg));
            }
        }
    }
    page.set("board", Value::Object(o));
}

/// Leaving a screen takes the board and its selection away.
fn close(
    mut target: ResMut<BoardTarget>,
    mut selection: ResMut<Selection>,
    mut hover: ResMut<BoardHover>,
) {
    target.area = None;
    *selection = Selection::default();
    *hover = BoardHover::default();
}

/// Builds the scene from the run the board shows, when anything it depends on changed.
fn build_scene(
    target: Res<BoardTarget>,
    session: Option<Res<Session>>,
    debrief: Option<Res<DebriefViews>>,
    mut board: ResMut<BoardScene>,
) {
    let source = match (target.area, target.source) {
        (None, _) => None,
        (Some(_), BoardSource::Session) => session.as_ref().map(|s| (&s.sim, s.speed, s.paused)),
        (Some(_), BoardSource::Replay) => debrief.as_ref().and_then(|d| d.replay()),
    };
    let (Some(area), Some((sim, speed, paused))) = (target.area, source) else {
        if board.key.is_some() {
            *board = BoardScene::default();
        }
        return;
    };
    let replay = target.source == BoardSource::Replay;
    let from = (
        sim.now().to_bits(),
        sim.events_processed(),
        sim.commands().len(),
        [area.min.x, area.min.y, area.max.x, area.max.y].map(|v| v.round() as i32),
        (target.scale * 100.0).round() as i32,
        replay,
    );
    board.glide = if paused {
        0.35
    } else {
        (sprites::GLIDE_SIM_MINUTES / (SIM_MINUTES_PER_SECOND as f32 * speed.max(1) as f32))
            .clamp(sprites::GLIDE_SECONDS.0, sprites::GLIDE_SECONDS.1)
    };
    if board.built_from == Some(from) {
        return;
    }
    board.scene = scene::build(sim, area, target.scale);
    board.key = Some((sim.level().id.clone(), sim.seed(), replay));
    board.built_from = Some(from);
}

/// A click on a token selects its item; a click on an alarm selects its outage for triage.
/// Only on the run in play, and not through egui.
pub fn on_click(
    click: On<Pointer<Click>>,
    pointer: Res<BoardPointer>,
    target: Res<BoardTarget>,
    tokens: Query<&Token>,
    alarms: Query<&Alarm>,
    mut selection: ResMut<Selection>,
) {
    if !pointer.allows(click.pointer_location.position) || target.source != BoardSource::Session {
        return;
    }
    let e = click.entity;
    if let Ok(t) = tokens.get(e) {
        selection.item = Some(t.item);
    } else if let Ok(a) = alarms.get(e) {
        selection.outage = Some(a.outage);
    }
}

/// The pointer entering a station's card or a person shows its figures.
pub fn on_over(
    over: On<Pointer<Over>>,
    pointer: Res<BoardPointer>,
    marks: Query<&MarkSprite>,
    figures: Query<&Figure>,
    mut hover: ResMut<BoardHover>,
) {
    if !pointer.allows(over.pointer_location.position) {
        return;
    }
    let e = over.entity;
    let what = if let Ok(m) = marks.get(e) {
        m.pick.map(|scene::Pick::Station(i)| Hover::Station(i))
    } else {
        figures.get(e).ok().map(|f| Hover::Person(f.index))
    };
    if let Some(what) = what {
        *hover = BoardHover {
            what: Some(what),
            entity: Some(e),
        };
    }
}

/// The mark sprites are a pool reassigned every frame: what a resting pointer hovers is
/// read again from its sprite, so the figures shown always belong to what is under it.
fn refresh_hover(mut hover: ResMut<BoardHover>, marks: Query<&MarkSprite>) {
    if let Some(e) = hover.entity
        && let Ok(m) = marks.get(e)
    {
        let what = m.pick.map(|scene::Pick::Station(i)| Hover::Station(i));
        if what.is_none() {
            *hover = BoardHover::default();
        } else if hover.what != what {
            hover.what = what;
        }
    }
}

/// The pointer leaving what it rested on.
pub fn on_out(out: On<Pointer<Out>>, mut hover: ResMut<BoardHover>) {
    if hover.entity == Some(out.entity) {
        *hover = BoardHover::default();
    }
}
