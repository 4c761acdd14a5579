//! The debrief: the level's result, the flow views (cumulative flow, lead-time scatter,
//! utilization versus wait, where the time went, DORA over the run, the events timeline),
//! the luck band and the time scrub; from here the player replays the same level and seed
//! or goes back to the level select. Entering it logs the result (the browser test and a
//! facilitator's console read it).
//!
//! The views are computed once on entering ([`DebriefViews`]). The luck analysis runs a few
//! seeds per frame ([`LUCK_FRAME_BUDGET_MS`]), so the page never blocks; the scrub replays
//! the run from snapshots ([`crate::sim::scrub`]).

use bevy::platform::time::Instant;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use tracing::{info, warn};

use super::Screen;
use crate::game::input::DIGIT_KEYS;
use crate::game::progress::SavedProgress;
use crate::game::screens::title::TitleChoices;
use crate::game::session::{SIM_MINUTES_PER_SECOND, Session, StartLevel};
use crate::game::state::SelectedOutage;
use crate::game::ui::{debrief, root_ui};
use crate::sim::debrief::{
    self as views, CenterWait, Cfd, DoraPoint, LeadScatter, TimeUse, TimelineEvent, WorkerTime,
};
use crate::sim::luck::{LuckJob, LuckReport};
use crate::sim::scrub::Scrubber;
use crate::sim::{SimTime, Simulation, campaign, rules};

/// Real milliseconds per frame the luck analysis may take: half the previous frame's time,
/// at least 8 ms (half a 60 Hz frame) and at most 100 ms, so the page keeps at least half
/// its frame rate while it runs, and a slow page (software rendering) still finishes soon.
pub const LUCK_FRAME_BUDGET_MS: (f64, f64) = (8.0, 100.0);

/// Seeds the luck band runs ([`rules::LUCK_DEFAULT_REPLICATIONS`], or `?luck=N`).
#[derive(Resource, Debug, Clone, Copy)]
pub struct LuckSeeds(pub u32);

impl Default for LuckSeeds {
    fn default() -> Self {
        Self(rules::LUCK_DEFAULT_REPLICATIONS)
    }
}

/// The debrief's tabs, in order; keys 1–8 pick them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tab {
    /// Score, goals, figures, the lesson.
    #[default]
    Summary,
    /// The cumulative flow diagram.
    Flow,
    /// The lead-time scatter.
    LeadTime,
    /// Utilization versus queue wait.
    Wait,
    /// Where the time went.
    TimeUse,
    /// The DORA four keys over the run.
    Dora,
    /// Luck versus skill.
    Luck,
    /// The board at the scrub's time.
    Replay,
}

impl Tab {
    /// Every tab, in order.
    pub const ALL: [Tab; 8] = [
        Tab::Summary,
        Tab::Flow,
        Tab::LeadTime,
        Tab::Wait,
        Tab::TimeUse,
        Tab::Dora,
        Tab::Luck,
        Tab::Replay,
    ];

    /// The tab's label.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Summary => "Summary",
            Tab::Flow => "Cumulative flow",
            Tab::LeadTime => "Lead time",
            Tab::Wait => "Utilization vs wait",
            Tab::TimeUse => "Where the time went",
            Tab::Dora => "DORA",
            Tab::Luck => "Luck vs skill",
            Tab::Replay => "Replay",
        }
    }
}

/// The luck analysis on the debrief: running, then its report.
pub struct LuckRun {
    /// The job (its seeds run a few per frame).
    pub job: LuckJob,
    /// The report once every seed has run.
    pub report: Option<LuckReport>,
    /// Real milliseconds spent running seeds (the frames between not counted).
    pub compute_ms: f64,
    /// When the analysis started, and real milliseconds from then to its end.
    pub started: Instant,
    /// Real milliseconds from the start to the last seed, once done.
    pub wall_ms: Option<f64>,
}

/// The time scrub: the run replayed to `t`.
pub struct Scrub {
    /// The replayer with its snapshots.
    pub scrubber: Scrubber,
    /// The position, sim minutes.
    pub t: SimTime,
    /// Whether it plays forward.
    pub playing: bool,
    /// Speed multiplier while playing, one of [`crate::game::session::SPEEDS`].
    pub speed: u32,
}

impl Scrub {
    /// Moves to sim time `t`, clamped to the run; playing or not stays as it is.
    pub fn go_to(&mut self, t: SimTime) {
        self.t = t.clamp(0.0, self.scrubber.end());
        self.scrubber.seek(self.t);
    }

    /// Plays or pauses; playing from the end starts again from the beginning.
    pub fn toggle_play(&mut self) {
        if !self.playing && self.t >= self.scrubber.end() {
            self.go_to(0.0);
        }
        self.playing = !self.playing;
    }

    /// Moves a playing scrub forward by `real_seconds` at its speed
    /// ([`SIM_MINUTES_PER_SECOND`] × speed), stopping at the end.
    pub fn play_for(&mut self, real_seconds: f64) {
        if !self.playing {
            return;
        }
        self.go_to(self.t + real_seconds * SIM_MINUTES_PER_SECOND * f64::from(self.speed));
        if self.t >= self.scrubber.end() {
            self.playing = false;
        }
    }
}

/// Everything the debrief shows, computed once from the run.
#[derive(Resource)]
pub struct DebriefViews {
    /// Which run they were computed for: its level, seed, time and commands.
    pub key: (String, u64, u64, usize),
    /// The tab showing.
    pub tab: Tab,
    /// Minutes per workday of the level.
    pub mpd: f64,
    /// The cumulative flow diagram.
    pub cfd: Cfd,
    /// The lead-time scatter.
    pub lead: LeadScatter,
    /// Each center on the utilization-versus-wait chart.
    pub curves: Vec<CenterWait>,
    /// Each worker's time use, constraint first.
    pub workers: Vec<WorkerTime>,
    /// The first constraint worker's (else the first worker's) name and time use per hour.
    pub over_time: Option<(String, Vec<(SimTime, TimeUse)>)>,
    /// The DORA keys at the end of each workday.
    pub dora: Vec<DoraPoint>,
    /// The events timeline.
    pub events: Vec<TimelineEvent>,
    /// The luck analysis.
    pub luck: Option<LuckRun>,
    /// Why there is no luck analysis, if there is none.
    pub luck_problem: Option<String>,
    /// The time scrub; `None` when the run could not be replayed (the reason is in
    /// `scrub_problem`).
    pub scrub: Option<Scrub>,
    /// Why the scrub is unavailable.
    pub scrub_problem: Option<String>,
    /// The outage selected on the replayed board (read-only there).
    pub selected: SelectedOutage,
}

/// The key [`DebriefViews`] are computed for.
fn key_of(sim: &Simulation) -> (String, u64, u64, usize) {
    (
        sim.level().id.clone(),
        sim.seed(),
        sim.now().to_bits(),
        sim.commands().len(),
    )
}

impl DebriefViews {
    /// The views of `sim`, with a luck analysis over `luck_seeds` seeds and a scrub.
    pub fn of(sim: &Simulation, luck_seeds: u32) -> DebriefViews {
        let workers = views::time_use(sim);
        let over_time = sim
            .level()
            .workers
            .iter()
            .position(|w| w.constraint)
            .or((!sim.level().workers.is_empty()).then_some(0))
            .map(|w| {
                (
                    sim.level().workers[w].name.clone(),
                    views::time_use_series(sim, w),
                )
            });
        let job = if sim.is_finished() && sim.halted().is_none() {
            LuckJob::new(
                sim.level(),
                sim.seed(),
                sim.commands(),
                sim.score(),
                luck_seeds,
            )
        } else {
            Err("this run has not reached its end, and the band compares whole runs".into())
        };
        let (luck, luck_problem) = match job {
            Ok(job) => (
                Some(LuckRun {
                    job,
                    report: None,
                    compute_ms: 0.0,
                    started: Instant::now(),
                    wall_ms: None,
                }),
                None,
            ),
            Err(e) => (None, Some(e)),
        };
        let (scrub, scrub_problem) = match Scrubber::new(sim) {
            Ok(mut scrubber) => {
                let t = scrubber.end();
                scrubber.seek(t);
                (
                    Some(Scrub {
                        scrubber,
                        t,
                        playing: false,
                        speed: 4,
                    }),
                    None,
                )
            }
            Err(e) => (None, Some(e)),
        };
        DebriefViews {
            key: key_of(sim),
            tab: Tab::Summary,
            mpd: sim.level().calendar.minutes_per_day,
            cfd: views::cfd(sim),
            lead: views::lead_scatter(sim),
            curves: views::wait_curves(sim),
            workers,
            over_time,
            dora: views::dora_series(sim),
            events: views::timeline(sim),
            luck,
            luck_problem,
            scrub,
            scrub_problem,
            selected: SelectedOutage::default(),
        }
    }

    /// The scrub's position in workdays, for the charts' cursor.
    pub fn cursor_days(&self) -> Option<f64> {
        self.scrub.as_ref().map(|s| s.t / self.mpd)
    }

    /// Moves the scrub to `t` (sim minutes, [`Scrub::go_to`]).
    pub fn scrub_to(&mut self, t: SimTime) {
        if let Some(s) = &mut self.scrub {
            s.go_to(t);
        }
    }

    /// The time of the first event after (`forward`) or the last before the scrub's
    /// position, if any.
    pub fn neighbour_event(&self, forward: bool) -> Option<SimTime> {
        let t = self.scrub.as_ref()?.t;
        const EPS: f64 = 1e-6;
        if forward {
            self.events.iter().map(|e| e.t).find(|&e| e > t + EPS)
        } else {
            self.events.iter().rev().map(|e| e.t).find(|&e| e < t - EPS)
        }
    }
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Debrief), log_result)
        .add_systems(OnExit(Screen::Debrief), |mut commands: Commands| {
            commands.remove_resource::<DebriefViews>()
        })
        .add_systems(
            Update,
            (
                rebuild_views,
                // The debrief has no text field: its keys always reach it (its egui pass
                // drops widget focus, so Space never clicks a button, nor arrows a slider).
                shortcuts,
                run_luck,
                play_scrub,
            )
                .chain()
                .run_if(in_state(Screen::Debrief)),
        );
}

pub(super) fn ui_plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        debrief_screen.run_if(in_state(Screen::Debrief)),
    );
}

fn log_result(session: Option<Res<Session>>) {
    let Some(s) = session else { return };
    match s.sim.halted() {
        Some(e) => warn!("level {} stopped early: {e}", s.sim.level().id),
        None => info!(
            "level {} (seed {}) ended: score {:.0}",
            s.sim.level().id,
            s.sim.seed(),
            s.sim.score()
        ),
    }
}

/// Computes the views on the debrief's first frame, and again when the session's run
/// changed under it (another run opened onto it).
fn rebuild_views(
    session: Option<Res<Session>>,
    views: Option<ResMut<DebriefViews>>,
    seeds: Res<LuckSeeds>,
    mut commands: Commands,
) {
    let Some(s) = session else { return };
    if views.is_none_or(|v| v.key != key_of(&s.sim)) {
        commands.insert_resource(DebriefViews::of(&s.sim, seeds.0));
    }
}

/// Keys on the debrief: 1–8 pick a tab; Space plays or pauses the scrub; ← and → jump to
/// the previous or next event; Home and End to the start and the end.
fn shortcuts(keys: Res<ButtonInput<KeyCode>>, views: Option<ResMut<DebriefViews>>) {
    let Some(mut v) = views else { return };
    for (key, tab) in DIGIT_KEYS.iter().zip(Tab::ALL) {
        if keys.just_pressed(*key) {
            v.tab = tab;
        }
    }
    if keys.just_pressed(KeyCode::Space)
        && let Some(s) = &mut v.scrub
    {
        s.toggle_play();
    }
    let jump = if keys.just_pressed(KeyCode::ArrowRight) {
        v.neighbour_event(true)
    } else if keys.just_pressed(KeyCode::ArrowLeft) {
        v.neighbour_event(false)
    } else if keys.just_pressed(KeyCode::Home) {
        Some(0.0)
    } else if keys.just_pressed(KeyCode::End) {
        v.scrub.as_ref().map(|s| s.scrubber.end())
    } else {
        None
    };
    if let Some(t) = jump {
        v.scrub_to(t);
    }
}

/// Runs luck seeds for up to [`LUCK_FRAME_BUDGET_MS`] of this frame.
fn run_luck(time: Res<Time<Real>>, views: Option<ResMut<DebriefViews>>) {
    let Some(mut v) = views else { return };
    let Some(l) = &mut v.luck else { return };
    if l.report.is_some() {
        return;
    }
    let (least, most) = LUCK_FRAME_BUDGET_MS;
    let budget = (0.5 * time.delta_secs_f64() * 1000.0).clamp(least, most);
    let start = Instant::now();
    loop {
        let done = l.job.step(1);
        let spent = start.elapsed().as_secs_f64() * 1000.0;
        if done {
            l.compute_ms += spent;
            l.wall_ms = Some(l.started.elapsed().as_secs_f64() * 1000.0);
            l.report = l.job.report();
            info!(
                "luck: {} seeds in {:.0} ms of compute ({:.0} ms on the wall)",
                l.job.progress().1,
                l.compute_ms,
                l.wall_ms.unwrap_or_default()
            );
            return;
        }
        if spent >= budget {
            l.compute_ms += spent;
            return;
        }
    }
}

/// Moves a playing scrub by the frame's real time ([`Scrub::play_for`]).
fn play_scrub(time: Res<Time<Real>>, views: Option<ResMut<DebriefViews>>) {
    if let Some(mut v) = views
        && let Some(s) = &mut v.scrub
    {
        s.play_for(time.delta_secs_f64());
    }
}

#[allow(clippy::too_many_arguments)]
fn debrief_screen(
    mut contexts: EguiContexts,
    session: Option<ResMut<Session>>,
    views: Option<ResMut<DebriefViews>>,
    saved: Res<SavedProgress>,
    choices: Res<TitleChoices>,
    mut start: MessageWriter<StartLevel>,
    mut next: ResMut<NextState<Screen>>,
    mut board_params: crate::game::ui::board_overlay::BoardParams,
) -> Result {
    let (Some(mut session), Some(mut views)) = (session, views) else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    // No widget keeps keyboard focus here, and no widget sees the shortcut keys: they are
    // the debrief's (`shortcuts`), so Space never also clicks a focused button, nor an arrow
    // moves the slider.
    if let Some(id) = ctx.memory(|m| m.focused()) {
        ctx.memory_mut(|m| m.surrender_focus(id));
    }
    ctx.input_mut(|i| {
        for key in [
            egui::Key::Space,
            egui::Key::ArrowLeft,
            egui::Key::ArrowRight,
            egui::Key::Home,
            egui::Key::End,
        ] {
            i.consume_key(egui::Modifiers::NONE, key);
        }
    });
    let mut root = root_ui(ctx);
    let following = campaign::next(&session.sim.level().id).filter(|n| saved.progress.unlocked(n));
    let unlocked = saved.just_unlocked.as_deref();
    // No fill: the Replay tab's board is drawn by Bevy underneath.
    egui::CentralPanel::default()
        .frame(egui::Frame::central_panel(&ctx.global_style()).fill(egui::Color32::TRANSPARENT))
        .show(&mut root, |ui| {
            match debrief::show(
                ui,
                &session,
                &mut views,
                unlocked,
                following,
                Some(board_params.state()),
            ) {
                Some(debrief::Choice::DownloadRun) => {
                    session.download_run(&saved.store, &choices.team);
                }
                Some(debrief::Choice::CopyLink) => {
                    let link = session
                        .run_file(&choices.team)
                        .to_link(&crate::game::files::base_url());
                    crate::game::files::copy(ui.ctx(), &link);
                    session.run_saved =
                        Some(format!("Run link copied ({} characters).", link.len()));
                }
                Some(debrief::Choice::Continue) => {
                    session.opened = None;
                    session.paused = true;
                    next.set(Screen::Play);
                }
                Some(debrief::Choice::Next(id)) => {
                    start.write(StartLevel {
                        level: id,
                        seed: None,
                        speed: None,
                        ..Default::default()
                    });
                }
                Some(debrief::Choice::Replay) => {
                    // The same level (a custom one again from its text), seed and drill.
                    let level = session.sim.level();
                    let shipped = crate::sim::level::embedded_source(&level.id)
                        .is_some_and(|s| s == session.source);
                    start.write(StartLevel {
                        level: level.id.clone(),
                        seed: Some(session.sim.seed()),
                        speed: None,
                        drill: level.drill,
                        custom: (!shipped).then(|| (level.id.clone(), session.source.clone())),
                    });
                }
                Some(debrief::Choice::LevelSelect) => next.set(Screen::Title),
                None => {}
            }
        });
    Ok(())
}
