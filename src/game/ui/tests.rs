//! The controls and the HUD driven as a player would, through egui_kittest: clicks, drags and
//! key presses on the real widgets, with no window or GPU. Each test asserts the commands
//! (or time controls) that would reach the core.

use bevy_egui::egui;
use bevy_egui::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT, Queryable};

use super::{controls, hud, title};
use crate::game::progress::SavedProgress;
use crate::game::session::StartLevel;
use crate::game::session::{Session, TimeControl};
use crate::game::state::Selection;
use crate::game::ui::title::TitleChoices;
use crate::sim::{Action, Assignee, Level, ReleaseRule, rules};

/// What a panel test holds: the session it shows and what the player's input produced.
struct Panel {
    session: Session,
    selected: Selection,
    out: Vec<Action>,
    time: Vec<TimeControl>,
    download: bool,
}

impl Panel {
    fn new(level: &str, seed: u64) -> Self {
        let level = Level::embedded(level).expect("embedded level");
        Panel {
            session: Session::new(level, seed),
            selected: Selection::default(),
            out: Vec::new(),
            time: Vec::new(),
            download: false,
        }
    }
}

/// The controls panel of `panel`, in a window tall enough to show every section.
fn controls_harness(panel: Panel) -> Harness<'static, Panel> {
    Harness::builder()
        .with_size(egui::vec2(320.0, 2400.0))
        .build_ui_state(
            |ui, p: &mut Panel| controls::show(ui, &p.session, &mut p.selected, &mut p.out),
            panel,
        )
}

/// The HUD of `panel`.
fn hud_harness(panel: Panel) -> Harness<'static, Panel> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 120.0))
        .build_ui_state(
            |ui, p: &mut Panel| {
                hud::show(
                    ui,
                    &p.session,
                    &mut p.time,
                    &mut p.download,
                    &mut false,
                    &mut false,
                )
            },
            panel,
        )
}

#[test]
fn protecting_the_constraint_sends_one_command() {
    let mut h = controls_harness(Panel::new("phoenix", 1));
    h.run();
    h.get_by_label("Protect Brent (P)").click();
    h.run();
    assert_eq!(h.state().out, vec![Action::ProtectConstraint { on: true }]);
}

#[test]
fn a_batch_size_key_step_sends_the_new_size() {
    let mut h = controls_harness(Panel::new("phoenix", 1));
    h.run();
    let before = h.state().session.sim.policy().batch_size;
    let slider = h.get_by_role_and_label(Role::Slider, "Deploy");
    slider.focus();
    h.run();
    h.key_press(egui::Key::ArrowRight);
    h.run();
    assert_eq!(
        h.state().out,
        vec![Action::SetBatchSize {
            size: before + 1,
            center: Some("deploy".into())
        }]
    );
}

/// Drags `node` to the right in `steps` frames of 10 points each, then releases it.
fn drag_right(h: &mut Harness<'static, Panel>, start: egui::Pos2, steps: usize) {
    h.hover_at(start);
    h.drag_at(start);
    h.step();
    for k in 1..=steps {
        h.hover_at(start + egui::vec2(10.0 * k as f32, 0.0));
        h.step();
        // While the drag goes on, nothing reaches the core.
        assert!(
            h.state().out.is_empty(),
            "a command during the drag, at step {k}"
        );
    }
    h.drop_at(start + egui::vec2(10.0 * steps as f32, 0.0));
    h.run();
}

#[test]
fn dragging_a_batch_size_sends_one_command_when_released() {
    let mut h = controls_harness(Panel::new("phoenix", 1));
    h.run();
    let start = h
        .get_by_role_and_label(Role::Slider, "Deploy")
        .rect()
        .left_center()
        + egui::vec2(4.0, 0.0);
    drag_right(&mut h, start, 8);
    let out = &h.state().out;
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(
        matches!(out[0], Action::SetBatchSize { size, .. } if size > 3),
        "{out:?}"
    );
}

#[test]
fn dragging_a_wip_limit_sends_one_command_when_released() {
    let mut panel = Panel::new("phoenix", 1);
    panel
        .session
        .sim
        .apply(Action::SetWipLimit {
            center: "dev".into(),
            limit: Some(4),
        })
        .expect("a valid limit");
    let mut h = controls_harness(panel);
    h.run();
    let start = h
        .get(By::new().role(Role::SpinButton).value("4"))
        .rect()
        .center();
    drag_right(&mut h, start, 6);
    let out = &h.state().out;
    assert_eq!(out.len(), 1, "one command for the whole drag: {out:?}");
    let Action::SetWipLimit { center, limit } = &out[0] else {
        panic!("{out:?}");
    };
    assert_eq!(center, "dev");
    assert!(limit.is_some_and(|l| l > 4), "{out:?}");
}

#[test]
fn triage_sends_the_outage_to_the_chosen_worker() {
    let mut panel = Panel::new("phoenix", 1);
    // Play until an outage is open and visible to the player.
    while panel.session.sim.open_outages().next().is_none() {
        let t = panel.session.sim.now() + 10.0;
        panel.session.sim.advance_to(t);
        assert!(
            !panel.session.sim.is_finished(),
            "no outage in the whole run"
        );
    }
    let id = panel.session.sim.open_outages().next().expect("open").id;
    let mut h = controls_harness(panel);
    h.run();
    h.get_by_label_contains(&format!("#{id} ")).click();
    h.run();
    assert_eq!(h.state().selected.outage, Some(id));
    h.get(By::new().role(Role::Button).label("Wes")).click();
    h.run();
    assert_eq!(
        h.state().out,
        vec![Action::Triage {
            outage: id,
            to: Assignee::Worker("Wes".into())
        }]
    );
}

/// The board's inspector: an item waiting in a queue may be expedited but not refused (the
/// button is greyed out), one in the backlog may be refused; the buttons send the commands.
/// Its waits name where it is now.
#[test]
fn the_item_inspector_expedites_and_refuses_where_the_core_allows() {
    // Held work waits in the backlog; released, it queues at the centers.
    let mut held = Panel::new("phoenix", 4);
    held.session
        .sim
        .apply(Action::HoldWork { hold: true })
        .unwrap();
    held.session.sim.advance_to(400.0);
    let waiting = held.session.sim.backlog_views()[0].id;
    let mut flowing = Panel::new("phoenix", 4);
    flowing.session.sim.advance_to(400.0);
    let queued = flowing
        .session
        .sim
        .center_views()
        .iter()
        .flat_map(|c| c.queue.clone())
        .find(|i| !i.expedited)
        .expect("an item queued")
        .id;
    for (panel, id, refusable) in [(flowing, queued, false), (held, waiting, true)] {
        let mut h = Harness::builder()
            .with_size(egui::vec2(420.0, 300.0))
            .build_ui_state(
                move |ui, p: &mut Panel| {
                    super::board_overlay::inspector(ui, &p.session.sim, id, &mut p.out)
                },
                panel,
            );
        h.run();
        // Where its time went: a row for the backlog, and the center it waits at now
        // bracketed, as in the route.
        let here = match h.state().session.sim.item_detail(id).unwrap().visits.last() {
            Some(v) => format!("[{}]", h.state().session.sim.level().centers[v.center].name),
            None => "[Backlog]".to_string(),
        };
        h.get_by_label(&here);
        assert_eq!(refusable, here == "[Backlog]", "#{id}");
        let refuse = h.get(By::new().role(Role::Button).label_contains("Refuse"));
        assert_eq!(refuse.accesskit_node().is_disabled(), !refusable, "#{id}");
        if refusable {
            refuse.click();
            h.run();
            assert_eq!(h.state().out, vec![Action::Refuse { item: id }]);
        } else {
            h.get(By::new().role(Role::Button).label_contains("Expedite"))
                .click();
            h.run();
            assert_eq!(h.state().out, vec![Action::Expedite { item: id }]);
        }
    }
}

/// Every control is reachable from the keyboard: Tab moves egui's focus through the
/// decisions panel, and Space presses the focused control.
#[test]
fn tab_reaches_a_control_and_space_presses_it() {
    let mut h = controls_harness(Panel::new("phoenix", 1));
    h.run();
    let mut reached = false;
    for _ in 0..80 {
        h.key_press(egui::Key::Tab);
        h.run();
        if h.get_by_label_contains("Protect Brent").is_focused() {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab reaches the checkbox");
    h.key_press(egui::Key::Space);
    h.run();
    assert_eq!(h.state().out, vec![Action::ProtectConstraint { on: true }]);
}

#[test]
fn the_speed_buttons_and_pause_send_time_controls() {
    let mut h = hud_harness(Panel::new("phoenix", 1));
    h.run();
    h.get_by_label("4×").click();
    h.run();
    h.get_by_label("⏸ Pause").click();
    h.run();
    assert_eq!(
        h.state().time,
        vec![TimeControl::Speed(4), TimeControl::TogglePause]
    );
}

#[test]
fn the_first_level_offers_only_its_decision() {
    let mut h = controls_harness(Panel::new("first-day", 1));
    h.run();
    assert!(
        h.query_by_label("WIP limits").is_none(),
        "not offered in level 1"
    );
    assert!(h.query_by_label_contains("Protect").is_none());
    h.get_by_label("Favours for marketing").click();
    h.run();
    assert_eq!(
        h.state().out,
        vec![Action::SetIntake {
            stream: "Favours for marketing".into(),
            accept: false
        }]
    );
}

#[test]
fn a_staffing_toggle_assigns_the_worker_to_that_post_alone() {
    let mut h = controls_harness(Panel::new("staffing", 1));
    h.run();
    // Ana is the first worker with two skills: her "Development" toggle comes first.
    h.get_all_by_label("Development")
        .next()
        .expect("Ana's development post")
        .click();
    h.run();
    assert_eq!(
        h.state().out,
        vec![Action::SetStaffing {
            worker: "Ana".into(),
            posts: Some(vec!["dev".into()])
        }]
    );
}

#[test]
fn choosing_a_route_sends_it_for_the_stream() {
    let mut h = controls_harness(Panel::new("swat-team", 1));
    h.run();
    h.get(By::new().role(Role::RadioButton).label("SWAT team"))
        .click();
    h.run();
    assert_eq!(
        h.state().out,
        vec![Action::ChooseRoute {
            stream: "Phoenix features".into(),
            route: "SWAT team".into()
        }]
    );
}

/// The campaign screen's state in a test: its choices, the progress, and what it started.
struct Campaign {
    choices: TitleChoices,
    saved: SavedProgress,
    started: Option<StartLevel>,
}

fn campaign_harness(saved: SavedProgress) -> Harness<'static, Campaign> {
    Harness::builder()
        .with_size(egui::vec2(1200.0, 6000.0))
        .build_ui_state(
            |ui, c: &mut Campaign| {
                if let Some(s) = title::show(ui, &mut c.choices, None, &mut c.saved, &mut |_, _| {})
                {
                    c.started = Some(s);
                }
            },
            Campaign {
                choices: TitleChoices::default(),
                saved,
                started: None,
            },
        )
}

#[test]
fn a_locked_level_cannot_start_and_a_star_opens_it() {
    let mut h = campaign_harness(SavedProgress::in_memory());
    h.run();
    h.get_all_by_label("▶ Play")
        .nth(1)
        .expect("level 2")
        .click();
    h.run();
    assert!(h.state().started.is_none(), "level 2 is locked");
    h.get_all_by_label("▶ Play")
        .next()
        .expect("level 1")
        .click();
    h.run();
    assert_eq!(
        h.state().started.as_ref().map(|s| s.level.as_str()),
        Some("first-day")
    );
    let mut saved = SavedProgress::in_memory();
    saved.progress.record("first-day", 1.0, 1);
    let mut h = campaign_harness(saved);
    h.run();
    h.get_all_by_label("▶ Play")
        .nth(1)
        .expect("level 2")
        .click();
    h.run();
    assert_eq!(
        h.state().started.as_ref().map(|s| s.level.as_str()),
        Some("wip-limits")
    );
}

#[test]
fn clearing_progress_asks_first() {
    let mut saved = SavedProgress::in_memory();
    saved.progress.record("first-day", 1.0, 3);
    let mut h = campaign_harness(saved);
    h.run();
    h.get_by_label("Clear for the next group").click();
    h.run();
    assert_eq!(h.state().saved.progress.stars("first-day"), 3, "not yet");
    h.get_by_label("Yes, clear").click();
    h.run();
    assert_eq!(h.state().saved.progress.stars("first-day"), 0);
}

#[test]
fn the_hud_shows_each_goal_with_its_value_and_the_dora_keys() {
    // At the start nothing has been measured: every goal is too early to call.
    let mut h = hud_harness(Panel::new("ten-deploys", 1));
    h.run();
    assert_eq!(h.query_all_by_label("too early").count(), 2);
    assert_eq!(h.query_all_by_label("on track").count(), 0);
    let mut panel = Panel::new("ten-deploys", 1);
    panel.session.sim.advance_to(960.0);
    let mut h = hud_harness(panel);
    h.run();
    h.get_by_label("deploys per day ≥ 10.0");
    h.get_by_label("change failure rate ≤ 15%");
    // Twenty-change batches: far from ten deploys a day after two days.
    assert!(h.query_all_by_label("off track").count() >= 1);
    h.get_by_label("DORA");
    h.get_by_label("recovery");
}

#[test]
fn the_hud_download_button_asks_for_the_run_file() {
    let mut h = hud_harness(Panel::new("brent", 1));
    h.run();
    h.get_by_label("⬇ Download run").click();
    h.run();
    assert!(h.state().download);
    assert!(h.state().time.is_empty());
}

/// The debrief of a finished phoenix run with its views.
struct Debrief {
    session: Session,
    views: crate::game::ui::debrief_views::DebriefViews,
}

fn debrief_harness(luck_seeds: u32) -> Harness<'static, Debrief> {
    let mut session = Session::new(Level::embedded("phoenix").unwrap(), 3);
    session.sim.advance_to(500.0);
    session
        .sim
        .apply(Action::ProtectConstraint { on: true })
        .unwrap();
    session.sim.run_to_end();
    let views = crate::game::ui::debrief_views::DebriefViews::of(&session.sim, luck_seeds);
    debrief_of(session, views)
}

/// The debrief of `session` with its `views`.
fn debrief_of(
    session: Session,
    views: crate::game::ui::debrief_views::DebriefViews,
) -> Harness<'static, Debrief> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 1000.0))
        .build_ui_state(
            |ui, d: &mut Debrief| {
                super::debrief::show(ui, &d.session, &mut d.views, None, None, None);
            },
            Debrief { session, views },
        )
}

/// Clicking a tab shows its view; the scrub's ⏭ moves to the next event of the timeline and
/// the Replay tab draws the board there; the Luck tab shows the band's two sentences once
/// its seeds have run.
#[test]
fn the_debrief_tabs_scrub_and_luck_band_answer_clicks() {
    use crate::game::ui::debrief_views::Tab;
    let mut h = debrief_harness(5);
    h.run();
    h.get_by_label("2 Cumulative flow").click();
    h.run();
    assert_eq!(h.state().views.tab, Tab::Flow);
    h.get_by_label("8 Replay").click();
    h.run();
    assert_eq!(h.state().views.tab, Tab::Replay);
    // At the end there is no next event: ⏮ goes back to the last one.
    h.get_by_label("⏮").click();
    h.run();
    let last = h.state().views.scrub.as_ref().unwrap().t;
    let end = h.state().session.sim.now();
    assert!(last < end);
    let events = &h.state().views.events;
    assert_eq!(
        last,
        events.iter().rev().map(|e| e.t).find(|&t| t < end).unwrap()
    );
    assert_eq!(
        h.state()
            .views
            .scrub
            .as_ref()
            .unwrap()
            .scrubber
            .view()
            .now(),
        last
    );
    assert!(h.query_by_label_contains("The board at").is_some());
    // The luck band: progress until its seeds have run, then its sentences.
    h.get_by_label("7 Luck vs skill").click();
    h.run();
    while !h.state().views.luck.as_ref().unwrap().job.is_done() {
        let l = h.state_mut().views.luck.as_mut().unwrap();
        l.job.step(1);
        if l.job.is_done() {
            l.report = l.job.report();
        }
    }
    h.run();
    assert!(
        h.query_by_label_contains("Your decisions beat doing nothing on")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("percentile of what your decisions earn")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Its one decision was replayed on every seed")
            .is_some()
    );
}

/// Every view of the debrief draws for every shipped level (a level without deploys, a
/// constraint or a change board included): each tab is drawn once with a finished run and
/// a finished luck band, and the views have what each level has.
#[test]
fn every_debrief_view_draws_for_every_level() {
    use crate::game::ui::debrief_views::{DebriefViews, Tab};
    for level in Level::all_embedded() {
        let mut session = Session::new(level.clone(), level.seed);
        session.sim.run_to_end();
        let mut views = DebriefViews::of(&session.sim, 2);
        let l = views.luck.as_mut().expect("a finished run has a luck band");
        l.job.step(usize::MAX);
        l.report = l.job.report();
        assert_eq!(
            views.cfd.bands.len(),
            level.centers.len() + 2,
            "{}",
            level.id
        );
        assert_eq!(views.curves.len(), level.centers.len(), "{}", level.id);
        assert_eq!(views.workers.len(), level.workers.len(), "{}", level.id);
        assert!(
            views.scrub.is_some(),
            "{}: {:?}",
            level.id,
            views.scrub_problem
        );
        let mut h = Harness::builder()
            .with_size(egui::vec2(1280.0, 720.0))
            .build_ui_state(
                |ui, d: &mut Debrief| {
                    super::debrief::show(ui, &d.session, &mut d.views, None, None, None);
                },
                Debrief { session, views },
            );
        // What each tab shows that no other tab does: its own explanation (the summary, its
        // stars' thresholds; the luck band, its skill sentence for this run).
        let s = level.scoring.stars;
        let score = format!(
            "Stars at {}, {} and {}",
            crate::game::theme::money(s[0]),
            crate::game::theme::money(s[1]),
            crate::game::theme::money(s[2])
        );
        let skill = h
            .state()
            .views
            .luck
            .as_ref()
            .and_then(|l| l.report.as_ref())
            .map(|r| r.skill_sentence())
            .expect("the luck band has run");
        let shows = |tab: Tab| -> String {
            match tab {
                Tab::Summary => score.clone(),
                Tab::Flow => "Cumulative flow: the items in each stage".into(),
                Tab::LeadTime => "Lead time of each completed planned item".into(),
                Tab::Wait => "Wait time = % busy / % idle".into(),
                Tab::TimeUse => "Where each person's time went".into(),
                Tab::Dora => "The DORA four keys, each over the trailing week".into(),
                Tab::Luck => skill.clone(),
                Tab::Replay => "The board at".into(),
            }
        };
        for tab in Tab::ALL {
            h.state_mut().views.tab = tab;
            h.run();
            for other in Tab::ALL {
                let found = h.query_by_label_contains(&shows(other)).is_some();
                assert_eq!(
                    found,
                    other == tab,
                    "{}: on the {tab:?} tab, {other:?}'s {:?} is {}",
                    level.id,
                    shows(other),
                    if found { "shown" } else { "missing" }
                );
            }
        }
    }
}

/// The help overlay lists every shortcut, and its + and − buttons step the text size within
/// its bounds.
#[test]
fn the_help_overlay_lists_every_shortcut_and_steps_the_text_size() {
    use crate::game::help::{SHORTCUTS, UI_SCALE, UiScale};
    let mut h = Harness::builder()
        .with_size(egui::vec2(900.0, 600.0))
        .build_ui_state(
            |ui, s: &mut UiScale| crate::game::help::show(ui, s),
            UiScale::default(),
        );
    h.run();
    for s in SHORTCUTS {
        assert!(h.query_all_by_label(s.keys).next().is_some(), "{}", s.keys);
        assert!(h.query_all_by_label(s.what).next().is_some(), "{}", s.what);
    }
    h.get_by_label("+").click();
    h.run();
    assert!((h.state().factor - (1.0 + UI_SCALE.2)).abs() < 1e-6);
    for _ in 0..40 {
        h.get_by_label("−").click();
        h.run();
    }
    assert!(
        (h.state().factor - UI_SCALE.0).abs() < 1e-6,
        "{}",
        h.state().factor
    );
    h.get_by_label("100%").click();
    h.run();
    assert_eq!(h.state().factor, 1.0);
}

/// The point the page state publishes for the named widget `name` (CSS pixels; the harness
/// has no zoom, so points), if it is published.
fn published_at(ctx: &egui::Context, name: &str) -> Option<egui::Pos2> {
    let widgets = crate::game::ui::take_named_widgets(ctx);
    let w = widgets.get(name)?;
    Some(egui::pos2(w["x"].as_f64()? as f32, w["y"].as_f64()? as f32))
}

#[test]
fn the_page_names_the_hud_widgets_where_they_are_and_a_click_there_presses_them() {
    let mut h = hud_harness(Panel::new("phoenix", 1));
    h.run();
    let download = h.get_by_label("⬇ Download run").rect().center();
    let at = published_at(&h.ctx, "hud.download").expect("hud.download is published");
    assert!(
        (at - download).length() < 0.01,
        "published {at:?}, drawn at {download:?}"
    );
    // Each speed's published point is its button: a press and release there sends it.
    for s in crate::game::session::SPEEDS {
        h.run();
        let at = published_at(&h.ctx, &format!("hud.speed.{s}"))
            .unwrap_or_else(|| panic!("hud.speed.{s} is not published"));
        h.hover_at(at);
        h.step();
        h.drag_at(at);
        h.step();
        h.drop_at(at);
        h.run();
        assert_eq!(h.state_mut().time.pop(), Some(TimeControl::Speed(s)));
    }
}

#[test]
fn a_named_widget_under_a_window_is_not_published() {
    let mut h = Harness::builder()
        .with_size(egui::vec2(400.0, 300.0))
        .build_ui(|ui| {
            use crate::game::ui::Named;
            ui.button("covered").named("covered");
            ui.add_space(200.0);
            ui.button("open").named("open");
            egui::Window::new("over")
                .fixed_pos(egui::pos2(0.0, 0.0))
                .fixed_size(egui::vec2(200.0, 60.0))
                .show(ui.ctx(), |ui| ui.label("a window over the first button"));
        });
    h.run();
    let widgets = crate::game::ui::take_named_widgets(&h.ctx);
    assert!(widgets.contains_key("open"), "{widgets:?}");
    assert!(!widgets.contains_key("covered"), "{widgets:?}");
    // Taken: the next call has only what was named since.
    assert!(crate::game::ui::take_named_widgets(&h.ctx).is_empty());
}

#[test]
fn the_dials_switch_on_at_their_default_and_show_what_they_measure() {
    let mut h = controls_harness(Panel::new("phoenix", 1));
    h.run();
    h.get_by_label("Drum-buffer-rope, drum: IT Operations")
        .click();
    h.run();
    // The WIP-limit dial's switch of Development (staffing names the center too).
    let wip_dial = By::new().role(Role::CheckBox).label("Development");
    h.get(wip_dial).click();
    h.run();
    assert_eq!(
        h.state().out,
        vec![
            Action::SetRelease {
                rule: ReleaseRule::DrumBufferRope {
                    buffer: rules::DEFAULT_DBR_BUFFER
                }
            },
            Action::SetWipLimit {
                center: "dev".into(),
                limit: Some(rules::DEFAULT_WIP_LIMIT)
            },
        ]
    );
    // Once drum-buffer-rope is on, the dial shows the rope's length beside its buffer.
    let mut panel = Panel::new("phoenix", 1);
    let rule = ReleaseRule::DrumBufferRope { buffer: 5 };
    panel
        .session
        .sim
        .apply(Action::SetRelease { rule })
        .expect("valid");
    let mut h = controls_harness(panel);
    h.run();
    assert!(h.query_by_label_contains("ahead now").is_some());
    assert!(
        h.query(By::new().role(Role::SpinButton).value("5"))
            .is_some()
    );
}

/// Every level's briefing names the level, lists each of its goals and each decision it
/// offers with what the decision does, and ▶ Start reports the player's start.
#[test]
fn every_level_briefing_lists_its_goals_and_decisions_and_starts() {
    use crate::sim::level::Decision;
    for level in Level::all_embedded() {
        let sim = crate::sim::Simulation::new(level.clone(), 1);
        let offered: Vec<Decision> = Decision::ALL
            .into_iter()
            .filter(|&d| sim.available(d))
            .collect();
        let mut h = Harness::builder()
            .with_size(egui::vec2(1024.0, 640.0))
            .build_ui_state(
                |ui, (sim, started): &mut (crate::sim::Simulation, bool)| {
                    *started |= super::briefing::show(ui.ctx(), sim, false);
                },
                (sim, false),
            );
        h.run();
        h.get_by_label(&format!("Briefing: {}", level.title));
        h.get_by_label(&level.briefing);
        for g in &level.goals {
            h.get_by_label(&format!("• {}", g.label()));
        }
        for d in &offered {
            h.get_by_label(d.explain());
        }
        if offered.is_empty() {
            h.get_by_label_contains("None in this level");
        }
        assert!(!h.state().1, "{}: not started before the click", level.id);
        let mut seen = vec![h.get_by_label("▶ Start").rect()];
        for _ in 0..4 {
            h.run();
            seen.push(h.get_by_label("▶ Start").rect());
        }
        let at = seen[0];
        assert!(
            seen.windows(2).all(|w| w[0] == w[1]),
            "{}: {seen:?}",
            level.id
        );
        let start = h.get_by_label("▶ Start");
        start.click();
        h.run();
        assert!(h.state().1, "{}: ▶ Start at {at:?} starts it", level.id);
    }
}

/// The debrief opens on its verdict: passed or not, each goal missed by name with its
/// figure, and what the next star needs; checked on a run that misses a goal and on one
/// that passes.
#[test]
fn the_debrief_verdict_names_every_reason_and_the_next_star() {
    use crate::sim::challenge::Verdict;
    let mut seen_missed = false;
    let mut seen_passed = false;
    for (level, seed) in [
        ("first-day", 1),
        ("wip-limits", 1),
        ("brent", 1),
        ("phoenix", 3),
    ] {
        let mut session = Session::new(Level::embedded(level).unwrap(), seed);
        session.sim.run_to_end();
        let report = session.sim.report();
        let v = Verdict::of(session.sim.level(), &report);
        let views = crate::game::ui::debrief_views::DebriefViews::of(&session.sim, 0);
        let mut h = debrief_of(session, views);
        h.run();
        if v.passed() {
            seen_passed = true;
            h.get_by_label_contains("Passed with");
        } else {
            h.get_by_label("Not passed");
        }
        for &i in &v.missed {
            seen_missed = true;
            let g = &report.goals[i];
            h.get_by_label(&format!(
                "Goal missed: {} (this run: {}).",
                g.label, g.shown
            ));
        }
        if v.missed.is_empty()
            && let Some(t) = v.next_threshold
        {
            let needs = format!(
                "The next star needs a score of {}",
                crate::game::theme::money(t)
            );
            h.get_by_label_contains(&needs);
        }
    }
    assert!(
        seen_missed && seen_passed,
        "both kinds of verdict were checked"
    );
}

/// A debrief tab that does not apply says why: DORA's tab on a level without deploys says
/// there is nothing to measure, and on a level that deploys it does not.
#[test]
fn the_dora_tab_says_why_where_a_level_has_no_deploys() {
    use crate::game::ui::debrief_views::{DebriefViews, Tab};
    for (level, deploys) in [("first-day", false), ("ten-deploys", true)] {
        let mut session = Session::new(Level::embedded(level).unwrap(), 1);
        session.sim.run_to_end();
        let mut views = DebriefViews::of(&session.sim, 0);
        views.tab = Tab::Dora;
        let mut h = debrief_of(session, views);
        h.run();
        let why = h.query_by_label_contains("has no deploy step").is_some();
        assert_eq!(why, !deploys, "{level}");
    }
}
