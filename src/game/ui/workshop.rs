//! The workshop controls of the title screen: open a run, open a level, compare runs,
//! resume a saved run, the facilitator's drill link with its QR code, and the team-name
//! prompt of a drill link with `team=ask`.

use bevy_egui::egui;

use crate::game::runs::Resumable;
use crate::game::theme;
use crate::sim::Level;
use crate::sim::kata::Drill;
use crate::sim::rules;

/// What the player asked for in the workshop row.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum WorkshopChoice {
    /// Choose a run file to open (web: the picker).
    OpenRun,
    /// Choose a level file to play.
    OpenLevel,
    /// Open what was typed or pasted (a run link, or natively a path) as a run.
    OpenTyped(String),
    /// Open what was typed as a level file path.
    OpenTypedLevel(String),
    /// Go to the comparison.
    Compare,
    /// Resume a saved run (its slot).
    Resume(String),
    /// Forget a saved run (its slot).
    Discard(String),
}

/// The facilitator's drill being set up.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DrillForm {
    /// Whether the window is open.
    pub open: bool,
    /// Level id.
    pub level: String,
    /// Seed.
    pub seed: u64,
    /// The drill.
    pub drill: Drill,
    /// Wall-clock minutes per round; 0 for no timer.
    pub minutes: f64,
    /// Ask each team for its name.
    pub ask_team: bool,
}

impl Default for DrillForm {
    fn default() -> Self {
        Self {
            open: false,
            level: "phoenix".into(),
            seed: 42,
            drill: Drill {
                rounds: 3,
                round_days: 5.0,
            },
            minutes: 12.0,
            ask_team: true,
        }
    }
}

impl DrillForm {
    /// The drill link for `base` (the game's address): level, seed, rounds, round days,
    /// timer and team prompt in the query.
    pub fn link(&self, base: &str) -> String {
        let mut link = format!(
            "{base}?level={}&seed={}&rounds={}&round_days={}",
            self.level, self.seed, self.drill.rounds, self.drill.round_days
        );
        if let Some(minutes) = rules::round_timer(self.minutes) {
            link += &format!("&minutes={minutes}");
        }
        if self.ask_team {
            link += "&team=ask";
        }
        link
    }
}

/// The workshop row: open a run or a level, compare, the facilitator's drill, resume.
pub(crate) fn row(
    ui: &mut egui::Ui,
    typed: &mut String,
    form: &mut DrillForm,
    resumable: &[Resumable],
    web: bool,
) -> Option<WorkshopChoice> {
    let mut choice = None;
    ui.label(egui::RichText::new("Workshop").strong());
    ui.horizontal_wrapped(|ui| {
        if web {
            if ui
                .button("📂 Open run…")
                .on_hover_text("A run file a team handed in: replayed, verified, debriefed. You can also drop it on the page.")
                .clicked()
            {
                choice = Some(WorkshopChoice::OpenRun);
            }
            if ui
                .button("📂 Open level…")
                .on_hover_text("A level file (.ron) of your own, checked as flowkata-cli validate checks it.")
                .clicked()
            {
                choice = Some(WorkshopChoice::OpenLevel);
            }
        }
        ui.add(
            egui::TextEdit::singleline(typed)
                .desired_width(260.0)
                .hint_text(if web {
                    "paste a run link"
                } else {
                    "a run file's path, a level's path, or a run link"
                }),
        );
        if ui.button("Open run").clicked() {
            choice = Some(WorkshopChoice::OpenTyped(std::mem::take(typed)));
        }
        if !web && ui.button("Play level file").clicked() {
            choice = Some(WorkshopChoice::OpenTypedLevel(std::mem::take(typed)));
        }
        if ui
            .button("⚖ Compare runs")
            .on_hover_text("Every team's run side by side: verified, ranked, charted; CSV and a Markdown debrief pack.")
            .clicked()
        {
            choice = Some(WorkshopChoice::Compare);
        }
        if ui
            .button("🎯 Set up a drill…")
            .on_hover_text("An improvement-kata drill in rounds: a link and a QR code for the teams.")
            .clicked()
        {
            form.open = true;
        }
    });
    if !resumable.is_empty() {
        ui.label(egui::RichText::new("Saved runs you can resume").strong());
        for r in resumable {
            ui.horizontal(|ui| {
                if ui.button("▶ Resume").clicked() {
                    choice = Some(WorkshopChoice::Resume(r.slot.clone()));
                }
                ui.label(&r.label);
                if ui
                    .small_button("✖")
                    .on_hover_text("Forget this saved run")
                    .clicked()
                {
                    choice = Some(WorkshopChoice::Discard(r.slot.clone()));
                }
            });
        }
    }
    choice
}

/// The facilitator's window: the drill's settings, its link as text and as a QR code.
/// `qr` draws the code of a link (cached by the caller).
pub(crate) fn facilitator(
    ctx: &egui::Context,
    form: &mut DrillForm,
    base: &str,
    copy: &mut Option<String>,
    qr: &mut dyn FnMut(&mut egui::Ui, &str),
) {
    let mut open = form.open;
    egui::Window::new("Set up a drill")
        .open(&mut open)
        .default_width(520.0)
        .show(ctx, |ui| {
            ui.label("Every team opens the same link: the same level and seed (locked), played in rounds. Before each round a team writes its storyboard (target condition, obstacle, experiment, prediction); standing decisions change only between rounds.");
            egui::Grid::new("drill-form").num_columns(2).show(ui, |ui| {
                ui.label("Level");
                egui::ComboBox::from_id_salt("drill-level")
                    .selected_text(&form.level)
                    .show_ui(ui, |ui| {
                        for l in Level::all_embedded() {
                            ui.selectable_value(&mut form.level, l.id.clone(), &l.title);
                        }
                    });
                ui.end_row();
                ui.label("Seed");
                ui.add(egui::DragValue::new(&mut form.seed).range(0..=u32::MAX as u64));
                ui.end_row();
                ui.label("Rounds");
                ui.add(egui::DragValue::new(&mut form.drill.rounds).range(rules::DRILL_ROUNDS.range()));
                ui.end_row();
                ui.label("Workdays per round");
                ui.add(
                    egui::DragValue::new(&mut form.drill.round_days)
                        .range(rules::DRILL_ROUND_DAYS.range())
                        .speed(0.25),
                );
                ui.end_row();
                ui.label("Minutes per round (0: no timer)");
                ui.add(
                    egui::DragValue::new(&mut form.minutes)
                        .range(0.0..=rules::DRILL_ROUND_MINUTES.max)
                        .speed(1.0),
                );
                ui.end_row();
                ui.label("Ask each team's name");
                ui.checkbox(&mut form.ask_team, "");
                ui.end_row();
            });
            form.minutes = rules::round_timer(form.minutes).unwrap_or(0.0);
            let link = form.link(base);
            ui.separator();
            ui.add(egui::TextEdit::multiline(&mut link.as_str()).desired_rows(2).desired_width(f32::INFINITY));
            if ui.button("📋 Copy link").clicked() {
                *copy = Some(link.clone());
            }
            ui.vertical_centered(|ui| qr(ui, &link));
            ui.colored_label(
                theme::MUTED,
                format!(
                    "The drill lasts {} workdays. Teams hand in their runs (⬇ Download run or 🔗 Run link); open them with ⚖ Compare runs.",
                    form.drill.days()
                ),
            );
        });
    form.open = open;
}

/// The team-name prompt of a drill link with `team=ask`; returns true when the team is
/// ready to start.
pub(crate) fn team_prompt(ctx: &egui::Context, team: &mut String) -> bool {
    let mut go = false;
    egui::Window::new("Your team")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.label("Your facilitator set up a drill. What is your team called? It goes into the run you hand in.");
            let edit = ui.add(egui::TextEdit::singleline(team).hint_text("team name"));
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            go = ui
                .add_enabled(!team.trim().is_empty(), egui::Button::new("Start the drill"))
                .clicked()
                || (enter && !team.trim().is_empty());
        });
    go
}

/// Draws a QR code of `text` (ISO/IEC 18004, by the `qrcode` crate) as a texture.
pub(crate) fn qr_texture(ctx: &egui::Context, text: &str) -> Option<egui::TextureHandle> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let quiet = 4;
    let scale = 4;
    let side = (width + 2 * quiet) * scale;
    let colors = code.to_colors();
    let mut pixels = vec![theme::QR_LIGHT; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (x, y) = (i % width + quiet, i / width + quiet);
            for dy in 0..scale {
                for dx in 0..scale {
                    pixels[(y * scale + dy) * side + x * scale + dx] = theme::QR_DARK;
                }
            }
        }
    }
    let image = egui::ColorImage::new([side, side], pixels);
    Some(ctx.load_texture("drill-qr", image, egui::TextureOptions::NEAREST))
}
