//! Launch options: a level to start at once, from the page address on the web
//! (`?level=ID&seed=N&speed=S`, so a facilitator can hand every team the same run) or from the
//! command line natively (`flowkata --level ID --seed N --speed S`).
//!
//! A **drill link** adds `rounds=R&round_days=D` (the level played as an improvement-kata
//! drill of R rounds of D workdays, the seed locked), optionally `minutes=M` (a wall-clock
//! timer per round) and `team=ask` (ask for the team's name first). A **run link** carries a
//! run in the fragment (`#run=…`): the game opens it as it opens a run file.

use bevy::prelude::*;
use tracing::warn;

use super::files::{Inbox, Incoming, Purpose};
use super::session::StartLevel;

/// A drill set up by the facilitator's link: the timer per round, whether the team is
/// asked for its name (the start waits for it), and whether the seed is locked.
#[derive(Resource, Debug, Default, Clone)]
pub struct DrillSetup {
    /// Wall-clock minutes per round.
    pub minutes: Option<f64>,
    /// Whether the team is asked for its name.
    pub ask_team: bool,
    /// The drill's start, waiting for the team's name.
    pub pending: Option<StartLevel>,
    /// Whether the seed came from the facilitator's link.
    pub seed_locked: bool,
}

/// A level to start at launch, from the address or the command line.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct LaunchOptions {
    /// Embedded level id.
    pub level: Option<String>,
    /// Seed.
    pub seed: Option<u64>,
    /// Speed multiplier.
    pub speed: Option<u32>,
    /// Drill: number of rounds.
    pub rounds: Option<u32>,
    /// Drill: workdays per round.
    pub round_days: Option<f64>,
    /// Drill: wall-clock minutes per round.
    pub minutes: Option<f64>,
    /// Drill: ask for the team's name before the first round.
    pub ask_team: bool,
    /// A run link's fragment, to open.
    pub run_link: Option<String>,
    /// Open the Compare screen (`?compare`), for a facilitator collecting runs.
    pub compare: bool,
    /// Seeds of the debrief's luck band (`?luck=1000`; default
    /// [`crate::sim::rules::LUCK_DEFAULT_REPLICATIONS`]).
    pub luck: Option<u32>,
}

impl LaunchOptions {
    /// The drill the options describe, when they name rounds (one round of the level's
    /// own length when only `round_days` is missing is not guessed: both are needed).
    pub fn drill(&self) -> Option<crate::sim::kata::Drill> {
        Some(crate::sim::kata::Drill {
            rounds: self.rounds?,
            round_days: self.round_days?,
        })
    }
}

impl LaunchOptions {
    /// Parses `key=value` pairs (from a query string or `--key value` arguments). Unknown keys
    /// and unparsable values are ignored with a warning: a bad link still opens the game.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut o = LaunchOptions::default();
        for (k, v) in pairs {
            match k {
                "level" => o.level = Some(v.to_string()),
                "seed" => o.seed = v.parse().map_err(|_| warn!("ignoring seed={v:?}")).ok(),
                "speed" => o.speed = v.parse().map_err(|_| warn!("ignoring speed={v:?}")).ok(),
                "rounds" => o.rounds = v.parse().map_err(|_| warn!("ignoring rounds={v:?}")).ok(),
                "round_days" => {
                    o.round_days = v
                        .parse()
                        .map_err(|_| warn!("ignoring round_days={v:?}"))
                        .ok()
                }
                "minutes" => {
                    o.minutes = v
                        .parse()
                        .ok()
                        .filter(|m| crate::sim::rules::DRILL_ROUND_MINUTES.contains(*m))
                        .or_else(|| {
                            warn!("ignoring minutes={v:?}");
                            None
                        })
                }
                "team" => o.ask_team = v == "ask",
                "luck" => {
                    o.luck = v
                        .parse()
                        .ok()
                        .filter(|n| crate::sim::rules::REPLICATIONS.contains(*n))
                        .or_else(|| {
                            warn!("ignoring luck={v:?}");
                            None
                        })
                }
                "compare" => o.compare = true,
                _ => warn!("ignoring unknown launch option {k:?}"),
            }
        }
        o
    }

    /// Parses a URL query string such as `?level=brent&seed=3`.
    pub fn from_query(query: &str) -> Self {
        Self::from_pairs(
            query
                .trim_start_matches('?')
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| p.split_once('=').unwrap_or((p, ""))),
        )
    }

    /// Parses command-line arguments such as `--level brent --seed 3`.
    pub fn from_args(args: &[String]) -> Self {
        let pairs: Vec<(&str, &str)> = args
            .chunks(2)
            .filter_map(|c| {
                Some((
                    c.first()?.strip_prefix("--")?,
                    c.get(1).map_or("", String::as_str),
                ))
            })
            .collect();
        Self::from_pairs(pairs)
    }

    /// The options this process was launched with.
    pub fn from_environment() -> Self {
        #[cfg(target_arch = "wasm32")]
        {
            let location = web_sys::window().map(|w| w.location());
            let query = location
                .as_ref()
                .and_then(|l| l.search().ok())
                .unwrap_or_default();
            let hash = location.and_then(|l| l.hash().ok()).unwrap_or_default();
            let mut o = Self::from_query(&query);
            if hash.contains(crate::sim::run_file::LINK_KEY) {
                o.run_link = Some(hash);
            }
            o
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let args: Vec<String> = std::env::args().skip(1).collect();
            Self::from_args(&args)
        }
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<DrillSetup>()
        .init_resource::<super::screens::debrief::LuckSeeds>()
        .add_systems(Startup, launch);
}

fn launch(
    options: Option<Res<LaunchOptions>>,
    mut start: MessageWriter<StartLevel>,
    mut inbox: ResMut<Inbox>,
    mut drill: ResMut<DrillSetup>,
    mut next: ResMut<NextState<super::screens::Screen>>,
    mut luck: ResMut<super::screens::debrief::LuckSeeds>,
) {
    let Some(o) = options else { return };
    if let Some(n) = o.luck {
        luck.0 = n;
    }
    if o.compare {
        next.set(super::screens::Screen::Compare);
        return;
    }
    if let Some(link) = &o.run_link {
        inbox.0.push(Incoming {
            name: "the run link".into(),
            text: Ok(link.clone()),
            purpose: Purpose::Run,
        });
        return;
    }
    drill.minutes = o.minutes;
    drill.ask_team = o.ask_team && o.drill().is_some();
    drill.seed_locked = o.drill().is_some();
    if drill.ask_team {
        // The team names itself first; the level starts from the prompt.
        drill.pending = o.level.clone().map(|level| StartLevel {
            level,
            seed: o.seed,
            speed: o.speed,
            drill: o.drill(),
            custom: None,
            briefing: true,
        });
        return;
    }
    if let Some(level) = &o.level {
        start.write(StartLevel {
            level: level.clone(),
            seed: o.seed,
            speed: o.speed,
            drill: o.drill(),
            custom: None,
            briefing: true,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_and_args_give_the_same_options() {
        let q = LaunchOptions::from_query("?level=brent&seed=42&speed=8");
        let a = LaunchOptions::from_args(
            &["--level", "brent", "--seed", "42", "--speed", "8"].map(String::from),
        );
        assert_eq!(q, a);
        assert_eq!(q.level.as_deref(), Some("brent"));
        assert_eq!(q.seed, Some(42));
    }

    #[test]
    fn a_drill_link_gives_the_drill_and_its_timer() {
        let q = LaunchOptions::from_query(
            "?level=phoenix&seed=42&rounds=3&round_days=5&minutes=12&team=ask",
        );
        let d = q.drill().unwrap();
        assert_eq!((d.rounds, d.round_days), (3, 5.0));
        assert_eq!(q.minutes, Some(12.0));
        assert!(q.ask_team);
        // A timer out of range is ignored, not fatal; no rounds, no drill.
        let q = LaunchOptions::from_query("?level=phoenix&round_days=5&minutes=100000");
        assert_eq!(q.drill(), None);
        assert_eq!(q.minutes, None);
    }

    #[test]
    fn bad_values_are_ignored_not_fatal() {
        let q = LaunchOptions::from_query("?seed=abc&bogus=1&level=ten-deploys");
        assert_eq!(q.seed, None);
        assert_eq!(q.level.as_deref(), Some("ten-deploys"));
    }
}
