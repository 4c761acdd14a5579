//! The player's campaign progress, kept between sessions: in the browser's local storage on
//! the web, in `progress.json` in the user's data directory natively (`FLOWKATA_DATA_DIR`
//! overrides the directory). The rules (what unlocks what, what a valid document is) live in
//! [`crate::sim::campaign`]; this module only stores, records and moves the document.
//!
//! Nothing here panics: a corrupt or foreign saved value starts afresh with a notice, and a
//! storage that refuses to save (a full quota, a read-only disk) is a notice too; the game
//! goes on with the progress in memory.

use std::path::PathBuf;

use bevy::prelude::*;

use super::files::{self, Inbox, Purpose};
use super::screens::Screen;
use super::session::Session;
use crate::sim::campaign::{self, Progress};

/// The slot of the progress document in the [`Store`]: the local-storage key
/// `flowkata.progress` on the web, the file `progress.json` in the data directory natively.
pub const SLOT: &str = "progress";

/// The file name an export is written as (a download on the web, a file next to the
/// progress natively).
pub const EXPORT_NAME: &str = "flowkata-progress.json";

/// Where progress is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Store {
    /// The browser's local storage.
    Browser,
    /// A directory on disk (native).
    Dir(PathBuf),
    /// Nowhere: progress lasts as long as the app (tests, or no data directory).
    Memory,
}

impl Store {
    /// The platform's store: local storage on the web; natively `FLOWKATA_DATA_DIR`, else
    /// `flowkata` in the user's data directory, else memory.
    pub fn for_platform() -> Store {
        if cfg!(target_arch = "wasm32") {
            return Store::Browser;
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            if let Some(dir) = std::env::var_os("FLOWKATA_DATA_DIR") {
                return Store::Dir(PathBuf::from(dir));
            }
            if let Some(dir) = dirs::data_dir() {
                return Store::Dir(dir.join("flowkata"));
            }
        }
        Store::Memory
    }

    /// Saves `text` as a file named `name`: a download on the web, a file in the store's
    /// directory natively. Returns where it went, for the player to read.
    ///
    /// # Errors
    /// Why it could not be saved (no store in this session, a disk or browser refusal).
    pub fn save_file(&self, name: &str, text: &str) -> Result<String, String> {
        match self {
            Store::Memory => Err("files are not saved in this session".into()),
            Store::Dir(d) => {
                std::fs::create_dir_all(d).map_err(|e| e.to_string())?;
                let path = d.join(name);
                std::fs::write(&path, text).map_err(|e| e.to_string())?;
                Ok(path.display().to_string())
            }
            #[cfg(target_arch = "wasm32")]
            Store::Browser => {
                let mime = match name.rsplit('.').next() {
                    Some("csv") => "text/csv",
                    Some("md") => "text/markdown",
                    _ => "application/json",
                };
                files::download(name, text, mime).map(|()| format!("a download named {name}"))
            }
            #[cfg(not(target_arch = "wasm32"))]
            Store::Browser => Err("no browser here".into()),
        }
    }

    /// Reads the document saved under `name` (a local-storage key `flowkata.NAME` on the
    /// web, the file `NAME.json` natively); `None` when there is none.
    ///
    /// # Errors
    /// Why the store could not be read.
    pub fn read_slot(&self, name: &str) -> Result<Option<String>, String> {
        match self {
            Store::Memory => Ok(None),
            Store::Dir(d) => match std::fs::read_to_string(d.join(format!("{name}.json"))) {
                Ok(t) => Ok(Some(t)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e.to_string()),
            },
            #[cfg(target_arch = "wasm32")]
            Store::Browser => local_storage()?
                .get_item(&format!("flowkata.{name}"))
                .map_err(|_| "local storage could not be read".to_string()),
            #[cfg(not(target_arch = "wasm32"))]
            Store::Browser => Err("no browser here".into()),
        }
    }

    /// Saves `text` under `name` (see [`Store::read_slot`]); natively through a sibling
    /// file renamed over the old one, so a crash never leaves half a document.
    ///
    /// # Errors
    /// Why the store refused (full, blocked, read-only).
    pub fn write_slot(&self, name: &str, text: &str) -> Result<(), String> {
        match self {
            Store::Memory => Ok(()),
            Store::Dir(d) => {
                std::fs::create_dir_all(d).map_err(|e| e.to_string())?;
                let tmp = d.join(format!("{name}.json.tmp"));
                std::fs::write(&tmp, text).map_err(|e| e.to_string())?;
                std::fs::rename(&tmp, d.join(format!("{name}.json"))).map_err(|e| e.to_string())
            }
            #[cfg(target_arch = "wasm32")]
            Store::Browser => local_storage()?
                .set_item(&format!("flowkata.{name}"), text)
                .map_err(|_| "the browser's storage is full or blocked".to_string()),
            #[cfg(not(target_arch = "wasm32"))]
            Store::Browser => Err("no browser here".into()),
        }
    }

    /// The names saved that start with `prefix`, sorted.
    pub fn list_slots(&self, prefix: &str) -> Vec<String> {
        let mut names: Vec<String> = match self {
            Store::Memory => Vec::new(),
            Store::Dir(d) => std::fs::read_dir(d)
                .map(|rd| {
                    rd.filter_map(|e| {
                        let n = e.ok()?.file_name().to_string_lossy().to_string();
                        let n = n.strip_suffix(".json")?.to_string();
                        n.starts_with(prefix).then_some(n)
                    })
                    .collect()
                })
                .unwrap_or_default(),
            #[cfg(target_arch = "wasm32")]
            Store::Browser => local_storage()
                .map(|ls| {
                    let n = ls.length().unwrap_or(0);
                    (0..n)
                        .filter_map(|i| ls.key(i).ok().flatten())
                        .filter_map(|k| k.strip_prefix("flowkata.").map(str::to_string))
                        .filter(|k| k.starts_with(prefix))
                        .collect()
                })
                .unwrap_or_default(),
            #[cfg(not(target_arch = "wasm32"))]
            Store::Browser => Vec::new(),
        };
        names.sort();
        names
    }

    /// Removes the document saved under `name`, if any.
    pub fn remove_slot(&self, name: &str) {
        match self {
            Store::Memory => {}
            Store::Dir(d) => {
                let _ = std::fs::remove_file(d.join(format!("{name}.json")));
            }
            #[cfg(target_arch = "wasm32")]
            Store::Browser => {
                if let Ok(ls) = local_storage() {
                    let _ = ls.remove_item(&format!("flowkata.{name}"));
                }
            }
            #[cfg(not(target_arch = "wasm32"))]
            Store::Browser => {}
        }
    }

    /// Where an export goes or an import comes from, for the player to read.
    pub fn export_place(&self) -> String {
        match self {
            Store::Browser => format!("a download named {EXPORT_NAME}"),
            Store::Dir(d) => d.join(EXPORT_NAME).display().to_string(),
            Store::Memory => "nowhere (progress is not saved in this session)".into(),
        }
    }
}

/// The progress of this player, its store, and a notice for the campaign screen.
#[derive(Resource, Debug)]
pub struct SavedProgress {
    /// The progress now.
    pub progress: Progress,
    /// Something the player should know: a fresh start after a corrupt value, a save that
    /// failed, an import that did or did not work.
    pub notice: Option<String>,
    /// The level that the last finished run unlocked, for the debrief.
    pub just_unlocked: Option<String>,
    /// Where it is kept.
    pub store: Store,
}

impl SavedProgress {
    /// Progress kept in memory only, starting empty.
    pub fn in_memory() -> Self {
        Self {
            progress: Progress::default(),
            notice: None,
            just_unlocked: None,
            store: Store::Memory,
        }
    }

    /// Loads the progress from `store`: a missing value is a fresh start; a corrupt or
    /// foreign one is a fresh start with a notice.
    pub fn load(store: Store) -> Self {
        let (progress, notice) = match store.read_slot(SLOT) {
            Ok(None) => (Progress::default(), None),
            Ok(Some(text)) => match Progress::parse(&text) {
                Ok(p) => (p, None),
                Err(e) => (
                    Progress::default(),
                    Some(format!(
                        "Your saved progress could not be read ({e}), so the campaign starts afresh."
                    )),
                ),
            },
            Err(e) => (
                Progress::default(),
                Some(format!("Saved progress is not available here ({e}).")),
            ),
        };
        Self {
            progress,
            notice,
            just_unlocked: None,
            store,
        }
    }

    /// Saves the progress; a failure becomes the notice.
    pub fn save(&mut self) {
        if let Err(e) = self.store.write_slot(SLOT, &self.progress.to_json()) {
            self.notice = Some(format!(
                "Progress could not be saved ({e}). It is kept until you close the game; export it to keep it."
            ));
        }
    }

    /// Replaces the progress with an imported document (saved at once), or says why not.
    pub fn import(&mut self, text: &str) {
        match Progress::parse(text) {
            Ok(p) => {
                self.progress = p;
                self.notice = Some("Progress imported.".into());
                self.save();
            }
            Err(e) => self.notice = Some(format!("That file is not flowkata progress: {e}.")),
        }
    }

    /// Clears all progress (a shared lab machine, the next group), saved at once.
    pub fn reset(&mut self) {
        self.progress = Progress::default();
        self.notice = Some("Progress cleared: the campaign starts afresh.".into());
        self.save();
    }

    /// Exports the progress: a download on the web, a file in the data directory natively.
    pub fn export(&mut self) {
        let json = self.progress.to_json();
        self.notice = Some(match self.store.save_file(EXPORT_NAME, &json) {
            Ok(place) => format!("Progress exported to {place}."),
            Err(e) => format!("Progress could not be exported ({e})."),
        });
    }

    /// Asks for a progress file to import: a file picker on the web (the file arrives in a
    /// later frame), the export file in the data directory natively.
    pub fn request_import(&mut self) {
        match &self.store {
            Store::Browser => files::pick(Purpose::Progress),
            Store::Dir(d) => match std::fs::read_to_string(d.join(EXPORT_NAME)) {
                Ok(text) => self.import(&text),
                Err(e) => {
                    self.notice = Some(format!(
                        "No progress to import at {} ({e}).",
                        self.store.export_place()
                    ))
                }
            },
            Store::Memory => self.notice = Some("Nothing to import from here.".into()),
        }
    }
}

pub(super) fn plugin(app: &mut App) {
    if !app.world().contains_resource::<SavedProgress>() {
        app.insert_resource(SavedProgress::load(Store::for_platform()));
    }
    app.add_systems(OnEnter(Screen::Debrief), record_finished_run)
        .add_systems(Update, receive_picked_file)
        .add_systems(Last, publish_page.in_set(crate::game::page::PublishPage));
}

/// The page state's `unlocked`: the campaign levels the saved progress opens, in order.
fn publish_page(saved: Res<SavedProgress>, mut page: ResMut<crate::game::page::PageState>) {
    let unlocked: Vec<&str> = crate::sim::campaign::campaign_levels()
        .filter(|id| saved.progress.unlocked(id))
        .collect();
    page.set("unlocked", unlocked);
}

/// A finished run counts for progress, whatever started it (the campaign, a shared link, a
/// sandbox). A run stopped on its event budget did not finish and does not count, nor does
/// a run opened from a file or a link.
fn record_finished_run(session: Option<Res<Session>>, mut saved: ResMut<SavedProgress>) {
    let Some(session) = session else { return };
    let sim = &session.sim;
    saved.just_unlocked = None;
    // A run opened from a file or a link is someone's hand-in, not this player's progress.
    if !sim.is_finished() || sim.halted().is_some() || session.opened.is_some() {
        return;
    }
    let report = sim.report();
    let id = sim.level().id.clone();
    if saved.progress.record(&id, report.score, report.stars) {
        saved.just_unlocked = campaign::next(&id).map(str::to_string);
    }
    saved.save();
}

fn receive_picked_file(mut saved: ResMut<SavedProgress>, mut inbox: ResMut<Inbox>) {
    for file in inbox.take(&[Purpose::Progress]) {
        match file.text {
            Ok(text) => saved.import(&text),
            Err(e) => saved.notice = Some(format!("Progress not imported: {e}.")),
        }
    }
}

// ----- platform glue ------------------------------------------------------------------------

#[cfg(target_arch = "wasm32")]
fn local_storage() -> Result<web_sys::Storage, String> {
    web_sys::window()
        .ok_or("no window")?
        .local_storage()
        .map_err(|_| "local storage is blocked".to_string())?
        .ok_or_else(|| "no local storage".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("flowkata-progress-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn progress_survives_a_restart_in_its_directory() {
        let dir = temp_dir("restart");
        let mut saved = SavedProgress::load(Store::Dir(dir.clone()));
        assert!(saved.notice.is_none(), "a first start is not an error");
        saved.progress.record("first-day", 500.0, 1);
        saved.save();
        let again = SavedProgress::load(Store::Dir(dir.clone()));
        assert_eq!(again.progress, saved.progress);
        assert!(again.progress.unlocked("wip-limits"));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_corrupt_file_is_a_fresh_start_with_a_notice() {
        let dir = temp_dir("corrupt");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{SLOT}.json")), "{ not json").unwrap();
        let saved = SavedProgress::load(Store::Dir(dir.clone()));
        assert_eq!(saved.progress, Progress::default());
        assert!(saved.notice.as_deref().unwrap().contains("afresh"));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_failed_save_is_a_notice_and_the_progress_stays() {
        // A directory path that is a file: creating it fails.
        let file = temp_dir("blocked");
        std::fs::write(&file, "x").unwrap();
        let mut saved = SavedProgress::load(Store::Dir(file.clone()));
        saved.progress.record("first-day", 1.0, 2);
        saved.save();
        assert!(
            saved
                .notice
                .as_deref()
                .unwrap()
                .contains("could not be saved")
        );
        assert_eq!(saved.progress.stars("first-day"), 2);
        let _ = std::fs::remove_file(file);
    }

    #[test]
    fn export_then_import_restores_and_a_foreign_file_is_refused() {
        let dir = temp_dir("export");
        let mut saved = SavedProgress::load(Store::Dir(dir.clone()));
        saved.progress.record("first-day", 9.0, 3);
        saved.export();
        let exported = saved.progress.clone();
        saved.reset();
        assert_eq!(saved.progress, Progress::default());
        saved.request_import();
        assert_eq!(saved.progress, exported);
        saved.import("{\"kind\": \"something else\", \"version\": 1}");
        assert!(
            saved
                .notice
                .as_deref()
                .unwrap()
                .contains("not flowkata progress")
        );
        assert_eq!(saved.progress, exported, "a refused import changes nothing");
        let _ = std::fs::remove_dir_all(dir);
    }
}
