//! The page state: what the game publishes each frame for the page and the browser test,
//! `window.__flowkata` on the web ([`super::web`]). Each plugin publishes its own part in
//! [`PublishPage`] (in `Last`): the session its run, the screens theirs, the board what it
//! shows, and so on; the web glue writes the whole object to the page after them. The keys
//! and their shapes are listed in `docs/architecture.md` ("The page state"). The set runs
//! only while a [`PageState`] exists: the web glue creates it, and a native test can
//! (`app.init_resource::<PageState>()`), so the native game does none of this work.

use bevy::prelude::*;
use serde_json::{Map, Value};

/// This frame's page state: one JSON object, emptied at the start of [`PublishPage`] but for
/// `frame`, the frame's number (Bevy's `FrameCount`), by which a test waits for frames.
#[derive(Resource, Debug, Default, Clone)]
pub struct PageState(pub Map<String, Value>);

impl PageState {
    /// Sets the top-level key `key` to `value`.
    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        self.0.insert(key.to_string(), value.into());
    }

    /// The value of the top-level key `key`, if published this frame.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }
}

/// The systems that publish a part of the page state, each in its own plugin.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct PublishPage;

pub(super) fn plugin(app: &mut App) {
    app.configure_sets(Last, PublishPage.run_if(resource_exists::<PageState>))
        .add_systems(
            Last,
            (|mut page: ResMut<PageState>, frame: Res<bevy::diagnostic::FrameCount>| {
                page.0.clear();
                page.set("frame", frame.0);
            })
            .run_if(resource_exists::<PageState>)
            .before(PublishPage),
        );
}

/// A JSON number from an `f64`: `null` for NaN and the infinities, which JSON cannot hold.
pub fn number(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}
