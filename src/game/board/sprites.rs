//! The board's sprites: they follow the [`super::scene::Scene`] each frame. A new item's token enters
//! from the backlog, a token whose item changed place glides there with easing, a token
//! whose item left flies to the done pile (or, refused, shrinks away in the backlog); people
//! walk to their station; an outage's alarm flashes when it is raised and pulses while it
//! is open; a failed deploy scatters its batch. All of it is presentation: nothing here
//! writes to the simulation.

use bevy::asset::RenderAssetUsages;
use bevy::image::Image;
use bevy::platform::collections::HashMap;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use bevy_egui::egui::Color32;

use super::scene;
use super::{BoardScene, BoardTarget};
use crate::game::theme;
use crate::sim::WorkType;

/// Real seconds a token or a person takes to reach a new place: the time the simulation
/// takes for [`GLIDE_SIM_MINUTES`] at the current speed, within these bounds, so the
/// board keeps pace with the run at every speed without ever changing it.
pub const GLIDE_SECONDS: (f32, f32) = (0.12, 0.6);
/// How long a new alarm flashes (shrinking from large) before it pulses, real seconds.
const ALARM_FLASH: f32 = 0.6;
/// Sim minutes a move on the board stands for (see [`GLIDE_SECONDS`]).
pub const GLIDE_SIM_MINUTES: f32 = 4.0;

/// An item's token on the board.
#[derive(Component, Debug, Clone, Copy)]
pub struct Token {
    /// The item's id.
    pub item: u64,
    /// Where it is, for where it goes when it leaves.
    pub spot: scene::Spot,
}

/// A person's figure.
#[derive(Component, Debug, Clone, Copy)]
pub struct Figure {
    /// Index in the level's workers.
    pub index: usize,
}

/// An open outage's alarm.
#[derive(Component, Debug, Clone, Copy)]
pub struct Alarm {
    /// The outage's id.
    pub outage: u64,
    /// When it appeared, seconds of [`Time`].
    born: f32,
}

/// A static mark of the board (one of a pool, reassigned every frame).
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct MarkSprite {
    /// What the pointer picks here.
    pub pick: Option<scene::Pick>,
}

/// A move in progress, positions in logical pixels of the board (y down).
#[derive(Component, Debug, Clone, Copy)]
pub struct Glide {
    /// Where it started.
    pub from: Vec2,
    /// Where it goes.
    pub to: Vec2,
    /// When it started, seconds of [`Time`].
    pub start: f32,
    /// How long it takes, seconds.
    pub duration: f32,
}

impl Glide {
    /// Where it is at time `now`: eased in and out (smoothstep, 3t² − 2t³).
    pub fn at(&self, now: f32) -> Vec2 {
        let t = ((now - self.start) / self.duration.max(1e-3)).clamp(0.0, 1.0);
        let e = t * t * (3.0 - 2.0 * t);
        self.from.lerp(self.to, e)
    }
}

/// A token on its way out; despawned at the end of its glide.
#[derive(Component, Debug, Clone, Copy)]
pub(super) struct Leaving {
    /// Shrinks away in place (refused) rather than flying to done.
    fade: bool,
}

/// A fragment of a failed deploy's batch.
#[derive(Component, Debug, Clone, Copy)]
pub(super) struct Debris {
    velocity: Vec2,
    born: f32,
}

/// The parts drawn on a token: an outline while in service, a dot when expedited, a dot
/// when late, and pips for the risk class.
#[derive(Component, Debug, Clone, Copy)]
pub(super) struct TokenParts {
    outline: Entity,
    expedited: Entity,
    late: Entity,
    pips: [Entity; 2],
}

/// Everything the board spawned (despawned together when the board closes or shows
/// another run).
#[derive(Component, Debug, Clone, Copy)]
pub struct BoardPart;

/// The board's shapes as images, made once at start-up (white on transparent, tinted per
/// sprite). Without an asset store (headless tests) every handle is the default image.
#[derive(Resource, Default, Clone)]
pub struct BoardImages {
    circle: Handle<Image>,
    square: Handle<Image>,
    diamond: Handle<Image>,
    triangle: Handle<Image>,
    ring: Handle<Image>,
    person: Handle<Image>,
}

impl BoardImages {
    /// The token shape of a work type (●, ■, ◆, ▲), so color is never the only cue.
    fn of(&self, t: WorkType) -> Handle<Image> {
        match t {
            WorkType::Business => self.circle.clone(),
            WorkType::Internal => self.square.clone(),
            WorkType::Change => self.diamond.clone(),
            WorkType::Unplanned => self.triangle.clone(),
        }
    }
}

/// The entities of the board, by what they show.
#[derive(Resource, Default)]
pub struct BoardIndex {
    /// Which run the entities show (level, seed, whether it is the replay).
    key: Option<(String, u64, bool)>,
    /// Tokens by item id.
    pub tokens: HashMap<u64, Entity>,
    /// Figures by worker index.
    pub people: Vec<Entity>,
    /// Alarms by outage id.
    pub alarms: HashMap<u64, Entity>,
    /// The pool of mark sprites.
    marks: Vec<Entity>,
    /// Failed deploys already shown.
    failed_deploys: usize,
    /// The token edge the sprites were made at (logical pixels); a new text size makes
    /// them again at the new one.
    token_size: f32,
    /// The ring around the selected item's token or the selected outage's alarm.
    halo: Option<Entity>,
}

/// The selection's ring.
#[derive(Component, Debug, Clone, Copy)]
pub struct Halo;

/// Converts board pixels (y down, from the window's top-left) to world coordinates of the
/// default 2D camera (y up, origin at the window's center, one unit per logical pixel).
pub fn to_world(p: Vec2, window: Vec2, z: f32) -> Vec3 {
    Vec3::new(p.x - window.x * 0.5, window.y * 0.5 - p.y, z)
}

fn to_board(w: Vec3, window: Vec2) -> Vec2 {
    Vec2::new(w.x + window.x * 0.5, window.y * 0.5 - w.y)
}

/// An egui color as a Bevy color ([`theme::bevy_color`]).
pub fn color(c: Color32) -> Color {
    theme::bevy_color(c)
}

pub(super) fn make_images(images: Option<ResMut<Assets<Image>>>, mut commands: Commands) {
    let Some(mut images) = images else {
        commands.insert_resource(BoardImages::default());
        return;
    };
    const N: u32 = 48;
    // Coverage of a shape at (x, y) in [-1, 1]², with a one-pixel soft edge.
    let mut make = |inside: &dyn Fn(f32, f32) -> f32| {
        let mut data = Vec::with_capacity((N * N * 4) as usize);
        for j in 0..N {
            for i in 0..N {
                let x = (i as f32 + 0.5) / N as f32 * 2.0 - 1.0;
                let y = 1.0 - (j as f32 + 0.5) / N as f32 * 2.0;
                let d = inside(x, y); // signed distance, negative inside, in units
                let a = (0.5 - d * N as f32 * 0.5).clamp(0.0, 1.0);
                data.extend_from_slice(&[255, 255, 255, (a * 255.0) as u8]);
            }
        }
        images.add(Image::new(
            Extent3d {
                width: N,
                height: N,
                depth_or_array_layers: 1,
            },
            TextureDimension::D2,
            data,
            TextureFormat::Rgba8UnormSrgb,
            RenderAssetUsages::RENDER_WORLD,
        ))
    };
    let circle = make(&|x, y| (x * x + y * y).sqrt() - 0.92);
    let square = make(&|x, y| x.abs().max(y.abs()) - 0.86);
    let diamond = make(&|x, y| (x.abs() + y.abs()) / std::f32::consts::SQRT_2 - 0.68);
    let triangle = make(&|x, y| {
        (y + 0.75)
            .min(0.0)
            .abs()
            .max((2.0 * x.abs() + y - 0.85) / 2.2)
    });
    let ring = make(&|x, y| ((x * x + y * y).sqrt() - 0.82).abs() - 0.12);
    // A figure: a head over shoulders.
    let person = make(&|x, y| {
        let head = (x * x + (y - 0.5).powi(2)).sqrt() - 0.36;
        let body = ((x / 0.85).powi(2) + ((y + 0.75) / 0.7).powi(2)).sqrt() - 1.0;
        head.min(body.max(-(y + 0.98)))
    });
    commands.insert_resource(BoardImages {
        circle,
        square,
        diamond,
        triangle,
        ring,
        person,
    });
}

/// Despawns the whole board.
fn clear(commands: &mut Commands, index: &mut BoardIndex, parts: &Query<Entity, With<BoardPart>>) {
    for e in parts {
        commands.entity(e).despawn();
    }
    *index = BoardIndex::default();
}

/// The tokens the board moves (not those leaving).
type Tokens<'w, 's> = Query<
    'w,
    's,
    (
        &'static mut Token,
        &'static mut Glide,
        &'static Transform,
        &'static mut Visibility,
        &'static TokenParts,
    ),
    Without<Leaving>,
>;
/// The people's figures.
type Figures<'w, 's> =
    Query<'w, 's, (&'static mut Glide, &'static Transform), (With<Figure>, Without<Token>)>;
/// The pool of mark sprites.
type MarkSprites<'w, 's> = Query<
    'w,
    's,
    (
        &'static mut MarkSprite,
        &'static mut Transform,
        &'static mut Pickable,
    ),
    (Without<Token>, Without<Figure>),
>;
/// Where the alarms stand.
type AlarmPlaces<'w, 's> = Query<
    'w,
    's,
    &'static mut Transform,
    (
        With<Alarm>,
        Without<Token>,
        Without<Figure>,
        Without<MarkSprite>,
    ),
>;
/// The sprites' visibility (tokens' parts and marks).
type Visible<'w, 's> = Query<'w, 's, &'static mut Visibility, Without<Token>>;

/// This frame's timing and placement: the window, the time, the glide's duration, where
/// new tokens enter (`None` when sprites are made again in place) and whether they are.
struct Frame {
    window: Vec2,
    now: f32,
    glide: f32,
    entry: Option<Vec2>,
    in_place: bool,
}

/// What every part of [`follow_scene`] works with.
struct Ctx<'a, 'w, 's> {
    commands: &'a mut Commands<'w, 's>,
    index: &'a mut BoardIndex,
    images: &'a BoardImages,
    scene: &'a scene::Scene,
    layout: &'a super::layout::Layout,
    f: Frame,
}

/// Brings the sprites to the scene: spawns, retargets and despawns tokens, people, alarms
/// and marks.
// Bevy systems name their queries' filters in the signature.
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
pub(super) fn follow_scene(
    mut commands: Commands,
    board: Res<BoardScene>,
    target: Res<BoardTarget>,
    time: Res<Time>,
    images: Option<Res<BoardImages>>,
    mut index: ResMut<BoardIndex>,
    parts: Query<Entity, With<BoardPart>>,
    mut tokens: Tokens,
    mut visible: Visible,
    mut sprites: Query<&mut Sprite>,
    mut figures: Figures,
    mut mark_sprites: MarkSprites,
    mut alarm_places: AlarmPlaces,
) {
    let Some(images) = images else { return };
    let (Some(scene_key), true) = (&board.key, target.area.is_some()) else {
        if index.key.is_some() {
            clear(&mut commands, &mut index, &parts);
        }
        return;
    };
    let scene = &board.scene;
    let Some(layout) = &scene.layout else { return };
    // A new run starts the board afresh (tokens enter from the backlog); a new text size
    // makes every sprite again at its size, each where it stands.
    let same_run = index.key.as_ref() == Some(scene_key);
    let in_place = same_run && index.token_size != layout.token;
    if !same_run || in_place {
        clear(&mut commands, &mut index, &parts);
        index.key = Some(scene_key.clone());
        index.token_size = layout.token;
        index.failed_deploys = scene.failed_deploys;
    }
    if index.halo.is_none() {
        let halo = commands
            .spawn((
                BoardPart,
                Halo,
                Sprite {
                    image: images.ring.clone(),
                    color: color(scene::LIMIT),
                    custom_size: Some(Vec2::splat(layout.token * 2.0)),
                    ..default()
                },
                Transform::from_xyz(0.0, 0.0, 45.0),
                Visibility::Hidden,
                Pickable::IGNORE,
            ))
            .id();
        index.halo = Some(halo);
    }
    let f = Frame {
        window: target.window,
        now: time.elapsed_secs(),
        glide: board.glide,
        entry: (!in_place).then_some(layout.columns[0].queue.min),
        in_place,
    };
    let ctx = &mut Ctx {
        commands: &mut commands,
        index: &mut index,
        images: &images,
        scene,
        layout,
        f,
    };
    follow_tokens(ctx, &mut tokens, &mut visible);
    follow_people(ctx, &mut figures, &mut sprites);
    follow_alarms(ctx, &mut alarm_places);
    burst_failed_deploy(ctx);
    follow_marks(ctx, &mut mark_sprites, &mut sprites, &mut visible);
}

/// Tokens: each item's token glides to its place and shows its flags; a new item's token
/// enters; a gone item's token leaves (to done, or fading from the backlog when refused).
fn follow_tokens(ctx: &mut Ctx, tokens: &mut Tokens, visible: &mut Visible) {
    let mut seen: HashMap<u64, ()> = HashMap::with_capacity(ctx.scene.tokens.len());
    for t in &ctx.scene.tokens {
        seen.insert(t.item.id, ());
        match ctx.index.tokens.get(&t.item.id).copied() {
            Some(e) => {
                let Ok((mut tok, mut g, tf, mut vis, parts)) = tokens.get_mut(e) else {
                    continue;
                };
                tok.spot = t.spot;
                if g.to != t.pos {
                    *g = Glide {
                        from: to_board(tf.translation, ctx.f.window),
                        to: t.pos,
                        start: ctx.f.now,
                        duration: ctx.f.glide,
                    };
                }
                let want = if t.visible {
                    Visibility::Inherited
                } else {
                    Visibility::Hidden
                };
                vis.set_if_neq(want);
                let flags = [
                    (parts.outline, t.in_service),
                    (parts.expedited, t.item.expedited),
                    (parts.late, t.item.late),
                    (parts.pips[0], scene::risk_pips(t.item.risk) >= 1),
                    (parts.pips[1], scene::risk_pips(t.item.risk) >= 2),
                ];
                for (part, on) in flags {
                    if let Ok(mut v) = visible.get_mut(part) {
                        v.set_if_neq(if on {
                            Visibility::Inherited
                        } else {
                            Visibility::Hidden
                        });
                    }
                }
            }
            None => {
                let e = spawn_token(
                    ctx.commands,
                    ctx.images,
                    t,
                    ctx.layout.token,
                    ctx.f.entry,
                    ctx.f.now,
                    ctx.f.glide,
                    ctx.f.window,
                );
                ctx.index.tokens.insert(t.item.id, e);
            }
        }
    }
    let gone: Vec<u64> = ctx
        .index
        .tokens
        .keys()
        .filter(|id| !seen.contains_key(*id))
        .copied()
        .collect();
    for id in gone {
        let e = ctx.index.tokens.remove(&id).expect("listed");
        if let Ok((tok, _, tf, _, _)) = tokens.get(e) {
            let fade = tok.spot == scene::Spot::Backlog;
            let from = to_board(tf.translation, ctx.f.window);
            ctx.commands.entity(e).remove::<Token>().insert((
                Leaving { fade },
                Glide {
                    from,
                    to: if fade { from } else { ctx.scene.done_at },
                    start: ctx.f.now,
                    duration: ctx.f.glide.max(0.3),
                },
                Visibility::Inherited,
            ));
        }
    }
}

/// People: each figure glides to where they work and takes the tint of what they do.
fn follow_people(ctx: &mut Ctx, figures: &mut Figures, sprites: &mut Query<&mut Sprite>) {
    for p in &ctx.scene.people {
        let tint = if p.on_outage {
            theme::ALARM
        } else if p.constraint {
            theme::CONSTRAINT
        } else if p.idle {
            theme::PERSON_IDLE
        } else {
            theme::PERSON
        };
        match ctx.index.people.get(p.index).copied() {
            Some(e) => {
                if let Ok((mut g, tf)) = figures.get_mut(e)
                    && g.to != p.pos
                {
                    *g = Glide {
                        from: to_board(tf.translation, ctx.f.window),
                        to: p.pos,
                        start: ctx.f.now,
                        duration: ctx.f.glide.max(0.25),
                    };
                }
                if let Ok(mut s) = sprites.get_mut(e) {
                    s.color = color(tint);
                }
            }
            None => {
                let mut e = ctx.commands.spawn((
                    BoardPart,
                    Figure { index: p.index },
                    Sprite {
                        image: ctx.images.person.clone(),
                        color: color(tint),
                        custom_size: Some(ctx.layout.person),
                        ..default()
                    },
                    Transform::from_translation(to_world(p.pos, ctx.f.window, 30.0)),
                    Glide {
                        from: p.pos,
                        to: p.pos,
                        start: ctx.f.now,
                        duration: ctx.f.glide,
                    },
                    Pickable::default(),
                ));
                if p.constraint {
                    e.with_child((
                        Sprite {
                            image: ctx.images.ring.clone(),
                            color: color(theme::CONSTRAINT),
                            custom_size: Some(Vec2::splat(ctx.layout.person.y * 1.45)),
                            ..default()
                        },
                        Transform::from_xyz(0.0, 0.0, -0.1),
                        Pickable::IGNORE,
                    ));
                }
                let e = e.id();
                if ctx.index.people.len() <= p.index {
                    ctx.index.people.resize(p.index + 1, Entity::PLACEHOLDER);
                }
                ctx.index.people[p.index] = e;
            }
        }
    }
}

/// Alarms: one per open outage, where the scene puts it; a fixed outage's goes.
fn follow_alarms(ctx: &mut Ctx, alarm_places: &mut AlarmPlaces) {
    let open: HashMap<u64, ()> = ctx.scene.alarms.iter().map(|a| (a.id, ())).collect();
    for a in &ctx.scene.alarms {
        // An alarm stands where the scene puts it now: when an earlier outage on its
        // system is fixed it moves up the row, and it follows a new ctx.f.window size.
        if let Some(&e) = ctx.index.alarms.get(&a.id) {
            if let Ok(mut tf) = alarm_places.get_mut(e) {
                let at = to_world(a.pos, ctx.f.window, tf.translation.z);
                if tf.translation != at {
                    tf.translation = at;
                }
            }
        } else {
            let e = ctx
                .commands
                .spawn((
                    BoardPart,
                    Alarm {
                        outage: a.id,
                        // Made again for a new text size: no second flash.
                        born: if ctx.f.in_place {
                            ctx.f.now - ALARM_FLASH
                        } else {
                            ctx.f.now
                        },
                    },
                    Sprite {
                        image: ctx.images.triangle.clone(),
                        color: color(theme::ALARM),
                        custom_size: Some(Vec2::splat(22.0 * ctx.layout.scale)),
                        ..default()
                    },
                    Transform::from_translation(to_world(a.pos, ctx.f.window, 40.0)),
                    Pickable::default(),
                ))
                .id();
            ctx.index.alarms.insert(a.id, e);
        }
    }
    let fixed: Vec<u64> = ctx
        .index
        .alarms
        .keys()
        .filter(|id| !open.contains_key(*id))
        .copied()
        .collect();
    for id in fixed {
        let e = ctx.index.alarms.remove(&id).expect("listed");
        ctx.commands.entity(e).despawn();
    }
}

/// A failed deploy blows up its batch: debris flies from the deploy step.
fn burst_failed_deploy(ctx: &mut Ctx) {
    if ctx.scene.failed_deploys > ctx.index.failed_deploys {
        ctx.index.failed_deploys = ctx.scene.failed_deploys;
        if let Some(at) = ctx.scene.deploy_at {
            for k in 0..16 {
                let a = k as f32 / 16.0 * std::f32::consts::TAU;
                let speed = (120.0 + 60.0 * ((k * 7) % 5) as f32) * ctx.layout.scale;
                ctx.commands.spawn((
                    BoardPart,
                    Debris {
                        velocity: Vec2::new(a.cos(), a.sin()) * speed,
                        born: ctx.f.now,
                    },
                    Sprite {
                        image: ctx.images.square.clone(),
                        color: color(if k % 2 == 0 {
                            theme::ALARM
                        } else {
                            theme::work_color(WorkType::Change)
                        }),
                        custom_size: Some(Vec2::splat(ctx.layout.token * 0.7)),
                        ..default()
                    },
                    Transform::from_translation(to_world(at, ctx.f.window, 50.0)),
                    Pickable::IGNORE,
                ));
            }
        }
    }
}

/// Marks: a pool of plain rectangles, reassigned in order; the rest hidden.
fn follow_marks(
    ctx: &mut Ctx,
    mark_sprites: &mut MarkSprites,
    sprites: &mut Query<&mut Sprite>,
    visible: &mut Visible,
) {
    for (k, m) in ctx.scene.marks.iter().enumerate() {
        let translation = to_world(m.rect.center(), ctx.f.window, m.z * 10.0);
        let rotation = Quat::from_rotation_z(m.angle);
        let pickable = if m.pick.is_some() {
            Pickable::default()
        } else {
            Pickable::IGNORE
        };
        match ctx.index.marks.get(k).copied() {
            Some(e) => {
                if let Ok((mut ms, mut tf, mut pk)) = mark_sprites.get_mut(e) {
                    ms.pick = m.pick;
                    tf.translation = translation;
                    tf.rotation = rotation;
                    if *pk != pickable {
                        *pk = pickable;
                    }
                }
                if let Ok(mut s) = sprites.get_mut(e) {
                    s.color = color(m.color);
                    s.custom_size = Some(m.rect.size());
                }
                if let Ok(mut v) = visible.get_mut(e) {
                    v.set_if_neq(Visibility::Inherited);
                }
            }
            None => {
                let e = ctx
                    .commands
                    .spawn((
                        BoardPart,
                        MarkSprite { pick: m.pick },
                        Sprite::from_color(color(m.color), m.rect.size()),
                        Transform {
                            translation,
                            rotation,
                            ..default()
                        },
                        pickable,
                    ))
                    .id();
                ctx.index.marks.push(e);
            }
        }
    }
    for &e in &ctx.index.marks[ctx.scene.marks.len().min(ctx.index.marks.len())..] {
        if let Ok(mut v) = visible.get_mut(e) {
            v.set_if_neq(Visibility::Hidden);
        }
        if let Ok((mut ms, _, _)) = mark_sprites.get_mut(e) {
            ms.pick = None;
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn spawn_token(
    commands: &mut Commands,
    images: &BoardImages,
    t: &scene::TokenSpec,
    size: f32,
    entry: Option<Vec2>,
    now: f32,
    glide: f32,
    window: Vec2,
) -> Entity {
    let part = |image: Handle<Image>, c: Color32, edge: f32, offset: Vec2, z: f32| {
        (
            Sprite {
                image,
                color: color(c),
                custom_size: Some(Vec2::splat(edge)),
                ..default()
            },
            Transform::from_translation(offset.extend(z)),
            Visibility::Hidden,
            Pickable::IGNORE,
        )
    };
    let from = match entry {
        Some(entry) if t.spot != scene::Spot::Backlog => entry,
        _ => t.pos,
    };
    let mut e = commands.spawn((
        BoardPart,
        Token {
            item: t.item.id,
            spot: t.spot,
        },
        Sprite {
            image: images.of(t.item.work_type),
            color: color(theme::work_color(t.item.work_type)),
            custom_size: Some(Vec2::splat(size)),
            ..default()
        },
        Transform::from_translation(to_world(from, window, 20.0)),
        Glide {
            from,
            to: t.pos,
            start: now,
            duration: glide,
        },
        if t.visible {
            Visibility::Inherited
        } else {
            Visibility::Hidden
        },
        Pickable::default(),
    ));
    let id = e.id();
    let h = size * 0.5;
    let outline = commands
        .spawn((
            ChildOf(id),
            part(
                images.ring.clone(),
                theme::TEXT,
                size * 1.45,
                Vec2::ZERO,
                -0.05,
            ),
        ))
        .id();
    let expedited = commands
        .spawn((
            ChildOf(id),
            part(
                images.circle.clone(),
                theme::ALARM,
                size * 0.5,
                Vec2::new(h, h),
                0.1,
            ),
        ))
        .id();
    let late = commands
        .spawn((
            ChildOf(id),
            part(
                images.circle.clone(),
                scene::LIMIT,
                size * 0.45,
                Vec2::new(-h, h),
                0.1,
            ),
        ))
        .id();
    let pip = |k: f32| {
        part(
            Handle::default(),
            theme::TEXT,
            size * 0.18,
            Vec2::new((k - 0.5) * size * 0.3, -h * 0.35),
            0.1,
        )
    };
    let p0 = commands.spawn((ChildOf(id), pip(0.0))).id();
    let p1 = commands.spawn((ChildOf(id), pip(1.0))).id();
    e = commands.entity(id);
    e.insert(TokenParts {
        outline,
        expedited,
        late,
        pips: [p0, p1],
    });
    id
}

/// Rings the selected item's token, or else the selected outage's alarm.
#[allow(clippy::type_complexity)]
pub(super) fn place_halo(
    index: Res<BoardIndex>,
    selection: Res<crate::game::state::Selection>,
    targets: Query<&Transform, Without<Halo>>,
    mut halo: Query<(&mut Transform, &mut Visibility), With<Halo>>,
) {
    let Some(Ok((mut tf, mut vis))) = index.halo.map(|h| halo.get_mut(h)) else {
        return;
    };
    let target = selection
        .item
        .and_then(|id| index.tokens.get(&id))
        .or_else(|| selection.outage.and_then(|id| index.alarms.get(&id)))
        .and_then(|&e| targets.get(e).ok());
    match target {
        Some(t) => {
            tf.translation = t.translation.truncate().extend(45.0);
            vis.set_if_neq(Visibility::Inherited);
        }
        None => {
            vis.set_if_neq(Visibility::Hidden);
        }
    }
}

/// Moves everything along its glide, pulses the alarms, scatters debris, and despawns
/// tokens that have left.
#[allow(clippy::type_complexity)]
pub(super) fn animate(
    mut commands: Commands,
    time: Res<Time>,
    target: Res<BoardTarget>,
    mut moving: Query<(Entity, &Glide, &mut Transform, Option<&Leaving>)>,
    mut alarms: Query<(&Alarm, &mut Transform), Without<Glide>>,
    mut debris: Query<
        (Entity, &Debris, &mut Transform, &mut Sprite),
        (Without<Glide>, Without<Alarm>),
    >,
) {
    let now = time.elapsed_secs();
    let window = target.window;
    for (e, g, mut tf, leaving) in &mut moving {
        let p = g.at(now);
        let z = tf.translation.z;
        tf.translation = to_world(p, window, z);
        if let Some(l) = leaving {
            let t = ((now - g.start) / g.duration.max(1e-3)).clamp(0.0, 1.0);
            if l.fade {
                tf.scale = Vec3::splat(1.0 - t);
            }
            if t >= 1.0 {
                commands.entity(e).despawn();
            }
        }
    }
    for (a, mut tf) in &mut alarms {
        let age = now - a.born;
        // A flash when raised (large, shrinking), then a steady pulse.
        let s = if age < ALARM_FLASH {
            2.6 - 1.6 * age / ALARM_FLASH
        } else {
            1.0 + 0.18 * (age * 6.0).sin()
        };
        tf.scale = Vec3::splat(s);
    }
    for (e, d, mut tf, mut sprite) in &mut debris {
        let age = now - d.born;
        if age > 1.2 {
            commands.entity(e).despawn();
            continue;
        }
        // Thrown outwards, falling under a little gravity, spinning.
        let dt = time.delta_secs();
        tf.translation.x += d.velocity.x * dt;
        tf.translation.y += (d.velocity.y - 400.0 * age) * dt;
        tf.rotate_z(8.0 * dt);
        sprite.color.set_alpha(1.0 - age / 1.2);
    }
}
