//! A facilitator's comparison of several teams' runs: each run file or run link is read and
//! verified, the runs on the same level, seed and drill are ranked by score, and the rest
//! are marked as not comparable rather than mixed in. The comparison exports as CSV (one
//! row per team) and as a Markdown debrief pack (the table, each team's storyboard and
//! decisions as a readable timeline). The game's Compare screen and `flowkata-cli compare`
//! both build on it.

use super::dora::FourKeys;
use super::kata::{Drill, Storyboard, format_value};
use super::level::Calendar;
use super::metrics::{RunReport, Sample};
use super::run_file::{RunFile, VerifyError};

/// What makes two runs comparable: the same level (by content), seed and drill.
#[derive(Clone, Debug, PartialEq)]
pub struct RunKey {
    /// Level id.
    pub level: String,
    /// SHA-256 of the level's text.
    pub content_hash: String,
    /// Seed.
    pub seed: u64,
    /// Drill, if any.
    pub drill: Option<Drill>,
}

impl RunKey {
    fn of(run: &RunFile) -> RunKey {
        RunKey {
            level: run.level.id.clone(),
            content_hash: run.level.content_hash.clone(),
            seed: run.seed,
            drill: run.drill,
        }
    }

    /// `level brent, seed 42` (with the drill when there is one).
    pub fn label(&self) -> String {
        let drill = self.drill.map_or(String::new(), |d| {
            format!(", {} rounds of {} days", d.rounds, d.round_days)
        });
        format!("level {}, seed {}{drill}", self.level, self.seed)
    }
}

/// One team's run in a comparison.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Where it came from: a file name, or `link N`.
    pub source: String,
    /// The run, when it could be read.
    pub run: Option<RunFile>,
    /// `Ok` when verified; else why not (including why it could not be read).
    pub check: Result<(), VerifyError>,
    /// The replayed report, when verified.
    pub report: Option<RunReport>,
    /// The replayed run's samples over time (score, WIP, completed, unplanned cost), when
    /// verified.
    pub samples: Vec<Sample>,
    /// Whether it is on the comparison's level, seed and drill.
    pub comparable: bool,
    /// The level's calendar (read once, for the figures in workdays and the timeline).
    pub calendar: Calendar,
}

impl Entry {
    /// The team's name, or the source when the run has none.
    pub fn team(&self) -> String {
        self.run
            .as_ref()
            .map(|r| r.team.trim().to_string())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| self.source.clone())
    }

    /// The score: the replayed one when verified, else the recorded one.
    pub fn score(&self) -> Option<f64> {
        self.report
            .as_ref()
            .map(|r| r.score)
            .or_else(|| self.run.as_ref().map(|r| r.headline.score))
    }

    /// Whether it verified.
    pub fn verified(&self) -> bool {
        self.check.is_ok()
    }

    /// `verified`, `not verified: …`, or `not comparable: …` in words.
    pub fn status(&self, key: Option<&RunKey>) -> String {
        match (&self.run, &self.check) {
            (None, Err(e)) => format!("unreadable: {e}"),
            (None, Ok(())) => "unreadable".into(),
            (Some(_), Err(e)) => format!("NOT verified: {e}"),
            (Some(run), Ok(())) if !self.comparable => format!(
                "not comparable: {} (the comparison is on {})",
                RunKey::of(run).label(),
                key.map_or("—".into(), RunKey::label)
            ),
            (Some(_), Ok(())) => "verified".into(),
        }
    }
}

/// Several teams' runs, ranked.
#[derive(Clone, Debug, Default)]
pub struct Comparison {
    /// The level, seed and drill most runs were played on: the comparison's.
    pub key: Option<RunKey>,
    /// The runs: verified comparable ones by score (highest first), then comparable ones
    /// that did not verify, then runs on another level, seed or drill, then unreadable ones.
    pub entries: Vec<Entry>,
    /// The table, one row per entry, built once by [`compare`].
    rows: Vec<[String; 17]>,
}

/// Reads, verifies and ranks `inputs`: (source name, run file text or run link).
pub fn compare(inputs: &[(String, String)]) -> Comparison {
    let mut entries: Vec<Entry> = inputs
        .iter()
        .map(|(source, text)| {
            let (run, check, report, samples) = match RunFile::parse_any(text) {
                Err(e) => (None, Err(e), None, Vec::new()),
                Ok(run) => match run.verify() {
                    Ok(sim) => (
                        Some(run),
                        Ok(()),
                        Some(sim.report()),
                        sim.samples().to_vec(),
                    ),
                    Err(e) => (Some(run), Err(e), None, Vec::new()),
                },
            };
            let calendar = run
                .as_ref()
                .and_then(|r| r.level().ok())
                .map(|l| l.calendar)
                .unwrap_or_default();
            Entry {
                source: source.clone(),
                run,
                check,
                report,
                samples,
                comparable: false,
                calendar,
            }
        })
        .collect();
    // The comparison's key: the most common among the runs (the first on a tie).
    let keys: Vec<RunKey> = entries
        .iter()
        .filter_map(|e| e.run.as_ref().map(RunKey::of))
        .collect();
    let key = keys
        .iter()
        .max_by_key(|k| {
            let n = keys.iter().filter(|o| o == k).count();
            let first = keys.iter().position(|o| o == *k).unwrap_or(0);
            (n, std::cmp::Reverse(first))
        })
        .cloned();
    for e in &mut entries {
        e.comparable = e.run.as_ref().is_some_and(|r| Some(RunKey::of(r)) == key);
    }
    let group = |e: &Entry| match (e.run.is_some(), e.comparable, e.verified()) {
        (true, true, true) => 0,
        (true, true, false) => 1,
        (true, false, _) => 2,
        (false, _, _) => 3,
    };
    entries.sort_by(|a, b| {
        group(a).cmp(&group(b)).then(
            b.score()
                .unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&a.score().unwrap_or(f64::NEG_INFINITY)),
        )
    });
    let mut cmp = Comparison {
        key,
        entries,
        rows: Vec::new(),
    };
    cmp.rows = cmp.table();
    cmp
}

/// The columns of the comparison table, in order.
pub const COLUMNS: [&str; 17] = [
    "rank",
    "team",
    "status",
    "score",
    "stars",
    "value delivered",
    "unplanned cost",
    "deploys per day",
    "lead time for changes (days)",
    "change failure rate",
    "recovery time (h)",
    "lead time p50 (days)",
    "lead time p85 (days)",
    "outages",
    "debt",
    "source",
    "commands",
];

impl Comparison {
    /// The table: one row per entry, the cells of [`COLUMNS`] as text ("" for nothing to
    /// measure; figures of a run that did not verify are its recorded headline only).
    pub fn rows(&self) -> &[[String; 17]] {
        &self.rows
    }

    fn table(&self) -> Vec<[String; 17]> {
        let num =
            |v: Option<f64>, digits: usize| v.map_or(String::new(), |v| format!("{v:.digits$}"));
        let mut rank = 0;
        self.entries
            .iter()
            .map(|e| {
                let ranked = e.comparable && e.verified();
                if ranked {
                    rank += 1;
                }
                let r = e.report.as_ref();
                let h = e.run.as_ref().map(|r| &r.headline);
                let mpd = e.calendar.minutes_per_day;
                let keys = r.map(|r| FourKeys::of(r, mpd));
                let days = |m: Option<f64>| m.map(|m| m / mpd);
                [
                    if ranked {
                        rank.to_string()
                    } else {
                        String::new()
                    },
                    e.team(),
                    e.status(self.key.as_ref()),
                    num(e.score(), 0),
                    num(
                        r.map(|r| f64::from(r.stars))
                            .or(h.map(|h| f64::from(h.stars))),
                        0,
                    ),
                    num(h.map(|h| h.value_delivered), 0),
                    num(h.map(|h| h.unplanned_cost), 0),
                    num(keys.as_ref().and_then(|k| k.deployment_frequency.value), 2),
                    num(keys.as_ref().and_then(|k| k.change_lead_time_days.value), 2),
                    num(keys.as_ref().and_then(|k| k.change_fail_rate.value), 3),
                    num(keys.as_ref().and_then(|k| k.recovery_time_hours.value), 1),
                    num(days(r.and_then(|r| r.run.lead_time_p50)), 2),
                    num(days(r.and_then(|r| r.run.lead_time_p85)), 2),
                    num(r.map(|r| r.run.outages as f64), 0),
                    num(r.map(|r| r.run.debt), 1),
                    e.source.clone(),
                    e.run
                        .as_ref()
                        .map_or(String::new(), |r| r.commands.len().to_string()),
                ]
            })
            .collect()
    }

    /// The table as CSV (RFC 4180, by the `csv` crate): a header of [`COLUMNS`] and one row
    /// per team.
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        // Writing to memory cannot fail.
        let _ = w.write_record(COLUMNS);
        for row in &self.rows {
            let _ = w.write_record(row);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// The debrief pack as Markdown: the table, then per team its storyboard (in a drill)
    /// and its decisions as a timeline.
    pub fn to_markdown(&self) -> String {
        let mut md = String::from("# flowkata debrief pack\n\n");
        if let Some(k) = &self.key {
            md += &format!("Runs on {}.\n\n", k.label());
        }
        let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
        md += &format!("| {} |\n", COLUMNS[..15].join(" | "));
        md += &format!("|{}\n", "---|".repeat(15));
        for row in &self.rows {
            let cells: Vec<String> = row[..15].iter().map(|c| cell(c)).collect();
            md += &format!("| {} |\n", cells.join(" | "));
        }
        for e in &self.entries {
            md += &format!("\n## {}\n\n", cell(&e.team()));
            md += &format!("{} ({})\n", e.status(self.key.as_ref()), e.source);
            let Some(run) = &e.run else { continue };
            if let Some(story) = &run.storyboard {
                md += &storyboard_markdown(story);
            }
            md += "\n### Decisions\n\n";
            let calendar = &e.calendar;
            if run.commands.is_empty() {
                md += "No decisions: the level's standing rules throughout.\n";
            }
            for c in &run.commands {
                md += &format!("- {}: {}\n", calendar.format(c.at), c.action.describe());
            }
        }
        md
    }
}

/// A storyboard as Markdown: the challenge, then per round its conditions, experiment,
/// prediction, result and learning.
pub fn storyboard_markdown(story: &Storyboard) -> String {
    let mut md = String::from("\n### Storyboard\n\n");
    md += &format!("**Challenge:** {}\n", story.challenge);
    for (k, r) in story.rounds.iter().enumerate() {
        let metric = &r.target.metric;
        md += &format!("\n**Round {}**\n\n", k + 1);
        let current: Vec<String> = r
            .current_condition
            .iter()
            .filter(|f| &f.metric == metric)
            .map(|f| f.shown())
            .collect();
        md += &format!("- Current condition: {}\n", current.join("; "));
        md += &format!("- Target condition: {}\n", r.target.label());
        md += &format!("- Obstacle: {}\n", r.obstacle);
        md += &format!("- Experiment: {}\n", r.experiment);
        md += &format!(
            "- Prediction: {}; result: {}{}\n",
            format_value(metric, Some(r.prediction)),
            format_value(metric, r.result),
            match r.target_met() {
                Some(true) => " (target met)",
                Some(false) => " (target not met)",
                None => "",
            }
        );
        md += &format!("- Learned: {}\n", r.learned);
    }
    md
}
