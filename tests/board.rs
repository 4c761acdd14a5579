//! The animated board without a window or GPU: the game's logic plugins (the board's among
//! them) on `MinimalPlugins`. The board follows the core's view: one token per item, a
//! token moves when its item changes place and goes when its item completes; a simulated
//! pick (Bevy's `Pointer<Click>` on a sprite) selects, and the keys then issue commands.
#![cfg(feature = "game")]

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use bevy::camera::NormalizedRenderTarget;
use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::picking::backend::HitData;
use bevy::picking::events::{Click, Out, Over, Pointer};
use bevy::picking::pointer::{Location, PointerButton, PointerId};
use bevy::prelude::*;
use flowkata::game;
use flowkata::game::board::sprites::{Alarm, Glide, MarkSprite, Token};
use flowkata::game::board::{BoardHover, BoardPointer, BoardScene, BoardTarget, Hover};
use flowkata::game::progress::SavedProgress;
use flowkata::game::session::{Session, StartLevel};
use flowkata::game::state::Selection;
use flowkata::sim::{Action, Assignee, ItemPlace, Simulation};

/// The logic plugins with a board placed as a 1280×720 window would place it.
fn app(level: &str, seed: u64) -> App {
    let mut app = game::headless_app(SavedProgress::in_memory(), Duration::from_millis(100));
    app.update();
    app.world_mut().write_message(StartLevel {
        level: level.into(),
        seed: Some(seed),
        speed: None,
        ..Default::default()
    });
    app.update();
    app.update();
    app.world_mut().resource_mut::<Session>().paused = true;
    let mut t = app.world_mut().resource_mut::<BoardTarget>();
    t.area = Some(Rect::new(0.0, 60.0, 990.0, 720.0));
    t.window = Vec2::new(1280.0, 720.0);
    t.scale = 1.0;
    app.update();
    app
}

/// Sets the board's area again (the egui system does this every frame in the game).
fn frame(app: &mut App) {
    let mut t = app.world_mut().resource_mut::<BoardTarget>();
    t.area = Some(Rect::new(0.0, 60.0, 990.0, 720.0));
    app.update();
}

fn sim(app: &App) -> &Simulation {
    &app.world().resource::<Session>().sim
}

/// Every item the core's views show: the backlog and every center's lists.
fn items_in_view(sim: &Simulation) -> BTreeSet<u64> {
    let mut ids: BTreeSet<u64> = sim.backlog_views().iter().map(|i| i.id).collect();
    for c in sim.center_views() {
        for list in [&c.queue, &c.awaiting_approval, &c.in_service, &c.blocked] {
            ids.extend(list.iter().map(|i| i.id));
        }
    }
    ids
}

fn tokens(app: &mut App) -> BTreeMap<u64, (Entity, Glide, Vec3)> {
    let mut q = app
        .world_mut()
        .query::<(Entity, &Token, &Glide, &Transform)>();
    q.iter(app.world())
        .map(|(e, t, g, tf)| (t.item, (e, *g, tf.translation)))
        .collect()
}

/// Plays on, 20 sim minutes at a time, to the first moment with an open outage.
fn to_an_outage(app: &mut App) {
    let mut t = sim(app).now();
    while sim(app).open_outages().next().is_none() {
        t += 20.0;
        assert!(t < sim(app).end(), "an outage during the run");
        advance(app, t);
    }
}

fn advance(app: &mut App, to: f64) {
    app.world_mut().resource_mut::<Session>().sim.advance_to(to);
    frame(app);
}

#[test]
fn the_board_spawns_one_token_per_item_in_the_core_view() {
    let mut app = app("phoenix", 4);
    for t in [600.0, 1400.0, 2600.0] {
        advance(&mut app, t);
        let want = items_in_view(sim(&app));
        assert!(want.len() > 10, "a busy board at {t}: {}", want.len());
        let got: BTreeSet<u64> = tokens(&mut app).keys().copied().collect();
        assert_eq!(got, want, "at sim minute {t}");
    }
}

#[test]
fn a_token_moves_when_its_item_changes_place_and_goes_when_it_completes() {
    let mut app = app("phoenix", 4);
    advance(&mut app, 400.0);
    // An item waiting in a queue at a center.
    let id = tokens(&mut app)
        .keys()
        .copied()
        .find(|&id| {
            matches!(
                sim(&app).item_detail(id).map(|d| d.place),
                Some(ItemPlace::Queue(_))
            )
        })
        .expect("an item queued");
    let place = sim(&app).item_detail(id).unwrap().place;
    let before = tokens(&mut app)[&id].1.to;
    // Advance the simulation until the item is somewhere else.
    let mut t = 400.0;
    while sim(&app).item_detail(id).map(|d| d.place) == Some(place) {
        t += 5.0;
        advance(&mut app, t);
    }
    let spec = app
        .world()
        .resource::<BoardScene>()
        .scene
        .tokens
        .iter()
        .find(|s| s.item.id == id)
        .copied();
    let toks = tokens(&mut app);
    match spec {
        Some(spec) => {
            let (_, g, _) = toks[&id];
            assert_ne!(g.to, before, "the token has a new destination");
            assert_eq!(g.to, spec.pos, "it goes where the scene places its item");
            // After the glide (at most 0.6 s; frames are 0.1 s), it is there.
            for _ in 0..8 {
                frame(&mut app);
            }
            let (_, g, at) = tokens(&mut app)[&id];
            let window = Vec2::new(1280.0, 720.0);
            let want = game::board::sprites::to_world(g.to, window, at.z);
            assert!(
                (at - want).length() < 1e-3,
                "the token arrived: {at} vs {want}"
            );
        }
        None => assert!(!toks.contains_key(&id)),
    }
    // Run until it completes: its token leaves and is despawned after its last glide.
    while sim(&app).item_detail(id).is_some() {
        t += 30.0;
        advance(&mut app, t);
    }
    assert!(
        !tokens(&mut app).contains_key(&id),
        "no token for a completed item"
    );
    for _ in 0..8 {
        frame(&mut app);
    }
    let mut q = app.world_mut().query::<&Glide>();
    let leftovers = q.iter(app.world()).count();
    let mut people = app
        .world_mut()
        .query_filtered::<(), With<game::board::sprites::Figure>>();
    let figures = people.iter(app.world()).count();
    assert_eq!(
        leftovers,
        tokens(&mut app).len() + figures,
        "leaving tokens are despawned once they arrive"
    );
}

fn click(app: &mut App, entity: Entity) {
    let location = Location {
        target: NormalizedRenderTarget::None {
            width: 1280,
            height: 720,
        },
        position: Vec2::ZERO,
    };
    let click = Click {
        button: PointerButton::Primary,
        hit: HitData::new(Entity::PLACEHOLDER, 0.0, None, None),
        duration: Duration::from_millis(80),
        count: 1,
    };
    app.world_mut()
        .trigger(Pointer::new(PointerId::Mouse, location, click, entity));
    app.update();
}

fn press(app: &mut App, key_code: KeyCode, logical_key: Key) {
    for state in [ButtonState::Pressed, ButtonState::Released] {
        app.world_mut().write_message(KeyboardInput {
            key_code,
            logical_key: logical_key.clone(),
            state,
            text: None,
            repeat: false,
            window: Entity::PLACEHOLDER,
        });
        frame(app);
    }
}

#[test]
fn clicking_a_token_selects_its_item_and_e_expedites_it() {
    let mut app = app("phoenix", 4);
    advance(&mut app, 600.0);
    let (id, entity) = tokens(&mut app)
        .iter()
        .find(|(id, _)| {
            sim(&app)
                .item_detail(**id)
                .is_some_and(|d| d.expedite.is_ok())
        })
        .map(|(id, (e, _, _))| (*id, *e))
        .expect("an item that may be expedited");
    click(&mut app, entity);
    assert_eq!(app.world().resource::<Selection>().item, Some(id));
    // The selection's ring sits on the token.
    frame(&mut app);
    let token_at = app.world().get::<Transform>(entity).unwrap().translation;
    let mut halo = app
        .world_mut()
        .query_filtered::<(&Transform, &Visibility), With<game::board::sprites::Halo>>();
    let (tf, vis) = halo.single(app.world()).expect("one halo");
    assert_eq!(*vis, Visibility::Inherited);
    assert_eq!(tf.translation.truncate(), token_at.truncate());
    press(&mut app, KeyCode::KeyE, Key::Character("e".into()));
    let last = sim(&app).commands().last().map(|c| c.action.clone());
    assert_eq!(last, Some(Action::Expedite { item: id }));
    assert!(sim(&app).item_detail(id).unwrap().item.expedited);
}

#[test]
fn a_pick_through_egui_is_ignored() {
    let mut app = app("phoenix", 4);
    advance(&mut app, 600.0);
    let entity = tokens(&mut app).values().next().expect("a token").0;
    // An egui window over the whole board.
    app.world_mut().resource_mut::<BoardPointer>().covers =
        vec![Rect::new(0.0, 0.0, 1280.0, 720.0)];
    click(&mut app, entity);
    assert_eq!(app.world().resource::<Selection>().item, None);
}

#[test]
fn arrow_keys_walk_the_items_and_x_refuses_one_in_the_backlog() {
    let mut app = app("phoenix", 4);
    // Hold new work so the backlog fills.
    app.world_mut()
        .resource_mut::<Session>()
        .sim
        .apply(Action::HoldWork { hold: true })
        .unwrap();
    advance(&mut app, 900.0);
    press(&mut app, KeyCode::ArrowRight, Key::ArrowRight);
    let first = app.world().resource::<Selection>().item.expect("selected");
    let order: Vec<u64> = app
        .world()
        .resource::<BoardScene>()
        .scene
        .tokens
        .iter()
        .filter(|t| t.visible)
        .map(|t| t.item.id)
        .collect();
    assert_eq!(first, order[0], "→ from nothing selects the first item");
    press(&mut app, KeyCode::ArrowRight, Key::ArrowRight);
    assert_eq!(app.world().resource::<Selection>().item, Some(order[1]));
    press(&mut app, KeyCode::ArrowLeft, Key::ArrowLeft);
    assert_eq!(app.world().resource::<Selection>().item, Some(first));
    // The first items are the backlog's: refusing one takes it out.
    assert_eq!(
        sim(&app).item_detail(first).unwrap().place,
        ItemPlace::Backlog
    );
    press(&mut app, KeyCode::KeyX, Key::Character("x".into()));
    assert_eq!(
        sim(&app).commands().last().map(|c| c.action.clone()),
        Some(Action::Refuse { item: first })
    );
    assert!(sim(&app).item_detail(first).is_none());
    assert!(!tokens(&mut app).contains_key(&first));
}

#[test]
fn clicking_an_alarm_selects_its_outage_and_shift_digit_triages_it() {
    let mut app = app("outages", 2);
    to_an_outage(&mut app);
    let open: Vec<u64> = sim(&app).open_outages().map(|o| o.id).collect();
    let mut q = app.world_mut().query::<(Entity, &Alarm)>();
    let alarms: Vec<(Entity, u64)> = q.iter(app.world()).map(|(e, a)| (e, a.outage)).collect();
    assert_eq!(
        alarms.iter().map(|a| a.1).collect::<BTreeSet<_>>(),
        open.iter().copied().collect::<BTreeSet<_>>(),
        "one alarm per open outage"
    );
    let (entity, id) = alarms[0];
    click(&mut app, entity);
    assert_eq!(app.world().resource::<Selection>().outage, Some(id));
    let fixer = sim(&app)
        .worker_views()
        .into_iter()
        .find(|w| w.outage_speed.is_some())
        .expect("someone fixes outages")
        .name;
    app.world_mut().write_message(KeyboardInput {
        key_code: KeyCode::ShiftLeft,
        logical_key: Key::Shift,
        state: ButtonState::Pressed,
        text: None,
        repeat: false,
        window: Entity::PLACEHOLDER,
    });
    frame(&mut app);
    let speed = app.world().resource::<Session>().speed;
    press(&mut app, KeyCode::Digit1, Key::Character("!".into()));
    assert_eq!(
        app.world().resource::<Session>().speed,
        speed,
        "Shift+1 is not a speed"
    );
    let triage = sim(&app)
        .commands()
        .iter()
        .find(|c| matches!(c.action, Action::Triage { .. }))
        .map(|c| c.action.clone());
    assert_eq!(
        triage,
        Some(Action::Triage {
            outage: id,
            to: Assignee::Worker(fixer)
        })
    );
}

#[test]
fn hovering_a_station_names_it_and_leaving_clears_it() {
    let mut app = app("phoenix", 4);
    advance(&mut app, 300.0);
    let mut q = app.world_mut().query::<(Entity, &MarkSprite)>();
    let stations: Vec<(Entity, usize)> = q
        .iter(app.world())
        .filter_map(|(e, m)| m.pick.map(|game::board::scene::Pick::Station(i)| (e, i)))
        .collect();
    assert_eq!(
        stations.len(),
        sim(&app).level().centers.len(),
        "one pickable card per station"
    );
    let (entity, i) = stations[2];
    let location = Location {
        target: NormalizedRenderTarget::None {
            width: 1280,
            height: 720,
        },
        position: Vec2::ZERO,
    };
    let hit = HitData::new(Entity::PLACEHOLDER, 0.0, None, None);
    app.world_mut().trigger(Pointer::new(
        PointerId::Mouse,
        location.clone(),
        Over { hit: hit.clone() },
        entity,
    ));
    frame(&mut app);
    assert_eq!(
        app.world().resource::<BoardHover>().what,
        Some(Hover::Station(i))
    );
    app.world_mut().trigger(Pointer::new(
        PointerId::Mouse,
        location,
        Out { hit },
        entity,
    ));
    frame(&mut app);
    assert_eq!(app.world().resource::<BoardHover>().what, None);
}

/// Where each alarm sprite stands, by outage, in board pixels of a `window`-sized window.
fn alarm_places(app: &mut App, window: Vec2) -> BTreeMap<u64, Vec2> {
    let mut q = app.world_mut().query::<(&Alarm, &Transform)>();
    q.iter(app.world())
        .map(|(a, tf)| {
            let p = tf.translation;
            (
                a.outage,
                Vec2::new(p.x + window.x * 0.5, window.y * 0.5 - p.y),
            )
        })
        .collect()
}

/// Every alarm the scene places, by outage.
fn alarms_in_scene(app: &App) -> BTreeMap<u64, Vec2> {
    let scene = &app.world().resource::<BoardScene>().scene;
    scene.alarms.iter().map(|a| (a.id, a.pos)).collect()
}

#[test]
fn an_alarm_stands_where_the_scene_puts_it_as_outages_come_and_go() {
    // The outages level, seed 2, every 10 minutes of a run. When an earlier outage on a
    // system is fixed the next moves up its row; a click aims at the scene's place.
    let window = Vec2::new(1280.0, 720.0);
    let mut app = app("outages", 2);
    let (mut t, mut seen, mut moved) = (0.0, 0, 0);
    let mut before = BTreeMap::new();
    while t < sim(&app).end() {
        t += 10.0;
        advance(&mut app, t);
        let want = alarms_in_scene(&app);
        let have = alarm_places(&mut app, window);
        assert_eq!(
            have.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "one alarm per open outage at t = {t}"
        );
        for (id, p) in &want {
            assert!(
                have[id].distance(*p) < 0.01,
                "outage #{id} at t = {t}: the alarm is at {}, the scene puts it at {p}",
                have[id]
            );
            moved += usize::from(before.get(id).is_some_and(|b: &Vec2| b != p));
        }
        seen += want.len();
        before = want;
    }
    assert!(seen > 0, "the run has outages");
    assert!(moved > 0, "an alarm moved up its row during the run");
}

#[test]
fn a_new_window_or_text_size_puts_the_sprites_at_the_new_places_and_sizes() {
    let mut app = app("outages", 2);
    to_an_outage(&mut app);
    // The window grows to 1920×1080 and the text to 1.5×, as on a projector.
    let window = Vec2::new(1920.0, 1080.0);
    {
        let mut target = app.world_mut().resource_mut::<BoardTarget>();
        target.area = Some(Rect::new(0.0, 80.0, 1500.0, 1080.0));
        target.window = window;
        target.scale = 1.5;
    }
    app.update();
    app.update();
    let want = alarms_in_scene(&app);
    assert!(!want.is_empty());
    for (id, p) in alarm_places(&mut app, window) {
        assert!(p.distance(want[&id]) < 0.01, "outage #{id}: alarm at {p}");
    }
    let layout = app
        .world()
        .resource::<BoardScene>()
        .scene
        .layout
        .clone()
        .expect("laid out");
    let token = layout.token;
    assert!(
        layout.scale > 1.4,
        "the board grew with the text: {}",
        layout.scale
    );
    let mut q = app.world_mut().query_filtered::<&Sprite, With<Token>>();
    let sizes: Vec<Vec2> = q.iter(app.world()).filter_map(|s| s.custom_size).collect();
    assert!(!sizes.is_empty());
    assert!(
        sizes.iter().all(|s| *s == Vec2::splat(token)),
        "every token is {token} px at the new text size: {sizes:?}"
    );
    let mut q = app.world_mut().query_filtered::<&Sprite, With<Alarm>>();
    for s in q.iter(app.world()) {
        assert_eq!(s.custom_size, Some(Vec2::splat(22.0 * layout.scale)));
    }
}

/// The Done counter on the board counts the planned items finished since the start: it
/// never decreases over a run, hour by hour, and at the end equals the report's planned
/// completions. Checked on every shipped level with its good policy (or none).
#[test]
fn the_done_counter_only_grows_and_ends_at_the_report() {
    use flowkata::game::board::scene;
    use flowkata::sim::{Level, WorkType, parse_command_log};
    let area = Rect::new(0.0, 60.0, 990.0, 720.0);
    let mut finished_work = 0;
    for level in Level::all_embedded() {
        let log = std::fs::read_to_string(format!("tests/policies/{}-good.ron", level.id))
            .map(|t| parse_command_log("policy", &t).expect("a policy"))
            .unwrap_or_default();
        let mut sim = Simulation::new(level.clone(), 1);
        let mut next = log.iter().peekable();
        let count = |sim: &Simulation| -> u64 {
            let s = scene::build(sim, area, 1.0);
            s.labels
                .iter()
                .find(|l| l.pos == s.done_at)
                .and_then(|l| l.text.parse().ok())
                .expect("the Done column's count")
        };
        let mut last = 0;
        let mut t = 0.0;
        while !sim.is_finished() {
            t += 60.0;
            while let Some(c) = next.next_if(|c| c.at <= t) {
                sim.advance_to(c.at);
                sim.apply(c.action.clone()).expect("the policy's command");
            }
            sim.advance_to(t);
            let now = count(&sim);
            assert!(
                now >= last,
                "{}: Done fell from {last} to {now} at {t}",
                level.id
            );
            last = now;
        }
        let report = sim.report();
        let planned: u64 = WorkType::PLANNED
            .iter()
            .map(|w| report.run.completed.get(w.key()).copied().unwrap_or(0))
            .sum();
        assert_eq!(
            last, planned,
            "{}: Done at the end against the report",
            level.id
        );
        finished_work += usize::from(last > 0);
    }
    assert_eq!(
        finished_work,
        Level::all_embedded().len(),
        "every level finishes some work"
    );
}
