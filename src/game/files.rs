//! Files in and out of the game, on every platform: the [`Inbox`] of files the player
//! brought in (a file picker or a drop onto the page on the web; a typed path or a pasted
//! link natively), downloads, the clipboard, and the page's address.
//!
//! On the web, the page (`web/index.html`) catches files dropped anywhere on it and queues
//! them in `window.__flowkataInbox`; this module drains that queue every frame. A file
//! larger than [`crate::sim::rules::MAX_RUN_FILE_BYTES`] is refused unread, by the page (which reads the
//! limit from `window.__flowkataMaxBytes`, published here) or here.

use bevy::prelude::*;

use crate::sim::run_file::read_capped;

/// What a file was brought in for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// A run to open and debrief (a run file or a run link).
    Run,
    /// A run for the comparison.
    Compare,
    /// A custom level (RON).
    Level,
    /// Progress to import.
    Progress,
    /// Dropped onto the page: decided by its content.
    Dropped,
}

/// A file the player brought in.
#[derive(Clone, Debug, PartialEq)]
pub struct Incoming {
    /// Its name (a file name, `link`, or a typed path).
    pub name: String,
    /// Its text, or why it could not be read.
    pub text: Result<String, String>,
    /// What for.
    pub purpose: Purpose,
}

/// Files brought in and not yet handled, oldest first.
#[derive(Resource, Default, Debug)]
pub struct Inbox(pub Vec<Incoming>);

impl Inbox {
    /// Takes the files brought in for one of `purposes`, leaving the others.
    pub fn take(&mut self, purposes: &[Purpose]) -> Vec<Incoming> {
        let (taken, kept) = std::mem::take(&mut self.0)
            .into_iter()
            .partition(|f| purposes.contains(&f.purpose));
        self.0 = kept;
        taken
    }

    /// Brings in what the player typed or pasted: a run link as it is, else a path to
    /// read (natively; the browser cannot read paths).
    pub fn push_typed(&mut self, typed: &str, purpose: Purpose) {
        let typed = typed.trim();
        if typed.is_empty() {
            return;
        }
        let text = if typed.contains('#') || !typed.contains(['/', '\\', '.']) {
            Ok(typed.to_string())
        } else {
            read_path(typed)
        };
        let name = if typed.contains('#') {
            "link".to_string()
        } else {
            typed
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(typed)
                .to_string()
        };
        self.0.push(Incoming {
            name,
            text,
            purpose,
        });
    }
}

/// Reads a file from disk ([`read_capped`]: refused unread above the limit).
///
/// # Errors
/// Why it could not be read, or its size; in the browser, that paths cannot be read.
pub fn read_path(path: &str) -> Result<String, String> {
    if cfg!(target_arch = "wasm32") {
        return Err("a browser cannot open a path: choose the file, or drop it on the page".into());
    }
    read_capped(std::path::Path::new(path))
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Inbox>();
    #[cfg(target_arch = "wasm32")]
    app.add_systems(Startup, web::publish_limit)
        .add_systems(First, web::drain);
}

/// Opens the browser's file picker for `purpose` (several files at once for a
/// comparison); the files arrive in the [`Inbox`] in a later frame. Natively it does
/// nothing: the screens offer a path field instead.
pub fn pick(purpose: Purpose) {
    #[cfg(target_arch = "wasm32")]
    web::pick(purpose);
    #[cfg(not(target_arch = "wasm32"))]
    let _ = purpose;
}

/// Puts `text` on the clipboard (on the web through the page's clipboard API).
pub fn copy(ctx: &bevy_egui::egui::Context, text: &str) {
    ctx.copy_text(text.to_string());
    #[cfg(target_arch = "wasm32")]
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// The game's own address without query or fragment (for run links and drill links):
/// the page's on the web, the local server's natively.
pub fn base_url() -> String {
    #[cfg(target_arch = "wasm32")]
    if let Some(loc) = web_sys::window().map(|w| w.location()) {
        let origin = loc.origin().unwrap_or_default();
        let path = loc.pathname().unwrap_or_else(|_| "/".into());
        return format!("{origin}{path}");
    }
    "http://127.0.0.1:8080/".into()
}

/// Offers `text` as a file download named `name` (web only).
///
/// # Errors
/// Why the browser refused.
#[cfg(target_arch = "wasm32")]
pub fn download(name: &str, text: &str, mime: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let fail = |what: &str| format!("the browser refused the download ({what})");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| fail("blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("url"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| fail("document"))?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| fail("link"))?
        .dyn_into()
        .map_err(|_| fail("link"))?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

#[cfg(target_arch = "wasm32")]
mod web {
    use bevy::prelude::*;
    use wasm_bindgen::prelude::Closure;
    use wasm_bindgen::{JsCast, JsValue};

    use super::{Inbox, Incoming, Purpose};
    use crate::sim::rules;

    fn too_large(name: &str, bytes: f64) -> String {
        format!(
            "{name} is {bytes} bytes; at most {} are read",
            rules::MAX_RUN_FILE_BYTES
        )
    }

    thread_local! {
        static PICKED: std::cell::RefCell<Vec<Incoming>> = const { std::cell::RefCell::new(Vec::new()) };
    }

    pub(super) fn publish_limit() {
        if let Some(w) = web_sys::window() {
            let _ = js_sys::Reflect::set(
                &w,
                &JsValue::from_str("__flowkataMaxBytes"),
                &JsValue::from_f64(rules::MAX_RUN_FILE_BYTES as f64),
            );
        }
    }

    /// Moves picked and dropped files into the inbox.
    pub(super) fn drain(mut inbox: ResMut<Inbox>) {
        PICKED.with(|p| inbox.0.append(&mut p.borrow_mut()));
        let Some(w) = web_sys::window() else { return };
        let Ok(queue) = js_sys::Reflect::get(&w, &JsValue::from_str("__flowkataInbox")) else {
            return;
        };
        let Some(queue) = queue.dyn_ref::<js_sys::Array>() else {
            return;
        };
        while queue.length() > 0 {
            let item = queue.shift();
            let get = |k: &str| {
                js_sys::Reflect::get(&item, &JsValue::from_str(k))
                    .ok()
                    .and_then(|v| v.as_string())
            };
            let name = get("name").unwrap_or_else(|| "dropped file".into());
            let text = match (get("text"), get("error")) {
                (Some(t), _) if t.len() <= rules::MAX_RUN_FILE_BYTES => Ok(t),
                (Some(t), _) => Err(too_large(&name, t.len() as f64)),
                (None, Some(e)) => Err(e),
                (None, None) => Err(format!("{name} could not be read")),
            };
            inbox.0.push(Incoming {
                name,
                text,
                purpose: Purpose::Dropped,
            });
        }
    }

    pub(super) fn pick(purpose: Purpose) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Ok(input) = document
            .create_element("input")
            .map(|e| e.unchecked_into::<web_sys::HtmlInputElement>())
        else {
            return;
        };
        input.set_type("file");
        input.set_accept(match purpose {
            Purpose::Level => ".ron,text/plain",
            _ => ".json,application/json",
        });
        input.set_multiple(purpose == Purpose::Compare);
        let picker = input.clone();
        let on_change = Closure::<dyn FnMut()>::new(move || {
            let Some(files) = picker.files() else { return };
            for i in 0..files.length() {
                let Some(file) = files.get(i) else { continue };
                let name = file.name();
                if file.size() > rules::MAX_RUN_FILE_BYTES as f64 {
                    PICKED.with(|p| {
                        p.borrow_mut().push(Incoming {
                            text: Err(too_large(&name, file.size())),
                            name,
                            purpose,
                        })
                    });
                    continue;
                }
                let on_text = Closure::<dyn FnMut(JsValue)>::new(move |v: JsValue| {
                    let text = v.as_string().ok_or_else(|| format!("{name} is not text"));
                    PICKED.with(|p| {
                        p.borrow_mut().push(Incoming {
                            name: name.clone(),
                            text,
                            purpose,
                        })
                    });
                });
                let _ = file.text().then(&on_text);
                on_text.forget();
            }
        });
        input.set_onchange(Some(on_change.as_ref().unchecked_ref()));
        on_change.forget();
        input.click();
    }
}
