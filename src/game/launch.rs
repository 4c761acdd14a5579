//! Launch options: a level to start at once, from the page address on the web
//! (`?level=ID&seed=N&speed=S`, so a facilitator can hand every team the same run) or from the
//! command line natively (`flowkata --level ID --seed N --speed S`).

use bevy::prelude::*;

use super::session::StartLevel;

/// A level to start at launch, from the address or the command line.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct LaunchOptions {
    /// Embedded level id.
    pub level: Option<String>,
    /// Seed.
    pub seed: Option<u64>,
    /// Speed multiplier.
    pub speed: Option<u32>,
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
            let query = web_sys::window()
                .and_then(|w| w.location().search().ok())
                .unwrap_or_default();
            Self::from_query(&query)
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let args: Vec<String> = std::env::args().skip(1).collect();
            Self::from_args(&args)
        }
    }
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, launch);
}

fn launch(options: Option<Res<LaunchOptions>>, mut start: MessageWriter<StartLevel>) {
    let Some(o) = options else { return };
    if let Some(level) = &o.level {
        start.write(StartLevel {
            level: level.clone(),
            seed: o.seed,
            speed: o.speed,
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
    fn bad_values_are_ignored_not_fatal() {
        let q = LaunchOptions::from_query("?seed=abc&bogus=1&level=ten-deploys");
        assert_eq!(q.seed, None);
        assert_eq!(q.level.as_deref(), Some("ten-deploys"));
    }
}
