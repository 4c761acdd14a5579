//! The campaign: Bill's first months at Parts Unlimited, in three acts along the Three Ways
//! (Kim, Humble, Debois, Willis, *The DevOps Handbook*, 2016, and *The Phoenix Project*,
//! 2013), and the player's progress through it.
//!
//! [`ACTS`] is the one place the campaign's order lives: the campaign screen, the unlock
//! rule ([`Progress::unlocked`]), the README's table and the balance tests read it. Levels
//! in `levels/` that no act lists are sandboxes, always open.
//!
//! Progress is a small JSON document ([`Progress`]); the game keeps it in the browser's
//! local storage or in a file in the user's data directory. [`Progress::parse`] refuses a
//! corrupt or foreign value with a message, and the game then starts afresh with a notice.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One act of the campaign.
#[derive(Clone, Copy, Debug)]
pub struct Act {
    /// Title: "The First Way: flow".
    pub title: &'static str,
    /// One sentence on what the act teaches.
    pub summary: &'static str,
    /// Level ids, in the order they are played.
    pub levels: &'static [&'static str],
}

/// The campaign's acts, in order.
pub const ACTS: [Act; 3] = [
    Act {
        title: "Act I · The First Way: flow",
        summary: "Make work visible, limit it, find the constraint and subordinate everything to it, shrink batches.",
        levels: &[
            "first-day",
            "wip-limits",
            "brent",
            "staffing",
            "subordinate",
            "swat-team",
            "penny-game",
            "ten-deploys",
        ],
    },
    Act {
        title: "Act II · The Second Way: feedback",
        summary: "See problems as they happen: the change board as a queue, outages as a procedure, quality at the source.",
        levels: &["change-board", "outages", "quality"],
    },
    Act {
        title: "Act III · The Third Way: continual learning",
        summary: "Pay down debt before it compounds, learn from failure, and launch Phoenix.",
        levels: &["improvement", "culture", "phoenix"],
    },
];

/// Every campaign level id, in play order.
pub fn campaign_levels() -> impl Iterator<Item = &'static str> {
    ACTS.iter().flat_map(|a| a.levels.iter().copied())
}

/// The act number (0-based) and position of a campaign level; `None` for a sandbox.
pub fn position(id: &str) -> Option<(usize, usize)> {
    ACTS.iter()
        .enumerate()
        .find_map(|(a, act)| act.levels.iter().position(|l| *l == id).map(|i| (a, i)))
}

/// The campaign level played before `id`; `None` for the first level and sandboxes.
pub fn previous(id: &str) -> Option<&'static str> {
    let all: Vec<&str> = campaign_levels().collect();
    let i = all.iter().position(|l| *l == id)?;
    i.checked_sub(1).map(|j| all[j])
}

/// The campaign level played after `id`, if any.
pub fn next(id: &str) -> Option<&'static str> {
    let all: Vec<&str> = campaign_levels().collect();
    let i = all.iter().position(|l| *l == id)?;
    all.get(i + 1).copied()
}

/// The version of the progress document this build writes and reads.
pub const PROGRESS_VERSION: u32 = 1;

/// A level's best result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelRecord {
    /// Most stars earned in one run, 0–3.
    pub stars: u8,
    /// Best score, money.
    pub best_score: f64,
    /// Finished runs.
    pub runs: u32,
}

/// The player's progress: best results per level and the free-play switch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    /// Always `"flowkata-progress"`: tells a foreign value from ours.
    pub kind: String,
    /// [`PROGRESS_VERSION`].
    pub version: u32,
    /// Unlocks every level (for workshops).
    #[serde(default)]
    pub free_play: bool,
    /// The player turned hints off.
    #[serde(default)]
    pub hints_off: bool,
    /// By level id.
    #[serde(default)]
    pub levels: BTreeMap<String, LevelRecord>,
}

/// The `kind` of a progress document.
pub const PROGRESS_KIND: &str = "flowkata-progress";

impl Default for Progress {
    fn default() -> Self {
        Self {
            kind: PROGRESS_KIND.into(),
            version: PROGRESS_VERSION,
            free_play: false,
            hints_off: false,
            levels: BTreeMap::new(),
        }
    }
}

impl Progress {
    /// Reads a progress document.
    ///
    /// # Errors
    /// A message saying why the text is not progress of this build: not JSON, another kind
    /// of document, a newer version, or a record out of range (stars above 3, a score that is
    /// not finite).
    pub fn parse(text: &str) -> Result<Progress, String> {
        let p: Progress =
            serde_json::from_str(text).map_err(|e| format!("not flowkata progress: {e}"))?;
        if p.kind != PROGRESS_KIND {
            return Err(format!("not flowkata progress (kind {:?})", p.kind));
        }
        if p.version != PROGRESS_VERSION {
            return Err(format!(
                "progress version {} is not the version this build reads ({PROGRESS_VERSION})",
                p.version
            ));
        }
        for (id, r) in &p.levels {
            if r.stars > 3 || !r.best_score.is_finite() {
                return Err(format!("level {id:?}: stars or score out of range"));
            }
        }
        Ok(p)
    }

    /// The document as pretty JSON that [`Progress::parse`] reads back.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("progress always serializes")
    }

    /// Whether level `id` may be played: sandboxes and the first level always; a campaign
    /// level once the one before it earned at least one star; everything in free play.
    pub fn unlocked(&self, id: &str) -> bool {
        if self.free_play {
            return true;
        }
        match previous(id) {
            Some(prev) => self.stars(prev) >= 1,
            None => true,
        }
    }

    /// Stars earned on level `id` so far.
    pub fn stars(&self, id: &str) -> u8 {
        self.levels.get(id).map_or(0, |r| r.stars)
    }

    /// Records a finished run of level `id`. Returns whether it unlocked a level.
    pub fn record(&mut self, id: &str, score: f64, stars: u8) -> bool {
        let was = next(id).is_some_and(|n| self.unlocked(n));
        let r = self.levels.entry(id.to_string()).or_insert(LevelRecord {
            stars: 0,
            best_score: score,
            runs: 0,
        });
        r.runs = r.runs.saturating_add(1);
        r.stars = r.stars.max(stars.min(3));
        if score.is_finite() && score > r.best_score {
            r.best_score = score;
        }
        !was && next(id).is_some_and(|n| self.unlocked(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::level::{EMBEDDED, Level};

    #[test]
    fn every_campaign_level_is_embedded_once() {
        let ids: Vec<&str> = campaign_levels().collect();
        for id in &ids {
            assert!(
                Level::embedded(id).is_some(),
                "campaign level {id} is not in levels/"
            );
            assert_eq!(
                ids.iter().filter(|x| *x == id).count(),
                1,
                "{id} listed twice"
            );
        }
        assert!(ids.len() >= 12);
        assert!(
            EMBEDDED.iter().any(|(id, _, _)| position(id).is_none()),
            "a sandbox"
        );
    }

    #[test]
    fn a_star_unlocks_the_next_level_and_free_play_unlocks_all() {
        let mut p = Progress::default();
        let (first, second) = (ACTS[0].levels[0], ACTS[0].levels[1]);
        assert!(p.unlocked(first));
        assert!(!p.unlocked(second));
        assert!(!p.record(first, 100.0, 0));
        assert!(!p.unlocked(second));
        assert!(p.record(first, 50.0, 1));
        assert!(p.unlocked(second));
        assert_eq!(p.levels[first].best_score, 100.0);
        assert_eq!(p.levels[first].runs, 2);
        assert!(!p.unlocked("phoenix"));
        p.free_play = true;
        assert!(p.unlocked("phoenix"));
        assert!(p.unlocked("mm1"));
    }

    #[test]
    fn progress_round_trips_and_refuses_foreign_values() {
        let mut p = Progress::default();
        p.record("first-day", 1234.5, 2);
        assert_eq!(Progress::parse(&p.to_json()).unwrap(), p);
        for bad in [
            "",
            "{",
            "[1,2]",
            r#"{"kind":"other","version":1}"#,
            r#"{"kind":"flowkata-progress","version":99}"#,
            r#"{"kind":"flowkata-progress","version":1,"levels":{"x":{"stars":9,"best_score":0,"runs":1}}}"#,
        ] {
            assert!(Progress::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
