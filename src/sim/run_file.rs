//! Run files: a run written down so it can be handed in, verified and compared. A run is
//! fully described by its level, seed and command log; the file adds the team, the sim time
//! it reached (a run may be saved mid-play), its headline figures and its state hash at that
//! time. The format is JSON and is documented in `docs/runs.md`.
//!
//! **Verifying** a run file replays level + seed + commands to the recorded sim time and
//! compares the headline figures and the state hash with the recorded ones
//! ([`RunFile::verify`]). A match proves the file is self-consistent: its figures are what
//! its level, seed and commands produce. It does not prove that a person played it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::command::Command;
use super::engine::Simulation;
use super::error::InputError;
use super::kata::{self, Drill, Storyboard};
use super::level::{Level, embedded_source};
use super::rules;

/// The `kind` of a run file: tells a run file from other JSON.
pub const RUN_KIND: &str = "flowkata-run";

/// The version of the run-file format this build writes; it reads this one and every older
/// one. Version 2 added `drill` and `storyboard` (both optional, so a version 1 file reads
/// as a run with neither).
pub const RUN_FORMAT_VERSION: u32 = 2;

/// The version of the engine: bumped whenever a change alters what a level and seed
/// produce, or refuses a command an older engine accepted, so that a run file from another
/// engine is reported as such, never as tampered. The golden runs in `tests/golden/` pin it:
/// `tests/golden.rs` fails when a shipped level and seed replay differently, and says to
/// bump this and regenerate them (`cargo xtask golden`, docs/runs.md).
///
/// - 1: the first engine with run files.
/// - 2: one rule for whether a batch fits a center (`rules::batch_fits`): `SetBatchSize`
///   refuses a batch above the center's WIP limit (version 1 accepted it, and the center
///   never filled a batch again). No shipped level and seed replays differently.
pub const ENGINE_VERSION: u32 = 2;

/// The level a run was played on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunLevel {
    /// The level's id.
    pub id: String,
    /// SHA-256 of the level file's text, hex: tells a changed level from the one played.
    pub content_hash: String,
    /// The whole level file, for a custom level (not one shipped with the game).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The figures a facilitator compares, as of the recorded sim time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Headline {
    /// Score, money.
    pub score: f64,
    /// Stars, 0–3.
    pub stars: u8,
    /// Value of completed planned work, money.
    pub value_delivered: f64,
    /// Cost of unplanned work, money.
    pub unplanned_cost: f64,
    /// Deploys.
    pub deploys: u64,
    /// 85th percentile lead time, sim minutes; `null` before anything completed.
    pub lead_time_p85: Option<f64>,
}

impl Headline {
    /// The headline figures of `sim` now.
    pub fn of(sim: &Simulation) -> Headline {
        let r = sim.report();
        Headline {
            score: r.score,
            stars: r.stars,
            value_delivered: r.run.value_delivered,
            unplanned_cost: r.run.unplanned_cost,
            deploys: r.run.deploys,
            lead_time_p85: r.run.lead_time_p85,
        }
    }

    /// The first field that differs from `other`, with both values.
    fn first_difference(&self, other: &Headline) -> Option<(&'static str, String, String)> {
        let fields = [
            ("score", self.score.to_string(), other.score.to_string()),
            ("stars", self.stars.to_string(), other.stars.to_string()),
            (
                "value_delivered",
                self.value_delivered.to_string(),
                other.value_delivered.to_string(),
            ),
            (
                "unplanned_cost",
                self.unplanned_cost.to_string(),
                other.unplanned_cost.to_string(),
            ),
            (
                "deploys",
                self.deploys.to_string(),
                other.deploys.to_string(),
            ),
            (
                "lead_time_p85",
                format!("{:?}", self.lead_time_p85),
                format!("{:?}", other.lead_time_p85),
            ),
        ];
        fields.into_iter().find(|(_, a, b)| a != b)
    }
}

/// A run written down.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunFile {
    /// Always [`RUN_KIND`].
    pub kind: String,
    /// [`RUN_FORMAT_VERSION`] of the build that wrote it.
    pub format_version: u32,
    /// [`ENGINE_VERSION`] of the build that wrote it.
    pub engine_version: u32,
    /// The game's version (the crate's), for people reading the file.
    pub build: String,
    /// The level.
    pub level: RunLevel,
    /// The seed.
    pub seed: u64,
    /// The team's name (may be empty).
    #[serde(default)]
    pub team: String,
    /// The command log.
    pub commands: Vec<Command>,
    /// The sim time the run reached, sim minutes.
    pub sim_time: f64,
    /// The headline figures at that time.
    pub headline: Headline,
    /// The state hash at that time ([`Simulation::state_hash`]).
    pub state_hash: String,
    /// The drill the run was played as, if any: the level is played with it
    /// ([`Level::with_drill`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drill: Option<Drill>,
    /// The team's improvement-kata storyboard, in a drill.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storyboard: Option<Storyboard>,
}

/// Why a run file did not verify. Each says which check failed.
#[derive(Clone, Debug, PartialEq)]
pub enum VerifyError {
    /// Not a run file at all, or not one this build can read (bad JSON, missing fields).
    NotARun(String),
    /// Larger than [`rules::MAX_RUN_FILE_BYTES`], or more commands than
    /// [`rules::MAX_RUN_COMMANDS`]: refused unread.
    TooLarge(String),
    /// Written by a newer format than this build reads.
    NewerFormat { found: u32 },
    /// Written by another engine version: the same inputs may produce another run, so the
    /// file can be neither confirmed nor called tampered.
    OtherEngine { found: u32 },
    /// The level is not shipped with this build and the file does not carry it.
    UnknownLevel(String),
    /// The level's content differs from the one the run was played on.
    LevelChanged(String),
    /// The embedded custom level does not parse or validate.
    BadLevel(String),
    /// The commands cannot be replayed (a refused command, a time out of order or past the
    /// recorded sim time).
    BadCommands(String),
    /// The replay differs from the record: the figures or the commands were changed.
    Mismatch {
        field: String,
        recorded: String,
        replayed: String,
    },
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VerifyError::NotARun(m) => write!(f, "not a flowkata run file: {m}"),
            VerifyError::TooLarge(m) => write!(f, "too large to be a run: {m}"),
            VerifyError::NewerFormat { found } => write!(
                f,
                "written by a newer flowkata (run format {found}; this build reads {RUN_FORMAT_VERSION})"
            ),
            VerifyError::OtherEngine { found } => write!(
                f,
                "played on engine version {found}, this build is engine version {ENGINE_VERSION}: replay it with a matching build"
            ),
            VerifyError::UnknownLevel(id) => {
                write!(
                    f,
                    "level {id:?} is not in this build and the file does not carry it"
                )
            }
            VerifyError::LevelChanged(id) => write!(
                f,
                "level {id:?} has changed since this run was played (its content hash differs)"
            ),
            VerifyError::BadLevel(m) => write!(f, "the level in the file is broken: {m}"),
            VerifyError::BadCommands(m) => write!(f, "the commands do not replay: {m}"),
            VerifyError::Mismatch {
                field,
                recorded,
                replayed,
            } => write!(
                f,
                "tampered or corrupt: {field} is {recorded} in the file but {replayed} when replayed"
            ),
        }
    }
}

impl std::error::Error for VerifyError {}

/// Reads a file brought in (a run file, a level) that may be at most
/// [`rules::MAX_RUN_FILE_BYTES`] long: a larger one is refused before it is read.
///
/// # Errors
/// Why it could not be read, or its size and the limit.
pub fn read_capped(path: &std::path::Path) -> Result<String, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read it: {e}"))?
        .len();
    if size > rules::MAX_RUN_FILE_BYTES as u64 {
        return Err(format!(
            "too large: {size} bytes; at most {} are read",
            rules::MAX_RUN_FILE_BYTES
        ));
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))
}

/// SHA-256 of `text`, hex.
pub fn content_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl RunFile {
    /// Writes down `sim` as it is now. `source` is the level file's text (before any drill
    /// was applied); a level that is not shipped with the game (or differs from the shipped
    /// one) is carried whole.
    pub fn record(sim: &Simulation, source: &str, team: &str) -> RunFile {
        Self::record_with(sim, source, team, None)
    }

    /// As [`RunFile::record`], with the team's storyboard of a drill.
    pub fn record_with(
        sim: &Simulation,
        source: &str,
        team: &str,
        storyboard: Option<Storyboard>,
    ) -> RunFile {
        let id = sim.level().id.clone();
        let hash = content_hash(source);
        let shipped = embedded_source(&id).is_some_and(|s| content_hash(s) == hash);
        RunFile {
            kind: RUN_KIND.into(),
            format_version: RUN_FORMAT_VERSION,
            engine_version: ENGINE_VERSION,
            build: env!("CARGO_PKG_VERSION").into(),
            level: RunLevel {
                id,
                content_hash: hash,
                source: (!shipped).then(|| source.to_string()),
            },
            seed: sim.seed(),
            team: team.to_string(),
            commands: sim.commands().to_vec(),
            sim_time: sim.now(),
            headline: Headline::of(sim),
            state_hash: sim.state_hash(),
            drill: sim.level().drill,
            storyboard,
        }
    }

    /// The file as pretty JSON that [`RunFile::parse`] reads back exactly.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("run files always serialize")
    }

    /// Reads a run file without verifying it.
    ///
    /// # Errors
    /// [`VerifyError::NotARun`] for text that is not a run file (with the JSON error's line
    /// and column), and [`VerifyError::NewerFormat`] for a newer format (checked first, so a
    /// newer file with new fields is reported as newer, not as broken).
    pub fn parse(text: &str) -> Result<RunFile, VerifyError> {
        if text.len() > rules::MAX_RUN_FILE_BYTES {
            return Err(VerifyError::TooLarge(format!(
                "{} bytes; a run file may have at most {}",
                text.len(),
                rules::MAX_RUN_FILE_BYTES
            )));
        }
        #[derive(Deserialize)]
        struct Probe {
            kind: Option<String>,
            format_version: Option<u32>,
        }
        let probe: Probe =
            serde_json::from_str(text).map_err(|e| VerifyError::NotARun(e.to_string()))?;
        if probe.kind.as_deref() != Some(RUN_KIND) {
            return Err(VerifyError::NotARun(format!(
                "its kind is {:?}, not {RUN_KIND:?}",
                probe.kind
            )));
        }
        if let Some(v) = probe.format_version.filter(|v| *v > RUN_FORMAT_VERSION) {
            return Err(VerifyError::NewerFormat { found: v });
        }
        let run: RunFile =
            serde_json::from_str(text).map_err(|e| VerifyError::NotARun(e.to_string()))?;
        if run.commands.len() > rules::MAX_RUN_COMMANDS {
            return Err(VerifyError::TooLarge(format!(
                "{} commands; a run may have at most {}",
                run.commands.len(),
                rules::MAX_RUN_COMMANDS
            )));
        }
        Ok(run)
    }

    /// The level the run was played on: the one it carries, or the shipped one with the
    /// same content.
    ///
    /// # Errors
    /// [`VerifyError::UnknownLevel`], [`VerifyError::LevelChanged`] or
    /// [`VerifyError::BadLevel`].
    pub fn level(&self) -> Result<Level, VerifyError> {
        let id = &self.level.id;
        let source = match (&self.level.source, embedded_source(id)) {
            (Some(s), _) => s.as_str(),
            (None, Some(s)) => s,
            (None, None) => return Err(VerifyError::UnknownLevel(id.clone())),
        };
        if content_hash(source) != self.level.content_hash {
            return Err(VerifyError::LevelChanged(id.clone()));
        }
        let level = Level::parse(&format!("{id} (in the run file)"), source)
            .map_err(|e: InputError| VerifyError::BadLevel(e.to_string()))?;
        if &level.id != id {
            return Err(VerifyError::BadLevel(format!(
                "the level in the file is {:?}, the file says {id:?}",
                level.id
            )));
        }
        match self.drill {
            Some(d) => level
                .with_drill(d)
                .map_err(|e| VerifyError::BadLevel(format!("drill: {e}"))),
            None => Ok(level),
        }
    }

    /// Replays level + seed + commands to the recorded sim time and compares the headline
    /// figures and the state hash with the recorded ones. Returns the replayed run.
    ///
    /// # Errors
    /// The first check that fails, as a [`VerifyError`]: another engine version, an unknown
    /// or changed level, commands that do not replay, or a replay that differs from the
    /// record (naming the first headline figure that differs, else the state hash).
    pub fn verify(&self) -> Result<Simulation, VerifyError> {
        if self.engine_version != ENGINE_VERSION {
            return Err(VerifyError::OtherEngine {
                found: self.engine_version,
            });
        }
        let level = self.level()?;
        if !self.sim_time.is_finite() || self.sim_time < 0.0 {
            return Err(VerifyError::BadCommands(format!(
                "sim_time {} is not a time",
                self.sim_time
            )));
        }
        if self.sim_time > level.duration() {
            return Err(VerifyError::BadCommands(format!(
                "sim_time {} is past the level's end ({})",
                self.sim_time,
                level.duration()
            )));
        }
        if let Some((i, c)) = self
            .commands
            .iter()
            .enumerate()
            .find(|(_, c)| !c.at.is_finite() || c.at > self.sim_time)
        {
            return Err(VerifyError::BadCommands(format!(
                "command {i} is at {} sim minutes, after the run's {}",
                c.at, self.sim_time
            )));
        }
        let (sim, rounds) = if level.drill.is_some() {
            kata::measure_rounds(&level, self.seed, &self.commands, self.sim_time)
                .map_err(VerifyError::BadCommands)?
        } else {
            let mut sim = Simulation::new(level.clone(), self.seed);
            // The verified run opens on the debrief: keep what its lead-time scatter needs.
            sim.keep_item_history();
            sim.apply_log(&self.commands)
                .map_err(VerifyError::BadCommands)?;
            sim.advance_to(self.sim_time);
            (sim, Vec::new())
        };
        if let Some(e) = sim.halted() {
            return Err(VerifyError::BadCommands(e.to_string()));
        }
        if let Some((field, recorded, replayed)) =
            self.headline.first_difference(&Headline::of(&sim))
        {
            return Err(VerifyError::Mismatch {
                field: format!("headline.{field}"),
                recorded,
                replayed,
            });
        }
        if let Some(story) = &self.storyboard {
            if level.drill.is_none() {
                return Err(VerifyError::Mismatch {
                    field: "storyboard".into(),
                    recorded: "a storyboard".into(),
                    replayed: "a run that is not a drill".into(),
                });
            }
            if let Some((field, recorded, replayed)) =
                kata::storyboard_difference(&level, self.seed, story, &rounds)
            {
                return Err(VerifyError::Mismatch {
                    field,
                    recorded,
                    replayed,
                });
            }
        }
        let hash = sim.state_hash();
        if hash != self.state_hash {
            return Err(VerifyError::Mismatch {
                field: "state_hash".into(),
                recorded: self.state_hash.clone(),
                replayed: hash,
            });
        }
        Ok(sim)
    }
}

/// The key of a run in a run link's fragment: `…/#run=DATA`.
pub const LINK_KEY: &str = "run=";

impl RunFile {
    /// The run as the data of a run link: compact JSON, compressed with DEFLATE (RFC 1951,
    /// by `miniz_oxide`) and written in URL-safe base64 without padding (RFC 4648 §5). A
    /// browser keeps a URL's fragment to itself, so a run link reaches no server.
    pub fn to_link_data(&self) -> String {
        use base64::Engine;
        let json = serde_json::to_string(self).expect("run files always serialize");
        let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed)
    }

    /// The run link: `base` (the game's address, without a fragment) with the run in its
    /// fragment.
    pub fn to_link(&self, base: &str) -> String {
        let base = base.split('#').next().unwrap_or_default();
        format!("{base}#{LINK_KEY}{}", self.to_link_data())
    }

    /// Reads a run from a run link, its fragment (`#run=…`) or the bare data, without
    /// verifying it.
    ///
    /// # Errors
    /// [`VerifyError::NotARun`] for text that is not a run link or does not decode (naming
    /// the step: base64 or DEFLATE), [`VerifyError::TooLarge`] when it would decompress to
    /// more than [`rules::MAX_RUN_FILE_BYTES`] (checked while decompressing, so a crafted
    /// link cannot exhaust memory), and every error of [`RunFile::parse`].
    pub fn from_link(link: &str) -> Result<RunFile, VerifyError> {
        use base64::Engine;
        let link = link.trim();
        let data = match link.rfind(LINK_KEY) {
            Some(i) => &link[i + LINK_KEY.len()..],
            None if !link.contains(['/', '#', '?', '{']) => link,
            None => {
                return Err(VerifyError::NotARun(format!(
                    "a run link has {LINK_KEY:?} in its fragment, after '#'"
                )));
            }
        };
        let data = data.split('&').next().unwrap_or_default();
        if data.len() > rules::MAX_RUN_FILE_BYTES {
            return Err(VerifyError::TooLarge(format!(
                "a link of {} characters; at most {}",
                data.len(),
                rules::MAX_RUN_FILE_BYTES
            )));
        }
        let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(data)
            .map_err(|e| {
                VerifyError::NotARun(format!("the link is cut or changed (base64: {e})"))
            })?;
        let json =
            miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, rules::MAX_RUN_FILE_BYTES)
                .map_err(|e| match e.status {
                    miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                        VerifyError::TooLarge(format!(
                            "the link unpacks to more than {} bytes",
                            rules::MAX_RUN_FILE_BYTES
                        ))
                    }
                    s => VerifyError::NotARun(format!(
                        "the link is cut or changed (it does not unpack: {s:?})"
                    )),
                })?;
        let text = String::from_utf8(json)
            .map_err(|_| VerifyError::NotARun("the link does not unpack to text".into()))?;
        RunFile::parse(&text)
    }

    /// Reads a run file's text or a run link, whichever `text` is.
    ///
    /// # Errors
    /// As [`RunFile::parse`] or [`RunFile::from_link`].
    pub fn parse_any(text: &str) -> Result<RunFile, VerifyError> {
        if text.trim_start().starts_with('{') {
            RunFile::parse(text)
        } else {
            RunFile::from_link(text)
        }
    }
}
