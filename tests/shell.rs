//! The Bevy shell without a window or GPU: the game's logic plugins on `MinimalPlugins`
//! advance the simulation with (manual, deterministic) time and apply player commands.
#![cfg(feature = "game")]

use std::time::Duration;

use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::input::{ButtonState, InputPlugin};
use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use flowkata::game::progress::SavedProgress;
use flowkata::game::screens::Screen;
use flowkata::game::session::{
    PlayerCommand, SIM_MINUTES_PER_SECOND, Session, StartLevel, TimeControl,
};
use flowkata::game::{self, launch::LaunchOptions};
use flowkata::sim::{Action, Simulation};

fn app() -> App {
    app_with(SavedProgress::in_memory())
}

/// The logic plugins over `saved`, progress kept in memory: a test never touches the
/// player's saved progress.
fn app_with(saved: SavedProgress) -> App {
    let mut app = game::headless_app(saved, Duration::from_millis(100));
    app.update();
    app
}

fn start(app: &mut App, level: &str, seed: u64) {
    app.world_mut().write_message(StartLevel {
        level: level.into(),
        seed: Some(seed),
        speed: None,
        ..Default::default()
    });
    app.update();
    app.update();
}

fn screen(app: &App) -> Screen {
    *app.world().resource::<State<Screen>>().get()
}

#[test]
fn starting_a_level_enters_play_and_time_advances_the_simulation() {
    let mut app = app();
    assert_eq!(screen(&app), Screen::Title);
    start(&mut app, "brent", 5);
    assert_eq!(screen(&app), Screen::Play);
    let t0 = app.world().resource::<Session>().sim.now();
    for _ in 0..50 {
        app.update();
    }
    let t1 = app.world().resource::<Session>().sim.now();
    // 50 frames of 0.1 s at 1×: 5 real seconds, 40 sim minutes (allowing for float rounding).
    let expected = 50.0 * 0.1 * SIM_MINUTES_PER_SECOND;
    assert!(
        (t1 - t0 - expected).abs() < 1e-3,
        "advanced {} sim minutes",
        t1 - t0
    );
}

#[test]
fn player_commands_reach_the_simulation_and_are_logged() {
    let mut app = app();
    start(&mut app, "phoenix", 2);
    app.world_mut()
        .write_message(PlayerCommand(Action::SetBatchSize {
            size: 3,
            center: None,
        }));
    app.world_mut()
        .write_message(PlayerCommand(Action::ProtectConstraint { on: true }));
    app.update();
    let session = app.world().resource::<Session>();
    assert_eq!(session.sim.policy().batch_size, 3);
    assert!(session.sim.policy().protect_constraint);
    assert_eq!(session.sim.commands().len(), 2);
    assert!(session.last_error.is_none());
}

#[test]
fn a_refused_command_is_reported_to_the_player() {
    let mut app = app();
    start(&mut app, "phoenix", 2);
    app.world_mut()
        .write_message(PlayerCommand(Action::SetWipLimit {
            center: "nowhere".into(),
            limit: Some(2),
        }));
    app.update();
    let session = app.world().resource::<Session>();
    assert!(
        session
            .last_error
            .as_ref()
            .is_some_and(|(m, _)| m.contains("nowhere"))
    );
    assert!(session.sim.commands().is_empty());
}

#[test]
fn pause_and_speed_controls_change_how_fast_sim_time_runs() {
    let mut app = app();
    start(&mut app, "brent", 1);
    app.world_mut().write_message(TimeControl::TogglePause);
    app.update();
    let t0 = app.world().resource::<Session>().sim.now();
    for _ in 0..10 {
        app.update();
    }
    assert_eq!(
        app.world().resource::<Session>().sim.now(),
        t0,
        "paused: no sim time passes"
    );
    app.world_mut().write_message(TimeControl::Speed(8));
    app.update();
    let t1 = app.world().resource::<Session>().sim.now();
    for _ in 0..10 {
        app.update();
    }
    let dt = app.world().resource::<Session>().sim.now() - t1;
    assert!(
        (dt - 10.0 * 0.1 * SIM_MINUTES_PER_SECOND * 8.0).abs() < 1e-3,
        "advanced {dt}"
    );
}

#[test]
fn the_space_key_pauses_through_the_input_plugin() {
    let mut app = app();
    start(&mut app, "brent", 1);
    app.world_mut().write_message(KeyboardInput {
        key_code: KeyCode::Space,
        logical_key: Key::Space,
        state: ButtonState::Pressed,
        text: None,
        repeat: false,
        window: Entity::PLACEHOLDER,
    });
    app.update();
    assert!(app.world().resource::<Session>().paused);
}

#[test]
fn a_run_in_the_shell_equals_the_replay_of_its_command_log() {
    // The frame rate must not matter: a session played in 100 ms frames, with commands given
    // along the way, ends in the same state as the core replaying its log.
    let mut app = app();
    start(&mut app, "ten-deploys", 9);
    app.world_mut().write_message(TimeControl::Speed(16));
    for i in 0..4000 {
        if i == 30 {
            app.world_mut()
                .write_message(PlayerCommand(Action::SetBatchSize {
                    size: 2,
                    center: None,
                }));
        }
        app.update();
        if screen(&app) == Screen::Debrief {
            break;
        }
    }
    assert_eq!(
        screen(&app),
        Screen::Debrief,
        "the level ends and the debrief shows"
    );
    let session = app.world().resource::<Session>();
    let level = session.sim.level().clone();
    let replay = Simulation::replay(level, 9, session.sim.commands()).unwrap();
    assert_eq!(replay.state_hash(), session.sim.state_hash());
}

#[test]
fn launch_options_start_a_level_directly() {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, StatesPlugin, InputPlugin))
        .insert_resource(LaunchOptions::from_query(
            "?level=ten-deploys&seed=77&speed=4",
        ))
        .add_plugins(game::logic_plugin);
    app.update();
    app.update();
    assert_eq!(screen(&app), Screen::Play);
    let s = app.world().resource::<Session>();
    assert_eq!(
        (s.sim.level().id.as_str(), s.sim.seed(), s.speed),
        ("ten-deploys", 77, 4)
    );
}

#[test]
fn an_unknown_level_in_a_link_stays_on_the_title_with_a_reason() {
    let mut app = app();
    start(&mut app, "bernt", 1);
    assert_eq!(screen(&app), Screen::Title);
    let problem = app
        .world()
        .get_resource::<flowkata::game::session::StartProblem>();
    assert!(
        problem.is_some_and(|p| p.0.contains("bernt") && p.0.contains("brent")),
        "{problem:?}"
    );
    start(&mut app, "brent", 1);
    assert!(
        app.world()
            .get_resource::<flowkata::game::session::StartProblem>()
            .is_none()
    );
}

/// The Phoenix decisions the controls send reach the core through the same message, and
/// change what the core reports back to the board.
#[test]
fn phoenix_decisions_from_the_controls_reach_the_simulation() {
    let mut app = app();
    start(&mut app, "phoenix", 1);
    for action in [
        Action::SetImprovementShare { share: 0.2 },
        Action::FundImprovement {
            id: "monitoring".into(),
        },
        Action::SetRelease {
            rule: flowkata::sim::ReleaseRule::DrumBufferRope { buffer: 5 },
        },
        Action::PreApproveStandard { on: true },
        Action::SetBoardInterval { every_days: 0.5 },
        Action::Freeze { on: true },
    ] {
        app.world_mut().write_message(PlayerCommand(action));
    }
    app.update();
    let session = app.world().resource::<Session>();
    assert!(session.last_error.is_none(), "{:?}", session.last_error);
    let sim = &session.sim;
    assert_eq!(sim.commands().len(), 6);
    assert_eq!(sim.policy().improvement_share, 0.2);
    assert!(sim.policy().freeze);
    let board = sim.change_board_view().expect("phoenix has a change board");
    assert!(board.pre_approve_standard);
    assert_eq!(board.every_days, 0.5);
    assert!(sim.open_jobs().iter().any(|j| j.label == "Monitoring"));
}

/// Each screen cleans up what it owns: a selection made in play is cleared when the level
/// ends, the debrief still shows the session, and the title screen ends it.
#[test]
fn each_screen_cleans_up_what_it_owns() {
    use flowkata::game::state::Selection;
    let mut app = app();
    start(&mut app, "brent", 1);
    assert_eq!(*app.world().resource::<Selection>(), Selection::default());
    *app.world_mut().resource_mut::<Selection>() = Selection {
        item: Some(1),
        outage: Some(1),
    };
    app.world_mut().resource_mut::<Session>().sim.run_to_end();
    app.update();
    app.update();
    assert_eq!(screen(&app), Screen::Debrief);
    assert_eq!(
        *app.world().resource::<Selection>(),
        Selection::default(),
        "the selection left with the play screen"
    );
    assert!(app.world().get_resource::<Session>().is_some());
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(Screen::Title);
    app.update();
    assert_eq!(screen(&app), Screen::Title);
    assert!(
        app.world().get_resource::<Session>().is_none(),
        "the title screen ends the run"
    );
}

/// A paused game stops only the clock: commands still apply.
#[test]
fn while_paused_commands_apply_but_no_time_passes() {
    let mut app = app();
    start(&mut app, "brent", 1);
    app.world_mut().write_message(TimeControl::TogglePause);
    app.update();
    let t0 = app.world().resource::<Session>().sim.now();
    app.world_mut()
        .write_message(PlayerCommand(Action::ProtectConstraint { on: true }));
    app.update();
    let s = app.world().resource::<Session>();
    assert_eq!(s.sim.now(), t0);
    assert!(s.sim.policy().protect_constraint);
}

#[test]
fn a_finished_run_with_a_star_unlocks_the_next_level() {
    let mut app = app();
    start(&mut app, "first-day", 1);
    // Play level 1 with its lesson applied: refuse the favours; then run to the end.
    app.world_mut()
        .write_message(PlayerCommand(Action::SetIntake {
            stream: "Favours for marketing".into(),
            accept: false,
        }));
    app.update();
    app.world_mut().resource_mut::<Session>().sim.run_to_end();
    app.update();
    app.update();
    assert_eq!(screen(&app), Screen::Debrief);
    let stars = app.world().resource::<Session>().sim.report().stars;
    let saved = app.world().resource::<SavedProgress>();
    assert_eq!(saved.progress.stars("first-day"), stars);
    assert!(stars >= 1, "the lesson applied earns a star on seed 1");
    assert!(saved.progress.unlocked("wip-limits"));
    assert_eq!(saved.just_unlocked.as_deref(), Some("wip-limits"));
}

#[test]
fn hints_become_due_while_playing_unless_turned_off() {
    use flowkata::game::screens::play::Hints;
    let mut app = app();
    start(&mut app, "first-day", 1);
    app.update();
    // The first hint of level 1 is due at once.
    assert_eq!(app.world().resource::<Hints>().due, vec![0]);
    let mut app = app_with_hints_off();
    start(&mut app, "first-day", 1);
    app.update();
    assert!(app.world().resource::<Hints>().due.is_empty());
}

fn app_with_hints_off() -> App {
    let mut saved = SavedProgress::in_memory();
    saved.progress.hints_off = true;
    app_with(saved)
}

#[test]
fn a_run_downloaded_mid_play_is_a_run_file_that_verifies() {
    use flowkata::game::progress::Store;
    use flowkata::sim::run_file::RunFile;
    let mut app = app();
    start(&mut app, "brent", 3);
    app.world_mut()
        .write_message(PlayerCommand(Action::ProtectConstraint { on: true }));
    for _ in 0..30 {
        app.update();
    }
    let dir = std::env::temp_dir().join(format!("flowkata-shell-runs-{}", std::process::id()));
    let mut session = app.world_mut().resource_mut::<Session>();
    session.download_run(&Store::Dir(dir.clone()), "Team A!");
    let name = session.run_file_name("Team A!");
    assert!(
        name.starts_with("flowkata-run-brent-seed3-team-a-t"),
        "{name}"
    );
    assert!(
        session
            .run_saved
            .as_deref()
            .unwrap()
            .starts_with("Run saved")
    );
    let text = std::fs::read_to_string(dir.join(&name)).expect("written");
    let run = RunFile::parse(&text).expect("a run file");
    assert_eq!(run.team, "Team A!");
    assert_eq!(run.commands.len(), 1);
    assert_eq!(run.sim_time, session.sim.now());
    let replayed = run.verify().expect("verifies");
    assert_eq!(replayed.state_hash(), session.sim.state_hash());
    let _ = std::fs::remove_dir_all(dir);
}

fn temp_store(name: &str) -> (std::path::PathBuf, flowkata::game::progress::Store) {
    let dir = std::env::temp_dir().join(format!("flowkata-shell-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    (dir.clone(), flowkata::game::progress::Store::Dir(dir))
}

/// The current run is saved after a command and every sim hour, in a slot per team and
/// tab; a new app (a reopened page) offers it and resumes it exactly where it was.
#[test]
fn a_saved_run_resumes_exactly_where_it_was() {
    use flowkata::game::runs::{Resume, SLOT_PREFIX};
    use flowkata::game::ui::title::TitleChoices;
    let (dir, store) = temp_store("resume");
    let mut app = app_with(SavedProgress::load(store.clone()));
    app.world_mut().resource_mut::<TitleChoices>().team = "Blue team".into();
    start(&mut app, "phoenix", 8);
    app.world_mut()
        .write_message(PlayerCommand(Action::ProtectConstraint { on: true }));
    // 100 frames of 0.1 s at 1×: 80 sim minutes, so the hour's autosave has happened.
    for _ in 0..100 {
        app.update();
    }
    let slots = store.list_slots(SLOT_PREFIX);
    assert_eq!(slots, vec!["run.blue-team.native".to_string()]);
    let saved_text = store.read_slot(&slots[0]).unwrap().unwrap();
    let saved = flowkata::sim::run_file::RunFile::parse(&saved_text).unwrap();
    assert!(saved.sim_time >= 60.0, "saved at {}", saved.sim_time);
    assert_eq!(saved.commands.len(), 1);

    // The page is reopened: a new app on the same store.
    let mut app = app_with(SavedProgress::load(store.clone()));
    let choices = app.world().resource::<TitleChoices>();
    assert_eq!(choices.resumable.len(), 1, "{:?}", choices.resumable);
    assert!(choices.resumable[0].label.contains("Blue team"));
    app.world_mut().write_message(Resume(slots[0].clone()));
    app.update();
    app.update();
    assert_eq!(screen(&app), Screen::Play);
    let session = app.world().resource::<Session>();
    assert!(session.paused, "a resumed run waits for the player");
    assert_eq!(session.sim.now(), saved.sim_time);
    assert_eq!(session.sim.state_hash(), saved.state_hash);
    assert_eq!(app.world().resource::<TitleChoices>().team, "Blue team");
    let _ = std::fs::remove_dir_all(dir);
}

/// A run file brought in opens verified on its debrief; a tampered one stays on the title
/// screen with the reason.
#[test]
fn an_opened_run_is_verified_and_a_tampered_one_is_refused_with_its_reason() {
    use flowkata::game::files::{Inbox, Incoming, Purpose};
    use flowkata::game::session::StartProblem;
    use flowkata::sim::run_file::RunFile;
    let mut sim = Simulation::new(flowkata::sim::Level::embedded("brent").unwrap(), 4);
    sim.apply(Action::ProtectConstraint { on: true }).unwrap();
    sim.run_to_end();
    let src = flowkata::sim::level::embedded_source("brent").unwrap();
    let run = RunFile::record(&sim, src, "Team R");
    let mut app = app();
    let bring = |app: &mut App, text: String| {
        app.world_mut().resource_mut::<Inbox>().0.push(Incoming {
            name: "team-r.json".into(),
            text: Ok(text),
            purpose: Purpose::Dropped,
        });
        app.update();
        app.update();
    };
    bring(&mut app, run.to_link("http://x/"));
    assert_eq!(screen(&app), Screen::Debrief);
    let session = app.world().resource::<Session>();
    assert!(session.opened.as_deref().unwrap().starts_with("Verified"));
    assert_eq!(session.sim.state_hash(), run.state_hash);
    assert_eq!(session.run_file("someone else").team, "Team R");

    let tampered = run.to_json().replacen("\"score\": ", "\"score\": 1", 1);
    bring(&mut app, tampered);
    assert_eq!(screen(&app), Screen::Title);
    let problem = &app.world().resource::<StartProblem>().0;
    assert!(
        problem.contains("NOT verified") && problem.contains("headline.score"),
        "{problem}"
    );
}

/// A drill: the first round waits for its plan; the clock stops at the round's end, the
/// result is measured and reviewed; standing decisions are refused during a round; the
/// debrief follows the last review, and the run file verifies with its storyboard.
#[test]
fn a_drill_plays_round_by_round_with_its_storyboard() {
    use flowkata::game::screens::play::DrillPlay;
    use flowkata::sim::challenge::{Goal, Metric};
    use flowkata::sim::kata::{self, Drill, KataRound};
    let drill = Drill {
        rounds: 2,
        round_days: 0.5,
    };
    let mut app = app();
    app.world_mut().write_message(StartLevel {
        level: "phoenix".into(),
        seed: Some(42),
        drill: Some(drill),
        speed: Some(16),
        ..Default::default()
    });
    app.update();
    app.update();
    assert_eq!(screen(&app), Screen::Play);
    let plan = |app: &mut App, k: usize| {
        let session = app.world().resource::<Session>();
        let level = session.sim.level().clone();
        let current = if k == 0 {
            kata::baseline_condition(&level, 42).unwrap()
        } else {
            let d = app.world().resource::<DrillPlay>();
            kata::condition(&level, None, &d.run.reports()[0])
        };
        let mut session = app.world_mut().resource_mut::<Session>();
        session.storyboard.as_mut().unwrap().rounds.push(KataRound {
            current_condition: current,
            target: Goal {
                metric: Metric::DeploysPerDay,
                at_least: Some(2.0),
                at_most: None,
            },
            obstacle: "batches".into(),
            experiment: "protect Brent".into(),
            prediction: 2.0,
            result: None,
            learned: String::new(),
        });
        session.paused = false;
    };
    // Unplanned, the first round does not start, even unpaused.
    app.world_mut().resource_mut::<Session>().paused = false;
    for _ in 0..10 {
        app.update();
    }
    assert_eq!(app.world().resource::<Session>().sim.now(), 0.0);
    app.world_mut()
        .write_message(PlayerCommand(Action::ProtectConstraint { on: true }));
    app.update();
    plan(&mut app, 0);
    let mpd = 480.0;
    let end1 = drill.boundary(1, mpd);
    // 16×: 12.8 sim minutes a frame; 240 minutes take 19 frames; run more.
    for _ in 0..40 {
        app.update();
    }
    let session = app.world().resource::<Session>();
    assert_eq!(
        session.sim.now(),
        end1,
        "the clock stops at the round's end"
    );
    assert!(session.paused);
    let result = session.storyboard.as_ref().unwrap().rounds[0].result;
    let mut by_hand = Simulation::new(session.sim.level().clone(), 42);
    by_hand
        .apply(Action::ProtectConstraint { on: true })
        .unwrap();
    by_hand.advance_to(end1);
    assert_eq!(result, Some(by_hand.report().run.deploys as f64 / 0.5));
    assert_eq!(app.world().resource::<DrillPlay>().run.reviewing(), Some(0));

    // Review done; plan round 2 with a new batch size (between rounds: allowed).
    app.world_mut().resource_mut::<DrillPlay>().run.end_review();
    app.world_mut()
        .write_message(PlayerCommand(Action::SetBatchSize {
            size: 3,
            center: None,
        }));
    app.update();
    plan(&mut app, 1);
    for _ in 0..3 {
        app.update();
    }
    // Mid-round: a standing decision is refused, with the reason.
    app.world_mut()
        .write_message(PlayerCommand(Action::ProtectConstraint { on: false }));
    app.update();
    let session = app.world().resource::<Session>();
    assert!(
        session
            .last_error
            .as_ref()
            .unwrap()
            .0
            .contains("between rounds"),
        "{:?}",
        session.last_error
    );
    for _ in 0..40 {
        app.update();
    }
    assert_eq!(
        screen(&app),
        Screen::Play,
        "the last round is reviewed first"
    );
    assert_eq!(app.world().resource::<DrillPlay>().run.reviewing(), Some(1));
    app.world_mut().resource_mut::<DrillPlay>().run.end_review();
    app.update();
    app.update();
    assert_eq!(screen(&app), Screen::Debrief);
    let session = app.world().resource::<Session>();
    let run = session.run_file("Kata");
    assert_eq!(run.storyboard.as_ref().unwrap().rounds.len(), 2);
    assert!(run.storyboard.as_ref().unwrap().rounds[1].result.is_some());
    run.verify()
        .expect("the drill's run file verifies, storyboard and all");
}

/// A level file brought in plays with the CLI's validation: a broken one stays on the title
/// naming the file, line and field; a good one plays, and its run file carries it whole.
#[test]
fn a_custom_level_file_is_validated_played_and_carried_in_its_run() {
    use flowkata::game::files::{Inbox, Incoming, Purpose};
    use flowkata::game::session::StartProblem;
    let mut app = app();
    let bring = |app: &mut App, name: &str, text: String| {
        app.world_mut().resource_mut::<Inbox>().0.push(Incoming {
            name: name.into(),
            text: Ok(text),
            purpose: Purpose::Level,
        });
        for _ in 0..3 {
            app.update();
        }
    };
    let good = flowkata::sim::level::embedded_source("mm1")
        .unwrap()
        .replace("id: \"mm1\"", "id: \"my-mm1\"");
    let broken = good.replace("days: 5", "days: -5");
    assert_ne!(broken, good, "the test edits the days");
    bring(&mut app, "my-level.ron", broken);
    assert_eq!(screen(&app), Screen::Title);
    let problem = app.world().resource::<StartProblem>().0.clone();
    assert!(
        problem.contains("my-level.ron") && problem.contains("days"),
        "{problem}"
    );
    bring(&mut app, "my-level.ron", good.clone());
    assert_eq!(
        screen(&app),
        Screen::Play,
        "{:?}",
        app.world().get_resource::<StartProblem>()
    );
    let session = app.world().resource::<Session>();
    assert_eq!(session.sim.level().id, "my-mm1");
    let run = session.run_file("T");
    assert_eq!(run.level.source.as_deref(), Some(good.as_str()));
    run.verify().expect("verifies from the carried level");
}

/// A drill link with `team=ask` waits on the title for the team's name, then starts the
/// drill on the link's seed with its rounds, paused for the first plan.
#[test]
fn a_drill_link_asking_for_the_team_waits_for_its_name() {
    use flowkata::game::launch::DrillSetup;
    let mut app = App::new();
    app.insert_resource(SavedProgress::in_memory());
    app.add_plugins((MinimalPlugins, StatesPlugin, InputPlugin))
        .insert_resource(LaunchOptions::from_query(
            "?level=phoenix&seed=42&rounds=3&round_days=5&minutes=12&team=ask",
        ))
        .add_plugins(game::logic_plugin);
    app.update();
    app.update();
    assert_eq!(
        screen(&app),
        Screen::Title,
        "no start before the team's name"
    );
    let setup = app.world().resource::<DrillSetup>().clone();
    assert_eq!(setup.minutes, Some(12.0));
    assert!(setup.seed_locked);
    // The prompt's "Start the drill" sends the waiting start.
    let start = app
        .world_mut()
        .resource_mut::<DrillSetup>()
        .pending
        .take()
        .expect("the drill waits");
    app.world_mut().write_message(start);
    for _ in 0..3 {
        app.update();
    }
    assert_eq!(screen(&app), Screen::Play);
    let s = app.world().resource::<Session>();
    assert_eq!(s.sim.seed(), 42);
    assert_eq!(
        s.sim.level().drill.map(|d| (d.rounds, d.round_days)),
        Some((3, 5.0))
    );
    assert_eq!(s.sim.end(), 15.0 * 480.0);
    assert!(s.paused && s.storyboard.as_ref().is_some_and(|b| b.rounds.is_empty()));
}

fn press(app: &mut App, key_code: KeyCode, logical_key: Key) {
    app.world_mut().write_message(KeyboardInput {
        key_code,
        logical_key: logical_key.clone(),
        state: ButtonState::Pressed,
        text: None,
        repeat: false,
        window: Entity::PLACEHOLDER,
    });
    app.update();
    app.world_mut().write_message(KeyboardInput {
        key_code,
        logical_key,
        state: ButtonState::Released,
        text: None,
        repeat: false,
        window: Entity::PLACEHOLDER,
    });
    app.update();
}

/// A phoenix run with two decisions, finished, on the debrief.
fn finished_phoenix(app: &mut App) {
    start(app, "phoenix", 6);
    app.world_mut()
        .write_message(PlayerCommand(Action::ProtectConstraint { on: true }));
    app.update();
    {
        let mut s = app.world_mut().resource_mut::<Session>();
        s.sim.advance_to(1500.0);
        s.sim
            .apply(Action::SetBatchSize {
                size: 2,
                center: None,
            })
            .unwrap();
        s.sim.run_to_end();
    }
    app.update();
    app.update();
    assert_eq!(screen(app), Screen::Debrief);
}

/// The time scrub: moving it to time t (the next-event key, the previous-event key, a seek)
/// shows the state of a run advanced to t with the commands up to t, bit for bit; playing
/// moves it forward by real time at its speed; Home goes back to the start.
#[test]
fn scrubbing_to_a_time_shows_the_state_of_the_run_at_that_time() {
    use flowkata::game::screens::debrief::{DebriefViews, Tab};
    let mut app = app();
    finished_phoenix(&mut app);
    let run = app.world().resource::<Session>().sim.clone();
    let state_at = |t: f64| {
        let mut direct = Simulation::new(run.level().clone(), run.seed());
        let upto: Vec<_> = run
            .commands()
            .iter()
            .filter(|c| c.at <= t)
            .cloned()
            .collect();
        direct.apply_log(&upto).unwrap();
        direct.advance_to(t);
        direct.state_hash()
    };
    let view = |app: &App| {
        let v = app.world().resource::<DebriefViews>();
        let s = v.scrub.as_ref().expect("a scrub");
        (s.t, s.scrubber.view().now(), s.scrubber.view().state_hash())
    };
    // It opens at the end: the finished run itself.
    let (t, now, hash) = view(&app);
    assert_eq!((t, now), (run.now(), run.now()));
    assert_eq!(hash, run.state_hash());
    // Home, then the next event: the first event of the run's timeline.
    press(&mut app, KeyCode::Home, Key::Home);
    assert_eq!(view(&app).0, 0.0);
    press(&mut app, KeyCode::ArrowRight, Key::ArrowRight);
    let first = flowkata::sim::debrief::timeline(&run)
        .iter()
        .map(|e| e.t)
        .find(|&t| t > 1e-6)
        .unwrap();
    let (t, now, hash) = view(&app);
    assert_eq!((t, now), (first, first));
    assert_eq!(hash, state_at(first));
    // Seek back and forth.
    for t in [3000.0, 1500.0, 800.25] {
        app.world_mut().resource_mut::<DebriefViews>().scrub_to(t);
        let (at, now, hash) = view(&app);
        assert_eq!((at, now), (t, t));
        assert_eq!(hash, state_at(t), "at {t}");
    }
    // Space plays at 4×: 10 frames of 0.1 s move 32 sim minutes.
    press(&mut app, KeyCode::Space, Key::Space);
    let before = view(&app).0;
    for _ in 0..10 {
        app.update();
    }
    let after = view(&app).0;
    let expected = 10.0 * 0.1 * SIM_MINUTES_PER_SECOND * 4.0;
    assert!(
        (after - before - expected).abs() < 1e-6,
        "{before} → {after}"
    );
    assert_eq!(view(&app).2, state_at(after));
    // Keys pick tabs.
    press(&mut app, KeyCode::Digit7, Key::Character("7".into()));
    assert_eq!(app.world().resource::<DebriefViews>().tab, Tab::Luck);
}

/// The luck band runs over frames on the debrief and ends with the figures of the core's
/// analysis of the same run.
#[test]
fn the_luck_band_runs_over_frames_and_agrees_with_the_core() {
    use flowkata::game::screens::debrief::{DebriefViews, LuckSeeds};
    let mut app = app();
    app.insert_resource(LuckSeeds(12));
    finished_phoenix(&mut app);
    for _ in 0..200 {
        app.update();
        let v = app.world().resource::<DebriefViews>();
        if v.luck.as_ref().is_some_and(|l| l.report.is_some()) {
            break;
        }
    }
    let v = app.world().resource::<DebriefViews>();
    let r = v.luck.as_ref().unwrap().report.clone().expect("finished");
    let run = &app.world().resource::<Session>().sim;
    let core = flowkata::sim::luck::luck(run.level(), run.seed(), run.commands(), 12).unwrap();
    assert_eq!(r.policy_scores, core.policy_scores);
    assert_eq!(r.baseline_scores, core.baseline_scores);
    assert_eq!(r.percentile, core.percentile);
    assert_eq!(r.kept, 2);
}

/// H opens the help overlay and Esc closes it; the text size is read from the player's store
/// at start-up and written back when it changes, and an unreadable value is the normal size.
#[test]
fn help_toggles_and_the_text_size_is_remembered() {
    use flowkata::game::help::{HelpOverlay, UiScale};
    let (dir, store) = temp_store("ui-scale");
    store.write_slot("ui-scale", "1.50").unwrap();
    let mut app = app_with(SavedProgress::load(store.clone()));
    assert_eq!(app.world().resource::<UiScale>().factor, 1.5);
    press(&mut app, KeyCode::KeyH, Key::Character("h".into()));
    assert!(app.world().resource::<HelpOverlay>().0);
    press(&mut app, KeyCode::Escape, Key::Escape);
    assert!(!app.world().resource::<HelpOverlay>().0);
    press(&mut app, KeyCode::Equal, Key::Character("=".into()));
    assert!((app.world().resource::<UiScale>().factor - 1.6).abs() < 1e-6);
    assert_eq!(
        store.read_slot("ui-scale").unwrap().as_deref(),
        Some("1.60")
    );
    press(&mut app, KeyCode::Digit0, Key::Character("0".into()));
    assert_eq!(
        store.read_slot("ui-scale").unwrap().as_deref(),
        Some("1.00")
    );
    store.write_slot("ui-scale", "huge").unwrap();
    let app = app_with(SavedProgress::load(store));
    assert_eq!(app.world().resource::<UiScale>().factor, 1.0);
    let _ = std::fs::remove_dir_all(dir);
}

/// The page state (what the web page publishes as `window.__flowkata`) is built by each
/// plugin for its own part, natively too: the screen, the run, the play screen's and the
/// debrief's parts each appear on their screen only, and the ended run's hash is the core's.
#[test]
fn each_plugin_publishes_its_part_of_the_page_state() {
    use flowkata::game::page::PageState;
    use serde_json::json;
    let mut app = app();
    // The web glue creates the page state; natively a test does.
    app.init_resource::<PageState>();
    app.update();
    let page = |app: &App| app.world().resource::<PageState>().clone();
    let title = page(&app);
    assert_eq!(title.get("screen"), Some(&json!("Title")));
    assert_eq!(title.get("level"), None, "no run on the title screen");
    assert!(
        title
            .get("unlocked")
            .is_some_and(|u| u.as_array().is_some_and(|a| !a.is_empty()))
    );
    start(&mut app, "brent", 5);
    let play = page(&app);
    assert_eq!(play.get("screen"), Some(&json!("Play")));
    assert_eq!(play.get("level"), Some(&json!("brent")));
    assert_eq!(play.get("seed"), Some(&json!(5.0)));
    assert_eq!(play.get("finished"), Some(&json!(false)));
    assert_eq!(play.get("liveCharts"), Some(&json!(false)));
    assert_eq!(
        play.get("stateHash"),
        None,
        "the hash only once the run has ended"
    );
    assert_eq!(play.get("debrief"), None);
    // At the start every goal is too early to call, whatever its metric reads.
    let goals = app.world().resource::<Session>().sim.level().goals.len();
    assert!(goals > 0, "brent has goals");
    assert_eq!(play.get("goals"), Some(&json!(vec!["too-early"; goals])));
    app.world_mut().resource_mut::<Session>().sim.run_to_end();
    app.update();
    app.update();
    assert_eq!(screen(&app), Screen::Debrief);
    let debrief = page(&app);
    let hash = app.world().resource::<Session>().sim.state_hash();
    assert_eq!(debrief.get("stateHash"), Some(&json!(hash)));
    assert_eq!(
        debrief.get("liveCharts"),
        None,
        "the play screen's part left with it"
    );
    // At the end each goal is met or missed, as the report's rule decides.
    let report = app.world().resource::<Session>().sim.report();
    let ended: Vec<_> = report
        .goals
        .iter()
        .map(|g| if g.met { "met" } else { "missed" })
        .collect();
    assert_eq!(debrief.get("goals"), Some(&json!(ended)));
    let part = debrief.get("debrief").expect("the debrief's part");
    assert_eq!(part["tab"], json!("Summary"));
    assert!(part["scrub"]["end"].as_f64().is_some());
}

/// The play keys are the shortcut table's: pressing the key a row names does what the row
/// says (the systems read their keys from `help::SHORTCUTS`, which the overlay shows).
#[test]
fn the_play_keys_are_the_ones_the_shortcut_table_names() {
    use flowkata::game::help::{KeyAction, codes};
    use flowkata::game::session::SPEEDS;
    use flowkata::game::ui::views::LiveCharts;
    let key = |a: KeyAction, n: usize| {
        let code = codes(a)[n];
        (code, Key::Character(format!("{code:?}").into()))
    };
    let mut app = app();
    start(&mut app, "brent", 1);
    let (code, logical) = key(KeyAction::Charts, 0);
    press(&mut app, code, logical);
    assert!(
        app.world().resource::<LiveCharts>().open,
        "the charts row's key opens them"
    );
    let (code, logical) = key(KeyAction::Protect, 0);
    press(&mut app, code, logical);
    assert!(
        app.world()
            .resource::<Session>()
            .sim
            .policy()
            .protect_constraint
    );
    let (code, logical) = key(KeyAction::Pause, 0);
    press(&mut app, code, logical);
    assert!(app.world().resource::<Session>().paused);
    for (n, speed) in SPEEDS.iter().enumerate().rev() {
        let (code, logical) = key(KeyAction::Speed, n);
        press(&mut app, code, logical);
        assert_eq!(
            app.world().resource::<Session>().speed,
            *speed,
            "key {code:?}"
        );
    }
}

/// A level started from the campaign (or a link, or "Next level") opens on its briefing:
/// the clock stands still, the page says so, and the run takes no command from it; Enter
/// starts the clock; B reopens the briefing during play and stops the clock again.
#[test]
fn the_briefing_holds_the_clock_until_the_player_starts() {
    use flowkata::game::help::{KeyAction, codes};
    use flowkata::game::page::PageState;
    use serde_json::json;
    let key = |a: KeyAction| {
        let code = codes(a)[0];
        (code, Key::Character(format!("{code:?}").into()))
    };
    let mut app = app();
    app.init_resource::<PageState>();
    app.world_mut().write_message(StartLevel {
        level: "first-day".into(),
        seed: Some(1),
        briefing: true,
        ..Default::default()
    });
    for _ in 0..30 {
        app.update();
    }
    assert_eq!(screen(&app), Screen::Play);
    let now = |app: &App| app.world().resource::<Session>().sim.now();
    assert_eq!(now(&app), 0.0, "no time passes while the briefing is open");
    let page = app.world().resource::<PageState>().clone();
    assert_eq!(page.get("briefing"), Some(&json!(true)));
    assert_eq!(page.get("simTime"), Some(&json!(0.0)));
    // Space (pause) does nothing to a clock the briefing holds.
    let (code, logical) = key(KeyAction::Pause);
    press(&mut app, code, logical);
    assert_eq!(now(&app), 0.0);
    // A decision taken while reading the briefing, at sim time 0, and the run saved then:
    // the run file verifies (play applies it after the start's events, as a replay does).
    app.world_mut()
        .write_message(PlayerCommand(Action::SetIntake {
            stream: "Favours for marketing".into(),
            accept: false,
        }));
    app.update();
    let session = app.world().resource::<Session>();
    assert_eq!((session.sim.now(), session.sim.commands().len()), (0.0, 1));
    session
        .run_file("T")
        .verify()
        .expect("a run saved during the briefing verifies");
    let (code, logical) = key(KeyAction::Start);
    press(&mut app, code, logical);
    for _ in 0..10 {
        app.update();
    }
    assert!(!app.world().resource::<Session>().briefing);
    assert!(now(&app) > 0.0, "Enter starts the clock");
    assert_eq!(
        app.world().resource::<Session>().sim.commands().len(),
        1,
        "opening and closing the briefing is no command"
    );
    let (code, logical) = key(KeyAction::Briefing);
    press(&mut app, code, logical);
    let held = now(&app);
    for _ in 0..10 {
        app.update();
    }
    assert!(app.world().resource::<Session>().briefing);
    assert_eq!(now(&app), held, "the reopened briefing stops the clock");
    // A drill never opens it: its plan screen carries the story and goals.
    app.world_mut().write_message(StartLevel {
        level: "first-day".into(),
        seed: Some(1),
        briefing: true,
        drill: Some(flowkata::sim::level::Drill {
            rounds: 2,
            round_days: 1.0,
        }),
        ..Default::default()
    });
    app.update();
    app.update();
    let s = app.world().resource::<Session>();
    assert!(s.sim.level().drill.is_some(), "the drill started");
    assert!(!s.briefing);
}
