//! What the debrief shows, computed once from the run ([`DebriefViews`]): the flow views,
//! the luck analysis as it runs, and the time scrub, whose replayed run is also the feed
//! the board draws on the Replay tab ([`DebriefViews::replay`]). The debrief screen
//! ([`crate::game::screens::debrief`]) creates and updates it; the debrief's widgets
//! (`ui::debrief`) draw it.

use bevy::platform::time::Instant;
use bevy::prelude::*;

use crate::game::session::SIM_MINUTES_PER_SECOND;
use crate::sim::debrief::{
    self as views, CenterWait, Cfd, DoraPoint, LeadScatter, TimeUse, TimelineEvent, WorkerTime,
};
use crate::sim::luck::LuckJob;
use crate::sim::luck::LuckReport;
use crate::sim::scrub::Scrubber;
use crate::sim::{SimTime, Simulation};

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
}

/// The key [`DebriefViews`] are computed for.
pub(crate) fn key_of(sim: &Simulation) -> (String, u64, u64, usize) {
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
        }
    }

    /// The replay feed the board reads on the Replay tab: the run as replayed to the
    /// scrub's time, the scrub's speed, and whether it is paused. `None` without a scrub.
    pub fn replay(&self) -> Option<(&Simulation, u32, bool)> {
        self.scrub
            .as_ref()
            .map(|s| (s.scrubber.view(), s.speed, !s.playing))
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
