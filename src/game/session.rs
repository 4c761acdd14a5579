//! The running level: the [`Simulation`] as a resource, started by [`StartLevel`] messages
//! and changed only through [`PlayerCommand`] and [`TimeControl`] messages. The play
//! screen ([`crate::game::screens::play`]) advances its clock.

use bevy::prelude::*;
use tracing::{info, warn};

use super::AppSystems;
use super::progress::Store;
use super::screens::Screen;
use crate::sim::kata::{Drill, Storyboard};
use crate::sim::level::embedded_source;
use crate::sim::run_file::RunFile;
use crate::sim::{Action, Level, Simulation};

/// Sim minutes that pass per real second at 1× speed: a workday of 480 minutes takes one
/// minute of play.
pub const SIM_MINUTES_PER_SECOND: f64 = 8.0;

/// The speed multipliers the player can choose.
pub const SPEEDS: [u32; 5] = [1, 2, 4, 8, 16];

/// The level being played and how fast time runs.
#[derive(Resource)]
pub struct Session {
    /// The run.
    pub sim: Simulation,
    /// Whether time is stopped.
    pub paused: bool,
    /// Speed multiplier, one of [`SPEEDS`].
    pub speed: u32,
    /// The last refused command and when (sim minutes), shown briefly to the player.
    pub last_error: Option<(String, f64)>,
    /// Where the last downloaded run file went (or why it did not), for the player.
    pub run_saved: Option<String>,
    /// The level file's text (before any drill), written into run files: a custom level
    /// is carried whole.
    pub source: String,
    /// A run opened from a file or a link, verified: where it came from and whose it is.
    pub opened: Option<String>,
    /// The team's storyboard, in a drill.
    pub storyboard: Option<Storyboard>,
    /// The team of an opened run: its run file and link keep that name.
    pub run_team: Option<String>,
    /// Whether the level's briefing is open: the clock stands still until the player
    /// starts (or, reopened during play, closes it). Presentation only: opening and
    /// closing it is no command, so the run and its file do not change.
    pub briefing: bool,
}

impl Session {
    /// A new run of the shipped `level` with `seed`, running at 1×.
    pub fn new(level: Level, seed: u64) -> Self {
        let source = embedded_source(&level.id).unwrap_or_default().to_string();
        let mut sim = Simulation::new(level, seed);
        sim.keep_item_history();
        Self::with_source(sim, source)
    }

    /// A session around `sim`, whose level file's text is `source`. The run is first
    /// brought up to its clock (`advance_to(now)`: at 0, the events due at the start), as a
    /// replay of its run file does before each command; so a decision taken before the
    /// clock moves (during the briefing) is applied after the same events in play as in
    /// the replay, and a run file saved then verifies.
    pub fn with_source(mut sim: Simulation, source: String) -> Self {
        let now = sim.now();
        sim.advance_to(now);
        Self {
            sim,
            paused: false,
            speed: 1,
            last_error: None,
            run_saved: None,
            source,
            opened: None,
            storyboard: None,
            run_team: None,
            briefing: false,
        }
    }

    /// A session that continues a verified run file (its replayed `sim`), paused.
    pub fn from_run(run: &RunFile, sim: Simulation) -> Self {
        let source = run
            .level
            .source
            .clone()
            .or_else(|| embedded_source(&run.level.id).map(str::to_string))
            .unwrap_or_default();
        let mut s = Self::with_source(sim, source);
        s.storyboard = run.storyboard.clone();
        s.run_team = Some(run.team.clone());
        s.paused = true;
        s
    }

    /// The run as a run file ([`RunFile`]) for `team`, as of now.
    pub fn run_file(&self, team: &str) -> RunFile {
        let team = self.run_team.as_deref().unwrap_or(team);
        RunFile::record_with(&self.sim, &self.source, team, self.storyboard.clone())
    }

    /// The file name of this run's run file for `team`: level, seed, team and sim minute.
    pub fn run_file_name(&self, team: &str) -> String {
        let slug = team_slug(team);
        let team = if slug.is_empty() {
            String::new()
        } else {
            format!("-{slug}")
        };
        format!(
            "flowkata-run-{}-seed{}{team}-t{:.0}.json",
            self.sim.level().id,
            self.sim.seed(),
            self.sim.now()
        )
    }

    /// Saves the run file for `team` to `store` and remembers where it went.
    pub fn download_run(&mut self, store: &Store, team: &str) {
        let text = self.run_file(team).to_json();
        self.run_saved = Some(match store.save_file(&self.run_file_name(team), &text) {
            Ok(place) => format!("Run saved: {place}"),
            Err(e) => format!("The run could not be saved: {e}"),
        });
    }
}

/// A team's name as it goes into file names and storage slots: ASCII letters and digits
/// in lowercase, every other character a dash, no dash at either end (`Team A!` →
/// `team-a`); empty for a name with no letter or digit.
pub fn team_slug(team: &str) -> String {
    let slug: String = team
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    slug.trim_matches('-').to_string()
}

/// Why the last request to start a level failed (an unknown id in a shared link), shown on
/// the title screen.
#[derive(Resource, Debug, Clone, PartialEq, Eq)]
pub struct StartProblem(pub String);

/// Asks for a level to start (from the title screen, a URL or a test).
#[derive(Message, Debug, Clone, Default)]
pub struct StartLevel {
    /// Embedded level id (ignored when `custom` is given).
    pub level: String,
    /// Seed; `None` uses the level's own.
    pub seed: Option<u64>,
    /// Initial speed multiplier; `None` keeps 1×.
    pub speed: Option<u32>,
    /// Play it as an improvement-kata drill.
    pub drill: Option<Drill>,
    /// A custom level: its file name and text, validated as the CLI validates it.
    pub custom: Option<(String, String)>,
    /// Open the level's briefing first, with the clock stopped (campaign cards, "Next
    /// level", `?level=` links and dropped level files; a drill's plan screen has the story
    /// and goals instead, so a drill never opens it).
    pub briefing: bool,
}

/// A player's decision, to be applied to the simulation at the current sim time.
#[derive(Message, Debug, Clone)]
pub struct PlayerCommand(pub Action);

/// Time control requested by the player (buttons or keys).
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeControl {
    /// Pause or resume.
    TogglePause,
    /// Set the speed multiplier.
    Speed(u32),
}

pub(super) fn plugin(app: &mut App) {
    app.add_message::<StartLevel>()
        .add_message::<PlayerCommand>()
        .add_message::<TimeControl>()
        .add_systems(
            Update,
            (
                start_level,
                (apply_time_controls, apply_player_commands).run_if(resource_exists::<Session>),
            )
                .chain()
                .in_set(AppSystems::Apply),
        )
        .add_systems(Last, publish_page.in_set(crate::game::page::PublishPage));
}

fn start_level(
    mut requests: MessageReader<StartLevel>,
    mut commands: Commands,
    mut next: ResMut<NextState<Screen>>,
) {
    // Only the last request of a frame counts.
    let Some(req) = requests.read().last().cloned() else {
        return;
    };
    let (level, source) = match &req.custom {
        Some((name, text)) => match Level::parse(name, text) {
            Ok(level) => (level, text.clone()),
            Err(e) => {
                warn!("{e}");
                commands.insert_resource(StartProblem(format!("That level cannot be played: {e}")));
                return;
            }
        },
        None => match Level::embedded(&req.level) {
            Some(level) => {
                let src = embedded_source(&level.id).unwrap_or_default().to_string();
                (level, src)
            }
            None => {
                let known: Vec<&str> = Level::all_embedded()
                    .iter()
                    .map(|l| l.id.as_str())
                    .collect();
                let problem = format!(
                    "There is no level {:?}. Levels: {}.",
                    req.level,
                    known.join(", ")
                );
                warn!("{problem}");
                commands.insert_resource(StartProblem(problem));
                return;
            }
        },
    };
    let level = match req.drill {
        Some(d) => match level.with_drill(d) {
            Ok(l) => l,
            Err(e) => {
                commands
                    .insert_resource(StartProblem(format!("That drill cannot be played: {e}.")));
                return;
            }
        },
        None => level,
    };
    commands.remove_resource::<StartProblem>();
    let seed = req.seed.unwrap_or(level.seed);
    let mut sim = Simulation::new(level, seed);
    sim.keep_item_history();
    let mut session = Session::with_source(sim, source);
    if req.drill.is_some() {
        // A drill opens on the first round's storyboard, paused.
        session.storyboard = Some(Storyboard {
            challenge: Storyboard::challenge_of(session.sim.level()),
            rounds: Vec::new(),
        });
        session.paused = true;
    }
    session.briefing = req.briefing && req.drill.is_none();
    if let Some(s) = req.speed.filter(|s| SPEEDS.contains(s)) {
        session.speed = s;
    }
    info!("starting level {} with seed {seed}", session.sim.level().id);
    commands.insert_resource(session);
    next.set(Screen::Play);
}

fn apply_time_controls(mut controls: MessageReader<TimeControl>, mut session: ResMut<Session>) {
    for c in controls.read() {
        match *c {
            TimeControl::TogglePause => session.paused = !session.paused,
            TimeControl::Speed(s) if SPEEDS.contains(&s) => {
                session.speed = s;
                session.paused = false;
            }
            TimeControl::Speed(_) => {}
        }
    }
}

fn apply_player_commands(mut orders: MessageReader<PlayerCommand>, mut session: ResMut<Session>) {
    for PlayerCommand(action) in orders.read() {
        let now = session.sim.now();
        if let Err(e) = session.sim.apply(action.clone()) {
            session.last_error = Some((e.0, now));
        }
    }
}

/// The goals' status keys, with the sim time and command count they were measured at.
type GoalKeys = ((f64, usize), Vec<&'static str>);

/// The page state's run: `level`, `seed`, `simTime` (sim minutes), `paused`, `briefing`
/// (whether the level's briefing is open), `finished`, `score`,
/// `commands` (how many), `goals` (each goal's status key in level order:
/// [`crate::sim::challenge::GoalStatus::key`]), and once the run has ended `stars` and
/// `stateHash`; `opened` the verified-run notice of an opened run; `problem` why the last
/// start or open failed. The goals are measured again only when the run has moved or taken
/// a command (`cache`: sim time and command count they were measured at).
fn publish_page(
    session: Option<Res<Session>>,
    problem: Option<Res<StartProblem>>,
    mut page: ResMut<crate::game::page::PageState>,
    mut cache: Local<Option<GoalKeys>>,
) {
    use crate::game::page::number;
    if let Some(s) = &session {
        let sim = &s.sim;
        page.set("level", sim.level().id.clone());
        page.set("seed", number(sim.seed() as f64));
        page.set("simTime", number(sim.now()));
        page.set("paused", s.paused);
        page.set("briefing", s.briefing);
        page.set("finished", sim.is_finished());
        page.set("score", number(sim.score()));
        page.set("commands", sim.commands().len());
        let at = (sim.now(), sim.commands().len());
        if cache.as_ref().is_none_or(|(when, _)| *when != at) {
            let goals = sim.report().goals.iter().map(|g| g.status.key()).collect();
            *cache = Some((at, goals));
        }
        if let Some((_, goals)) = cache.as_ref() {
            page.set("goals", goals.clone());
        }
        if sim.is_finished() {
            page.set("stars", sim.report().stars);
            page.set("stateHash", sim.state_hash());
        }
        if let Some(o) = &s.opened {
            page.set("opened", o.clone());
        }
    }
    if let Some(p) = &problem {
        page.set("problem", p.0.clone());
    }
}
