//! Runs in and out of the game: opening a run file or run link (verified replay, then its
//! debrief), custom level files, the autosave of the current run in a slot per team and
//! tab, and resuming a saved run exactly where it was.
//!
//! The autosave is the run file of the current run ([`RunFile`]), written after every
//! command and at least every sim hour to the slot `run.TEAM.TAB` of the progress store
//! (local storage on the web, the data directory natively): two tabs or two teams on one
//! machine never share a slot. The page's panic overlay (`web/index.html`) offers the last
//! autosave as a download, since a panicked wasm instance cannot run again.

use bevy::prelude::*;
use tracing::{info, warn};

use super::files::{Inbox, Incoming, Purpose};
use super::progress::SavedProgress;
use super::screens::Screen;
use super::session::{Session, StartLevel, StartProblem, team_slug};
use super::ui::title::TitleChoices;
use crate::sim::run_file::{RUN_KIND, RunFile};

/// The prefix of autosave slots in the store.
pub const SLOT_PREFIX: &str = "run.";

/// Sim minutes between autosaves while nothing is decided: one sim hour.
pub const AUTOSAVE_EVERY_MINUTES: f64 = 60.0;

/// This tab's autosave: its slot, and what was last saved.
#[derive(Resource, Debug)]
pub struct Autosave {
    /// This tab's id (kept for the tab's life, across reloads, on the web).
    pub tab: String,
    /// Commands in the run when it was last saved.
    pub saved_commands: usize,
    /// The sim hour it was last saved in.
    pub saved_hour: i64,
    /// The storyboard's fingerprint when last saved (a result or a learning written).
    pub saved_story: usize,
    /// The slot last written.
    pub slot: Option<String>,
    /// Why the last save failed, for the HUD.
    pub problem: Option<String>,
}

impl Autosave {
    /// The slot of `team`'s run in this tab.
    pub fn slot_for(&self, team: &str) -> String {
        let slug = team_slug(team);
        let slug = if slug.is_empty() {
            "anonymous".into()
        } else {
            slug
        };
        format!("{SLOT_PREFIX}{slug}.{}", self.tab)
    }
}

impl Default for Autosave {
    fn default() -> Self {
        Self {
            tab: tab_id(),
            saved_commands: usize::MAX,
            saved_hour: i64::MIN,
            saved_story: 0,
            slot: None,
            problem: None,
        }
    }
}

/// A saved, unfinished run the title screen offers to resume.
#[derive(Clone, Debug, PartialEq)]
pub struct Resumable {
    /// Its slot.
    pub slot: String,
    /// Team, level and how far, for the player.
    pub label: String,
}

/// The unfinished runs saved in `saved`'s store (unreadable ones are skipped).
pub fn resumable(saved: &SavedProgress) -> Vec<Resumable> {
    saved
        .store
        .list_slots(SLOT_PREFIX)
        .into_iter()
        .filter_map(|slot| {
            let text = saved.store.read_slot(&slot).ok()??;
            let run = RunFile::parse(&text).ok()?;
            let level = run.level().ok()?;
            (run.sim_time < level.duration()).then(|| Resumable {
                label: format!(
                    "{} — {}, seed {}, {}",
                    if run.team.is_empty() {
                        "no team name"
                    } else {
                        &run.team
                    },
                    level.title,
                    run.seed,
                    level.calendar.format(run.sim_time)
                ),
                slot,
            })
        })
        .collect()
}

/// Asks to resume the run saved in a slot.
#[derive(Message, Debug, Clone)]
pub struct Resume(pub String);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Autosave>()
        .add_message::<Resume>()
        .add_systems(
            Update,
            (classify_dropped, open_runs, open_levels, resume)
                .chain()
                .in_set(super::AppSystems::Apply),
        )
        .add_systems(
            Update,
            autosave
                .in_set(super::AppSystems::Advance)
                .run_if(in_state(Screen::Play)),
        )
        .add_systems(OnEnter(Screen::Debrief), autosave);
}

/// A dropped file goes where its content says: progress, a run (into the comparison when
/// that screen is open) or a level.
fn classify_dropped(mut inbox: ResMut<Inbox>, screen: Res<State<Screen>>) {
    for f in &mut inbox.0 {
        if f.purpose != Purpose::Dropped {
            continue;
        }
        let text = f.text.as_deref().unwrap_or_default();
        let is_run = text.contains(RUN_KIND) || text.contains("#run=");
        f.purpose = if text.contains("\"flowkata-progress\"") {
            Purpose::Progress
        } else if is_run && *screen.get() == Screen::Compare {
            Purpose::Compare
        } else if is_run || f.text.is_err() {
            Purpose::Run
        } else {
            Purpose::Level
        };
    }
}

/// Opens runs brought in: verified, they show their debrief; otherwise the title screen
/// says which check failed. A run brought in while a level is played is not opened (that
/// would end the level): the player is told so. On the Compare screen, runs join the
/// comparison instead.
fn open_runs(
    mut inbox: ResMut<Inbox>,
    screen: Res<State<Screen>>,
    session: Option<ResMut<Session>>,
    mut commands: Commands,
    mut next: ResMut<NextState<Screen>>,
) {
    match screen.get() {
        Screen::Compare => return,
        Screen::Play => {
            let refused = inbox.take(&[Purpose::Run, Purpose::Level]);
            if let (Some(f), Some(mut s)) = (refused.first(), session) {
                let now = s.sim.now();
                s.last_error = Some((
                    format!(
                        "{} was not opened during play: leave the level first (your run is saved)",
                        f.name
                    ),
                    now,
                ));
            }
            return;
        }
        Screen::Title | Screen::Debrief => {}
    }
    for Incoming { name, text, .. } in inbox.take(&[Purpose::Run]) {
        match open_run(&name, text) {
            Ok(session) => {
                info!(
                    "opened run {name}: {}",
                    session.opened.as_deref().unwrap_or("")
                );
                commands.insert_resource(session);
                commands.remove_resource::<StartProblem>();
                next.set(Screen::Debrief);
            }
            Err(problem) => {
                warn!("{problem}");
                commands.insert_resource(StartProblem(problem));
                next.set(Screen::Title);
            }
        }
    }
}

/// Reads and verifies a run; the session shows it, marked as opened.
///
/// # Errors
/// The message for the player: which file, and what is wrong with it.
pub fn open_run(name: &str, text: Result<String, String>) -> Result<Session, String> {
    let text = text.map_err(|e| format!("{name}: {e}"))?;
    let run = RunFile::parse_any(&text).map_err(|e| format!("{name} was not opened: {e}"))?;
    let sim = run
        .verify()
        .map_err(|e| format!("{name} is NOT verified: {e}"))?;
    let mut session = Session::from_run(&run, sim);
    let whose = if run.team.trim().is_empty() {
        "a run with no team name".to_string()
    } else {
        format!("{}'s run", run.team.trim())
    };
    session.opened = Some(format!(
        "Verified ✔ — {whose} from {name}, saved at {}: its figures are what its level, seed and decisions produce.",
        session.sim.level().calendar.format(run.sim_time)
    ));
    Ok(session)
}

/// Starts custom levels brought in, with the same validation as the CLI.
fn open_levels(
    mut inbox: ResMut<Inbox>,
    choices: Res<TitleChoices>,
    mut start: MessageWriter<StartLevel>,
) {
    for Incoming { name, text, .. } in inbox.take(&[Purpose::Level]) {
        start.write(StartLevel {
            seed: choices.custom_seed.then_some(choices.seed),
            custom: Some((name.clone(), text.unwrap_or_else(|e| e))),
            briefing: true,
            ..Default::default()
        });
    }
}

/// Resumes a saved run: verified, then continued paused at its sim time.
fn resume(
    mut requests: MessageReader<Resume>,
    saved: Res<SavedProgress>,
    mut choices: ResMut<TitleChoices>,
    mut commands: Commands,
    mut next: ResMut<NextState<Screen>>,
) {
    for Resume(slot) in requests.read() {
        let text = saved
            .store
            .read_slot(slot)
            .and_then(|t| t.ok_or_else(|| "it is gone".to_string()));
        match open_run("the saved run", text) {
            Ok(mut session) => {
                // The player's own run again: their team, their autosave slot.
                session.opened = None;
                choices.team = session.run_team.take().unwrap_or_default();
                commands.insert_resource(session);
                next.set(Screen::Play);
            }
            Err(e) => commands.insert_resource(StartProblem(e)),
        }
    }
}

/// Saves the current run to this tab's slot after every command and every sim hour.
fn autosave(
    session: Option<Res<Session>>,
    saved: Res<SavedProgress>,
    choices: Res<TitleChoices>,
    mut auto: ResMut<Autosave>,
) {
    let Some(session) = session else { return };
    if session.opened.is_some() {
        return;
    }
    let commands = session.sim.commands().len();
    // The end of a run counts as an hour of its own, so the final state is saved once.
    let hour = if session.sim.is_finished() {
        i64::MAX
    } else {
        (session.sim.now() / AUTOSAVE_EVERY_MINUTES).floor() as i64
    };
    let story = session.storyboard.as_ref().map_or(0, |s| {
        s.rounds
            .iter()
            .map(|r| 1 + usize::from(r.result.is_some()) + r.learned.len())
            .sum()
    });
    if commands == auto.saved_commands && hour == auto.saved_hour && story == auto.saved_story {
        return;
    }
    auto.saved_story = story;
    let slot = auto.slot_for(&choices.team);
    let text = session.run_file(&choices.team).to_json();
    match saved.store.write_slot(&slot, &text) {
        Ok(()) => auto.problem = None,
        Err(e) => auto.problem = Some(format!("The run could not be saved ({e}).")),
    }
    auto.saved_commands = commands;
    auto.saved_hour = hour;
    if auto.slot.as_ref() != Some(&slot) {
        publish_slot(&slot);
        auto.slot = Some(slot);
    }
}

/// This tab's id: kept in the tab's session storage on the web (a reload keeps it, a new
/// tab gets its own); `native` otherwise.
fn tab_id() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let storage = web_sys::window().and_then(|w| w.session_storage().ok().flatten());
        if let Some(s) = &storage
            && let Ok(Some(id)) = s.get_item("flowkata.tab")
        {
            return id;
        }
        let id = format!(
            "{:06x}",
            (js_sys::Math::random() * f64::from(0xff_ffff)) as u32
        );
        if let Some(s) = storage {
            let _ = s.set_item("flowkata.tab", &id);
        }
        id
    }
    #[cfg(not(target_arch = "wasm32"))]
    "native".into()
}

/// Tells the page which local-storage key holds the last autosave (for its panic overlay).
fn publish_slot(slot: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(
            &w,
            &wasm_bindgen::JsValue::from_str("__flowkataSlot"),
            &wasm_bindgen::JsValue::from_str(&format!("flowkata.{slot}")),
        );
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = slot;
}

/// Installs the panic hook of the web build: the message goes to the console and to the
/// page's overlay (`window.__flowkataPanic`), which offers the last autosave as a download.
pub fn install_panic_hook() {
    #[cfg(target_arch = "wasm32")]
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let Some(w) = web_sys::window() else { return };
        if let Ok(f) = js_sys::Reflect::get(&w, &wasm_bindgen::JsValue::from_str("__flowkataPanic"))
            && let Some(f) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&f)
        {
            let _ = f.call1(&w, &wasm_bindgen::JsValue::from_str(&info.to_string()));
        }
    }));
}
