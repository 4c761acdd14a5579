//! The facilitator's Compare screen: runs brought in (picked, dropped or pasted) are
//! verified and ranked; the table exports as CSV and the debrief pack as Markdown. The
//! runs stay while the app runs, so the facilitator can go back to the title and return.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::Screen;
use crate::game::files::{self, Inbox, Purpose};
use crate::game::progress::SavedProgress;
use crate::game::ui::compare::{self, CompareChoice};
use crate::game::ui::root_ui;
use crate::sim::compare::{Comparison, compare as compare_runs};

/// The runs being compared: their sources and texts, and the comparison of them.
#[derive(Resource, Default)]
pub struct CompareRuns {
    /// (source name, run file text or run link), in the order they came.
    pub inputs: Vec<(String, String)>,
    /// The comparison of `inputs`.
    pub comparison: Comparison,
    /// The paste field.
    pub typed: String,
    /// What the last action did (an export, an unreadable file).
    pub notice: Option<String>,
}

impl CompareRuns {
    /// Adds runs and compares again. A file that could not be read becomes an entry that
    /// says so.
    pub fn add(&mut self, files: impl IntoIterator<Item = (String, Result<String, String>)>) {
        for (name, text) in files {
            match text {
                Ok(t) => self.inputs.push((name, t)),
                Err(e) => self.notice = Some(format!("{name} was not added: {e}")),
            }
        }
        self.comparison = compare_runs(&self.inputs);
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<CompareRuns>()
        .add_systems(Update, receive_runs.run_if(in_state(Screen::Compare)))
        .add_systems(
            Last,
            publish_page
                .run_if(in_state(Screen::Compare))
                .in_set(crate::game::page::PublishPage),
        );
}

/// The page state's `compare`: the rows in order, each `{ team, status, score }` (score
/// `null` for a run that did not verify).
fn publish_page(runs: Res<CompareRuns>, mut page: ResMut<crate::game::page::PageState>) {
    let rows: Vec<serde_json::Value> = runs
        .comparison
        .rows()
        .iter()
        .zip(&runs.comparison.entries)
        .map(|(row, e)| {
            serde_json::json!({
                "team": e.team(),
                "status": row[2],
                "score": e.score().map_or(serde_json::Value::Null, crate::game::page::number),
            })
        })
        .collect();
    page.set("compare", rows);
}

pub(super) fn ui_plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        compare_screen.run_if(in_state(Screen::Compare)),
    );
}

fn receive_runs(mut inbox: ResMut<Inbox>, mut runs: ResMut<CompareRuns>) {
    let files = inbox.take(&[Purpose::Compare, Purpose::Run]);
    if !files.is_empty() {
        runs.add(files.into_iter().map(|f| (f.name, f.text)));
    }
}

fn compare_screen(
    mut contexts: EguiContexts,
    mut runs: ResMut<CompareRuns>,
    saved: Res<SavedProgress>,
    mut inbox: ResMut<Inbox>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx);
    let web = cfg!(target_arch = "wasm32");
    let mut choice = None;
    egui::CentralPanel::default().show(&mut root, |ui| {
        let CompareRuns {
            comparison,
            typed,
            notice,
            ..
        } = &mut *runs;
        choice = compare::show(ui, comparison, typed, notice.as_deref(), web);
    });
    match choice {
        Some(CompareChoice::AddFiles) => files::pick(Purpose::Compare),
        Some(CompareChoice::AddTyped(text)) => {
            for line in text.lines() {
                inbox.push_typed(line, Purpose::Compare);
            }
        }
        Some(CompareChoice::Clear) => *runs = CompareRuns::default(),
        Some(CompareChoice::Csv) => {
            let text = runs.comparison.to_csv();
            runs.notice = Some(export(&saved, "flowkata-comparison.csv", &text));
        }
        Some(CompareChoice::Markdown) => {
            let text = runs.comparison.to_markdown();
            runs.notice = Some(export(&saved, "flowkata-debrief-pack.md", &text));
        }
        Some(CompareChoice::Back) => next.set(Screen::Title),
        None => {}
    }
    Ok(())
}

fn export(saved: &SavedProgress, name: &str, text: &str) -> String {
    match saved.store.save_file(name, text) {
        Ok(place) => format!("Saved: {place}"),
        Err(e) => format!("Not saved: {e}"),
    }
}
