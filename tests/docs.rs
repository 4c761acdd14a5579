//! The docs quote the core's ranges and limits; each quote is checked against the one
//! definition in `rules`, so that a changed limit cannot leave the docs behind.

use std::fmt::Display;

use flowkata::sim::rules::{self, Bounds};

fn doc(name: &str) -> String {
    std::fs::read_to_string(format!("{}/docs/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The row of the table in `text` whose first cell is `` `field` `` under the heading
/// `### section`.
fn row<'a>(text: &'a str, section: &str, field: &str) -> &'a str {
    let start = text
        .find(&format!("### {section}"))
        .unwrap_or_else(|| panic!("no section {section}"));
    let rest = &text[start..];
    let end = rest[4..].find("\n### ").map_or(rest.len(), |i| i + 4);
    rest[..end]
        .lines()
        .find(|l| l.starts_with(&format!("| `{field}` |")))
        .unwrap_or_else(|| panic!("no row {field} under {section}"))
}

/// `[min, max]` as the docs write a closed range.
fn closed<T: Display>(b: Bounds<T>) -> String {
    format!("[{}, {}]", b.min, b.max)
}

#[test]
fn the_level_format_quotes_the_rules_ranges() {
    let levels = doc("levels.md");
    let cases: Vec<(&str, &str, String)> = vec![
        (
            "`Level`",
            "days",
            format!("({}, {}]", rules::LEVEL_DAYS.min, rules::LEVEL_DAYS.max),
        ),
        (
            "`Level`",
            "improvement_share",
            closed(rules::IMPROVEMENT_SHARE),
        ),
        (
            "`Calendar`",
            "minutes_per_day",
            closed(rules::MINUTES_PER_DAY),
        ),
        ("`Center`", "wip_limit", closed(rules::WIP_LIMIT)),
        ("`Batch`", "size", closed(rules::BATCH_SIZE)),
        ("`Deploy`", "batch_size", closed(rules::BATCH_SIZE)),
        ("`Worker`", "skills", closed(rules::SKILL_SPEED)),
        (
            "`Arrival`",
            "due_days",
            format!("(0, {}]", rules::LEVEL_DAYS.max),
        ),
        ("`Board`", "every_days", closed(rules::BOARD_INTERVAL_DAYS)),
        (
            "`Improvement`",
            "max_rounds",
            closed(rules::IMPROVEMENT_ROUNDS),
        ),
    ];
    for (section, field, range) in cases {
        let line = row(&levels, section, field);
        assert!(
            line.contains(&range),
            "docs/levels.md, {section}.{field} should quote {range} (rules): {line}"
        );
    }
}

#[test]
fn the_run_file_docs_quote_the_limits() {
    // Prose wraps: compare with every run of whitespace made one space.
    let runs = doc("runs.md")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mib = rules::MAX_RUN_FILE_BYTES / (1024 * 1024);
    assert!(
        runs.contains(&format!("**{mib} MiB**")),
        "docs/runs.md: {mib} MiB"
    );
    let commands = rules::MAX_RUN_COMMANDS
        .to_string()
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(",");
    assert!(
        runs.contains(&format!("**{commands} commands**")),
        "docs/runs.md: {commands} commands"
    );
}

/// A level with every section present and only its required fields: each `/*Section*/`
/// marks where a field of that section can be written.
const EVERY_SECTION: &str = r#"Level(
    id: "defaults", title: "Defaults", days: 1.0, /*Level*/
    calendar: (/*Calendar*/),
    centers: [
        (id: "dev", name: "Dev", batch: (size: 1, /*Batch*/), /*Center*/),
        (id: "deploy", name: "Deploy",
         deploy: (batch_size: 1, setup: Fixed(0.0), failure_probability: 0.0, /*Deploy*/)),
    ],
    workers: [(name: "w", skills: {"dev": 1.0, "deploy": 1.0, "outages": 1.0}, /*Worker*/)],
    arrivals: [(
        name: "a", work_type: Change, interarrival: Fixed(1.0),
        route: [(center: "dev", /*Step*/), (center: "deploy")], /*Arrival*/
    )],
    outages: (fix_effort: Fixed(1.0), cost_per_hour: 0.0, /*Outages*/),
    changes: (board: (every_days: 1.0, /*Board*/), /*Changes*/),
    improvements: [(id: "i", name: "I", work: Fixed(1.0), by: Anyone, effect: Nothing, /*Improvement*/)],
    debt: (outage_rate_per_point: 0.0, /*Debt*/),
    release: (/*Release*/),
    hints: [(when: After(minutes: 1.0), text: "h", /*Hint*/)],
)"#;

/// `source` parsed and validated as the game reads a level file.
fn parse_level(source: &str) -> flowkata::sim::Level {
    flowkata::sim::Level::parse("defaults.ron", source).unwrap_or_else(|e| panic!("{e}\n{source}"))
}

/// The literal default a row of docs/levels.md states, if it states one: the cell of the
/// table's `default` column, or the text after "default " in another cell ("sim minutes,
/// default 0"). A literal is a number, `true`/`false`, or one code span (`` `"usual"` ``);
/// prose such as "none" or "every decision" is not.
fn documented_default(header: &[&str], cells: &[&str]) -> Option<String> {
    let literal = |s: &str| -> Option<String> {
        let s = s.trim();
        if let Some(code) = s.strip_prefix('`').and_then(|c| c.strip_suffix('`'))
            && !code.contains('`')
        {
            return Some(code.to_string());
        }
        (s.parse::<f64>().is_ok() || s == "true" || s == "false").then(|| s.to_string())
    };
    if let Some(col) = header.iter().position(|h| h.trim() == "default") {
        return cells.get(col).and_then(|c| literal(c));
    }
    cells.iter().find_map(|c| {
        let rest = &c[c.find("default ")? + "default ".len()..];
        let end = if let Some(code) = rest.strip_prefix('`') {
            code.find('`').map_or(rest.len(), |i| i + 2)
        } else {
            rest.find([',', ';', ' ']).unwrap_or(rest.len())
        };
        literal(&rest[..end])
    })
}

/// `source` with every `/*Section*/` marker removed.
fn strip_markers(source: &str) -> String {
    let mut s = source.to_string();
    while let Some(i) = s.find("/*") {
        let j = s[i..].find("*/").expect("a closed marker") + i + 2;
        s.replace_range(i..j, "");
    }
    s
}

/// docs/levels.md states the schema's defaults: for every field whose table gives a literal
/// default, a level that writes that value parses to the same level as one that leaves the
/// field out. The defaults themselves live once, in the schema's serde defaults.
#[test]
fn the_level_format_states_the_schema_defaults() {
    let levels = doc("levels.md");
    let baseline = parse_level(&strip_markers(EVERY_SECTION));
    let mut checked = Vec::new();
    let mut section = String::new();
    let mut header: Vec<&str> = Vec::new();
    for line in levels.lines() {
        if let Some(h) = line.strip_prefix("### ") {
            section = h.trim_matches('`').to_string();
        }
        if !line.starts_with('|') {
            header.clear();
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').collect();
        if header.is_empty() {
            header = cells;
            continue;
        }
        let Some(field) = cells[0]
            .trim()
            .strip_prefix('`')
            .and_then(|f| f.strip_suffix('`'))
        else {
            continue;
        };
        let Some(value) = documented_default(&header, &cells) else {
            continue;
        };
        let marker = format!("/*{section}*/");
        assert!(
            EVERY_SECTION.contains(&marker),
            "docs/levels.md gives {section}.{field} the default {value}, but this test's level has no {marker}"
        );
        // A section this level writes out (`release: (…)`) is left out when its own
        // default is written instead.
        let template: String = EVERY_SECTION
            .lines()
            .filter(|l| !(section == "Level" && l.starts_with(&format!("    {field}: "))))
            .collect::<Vec<_>>()
            .join("\n");
        let written = strip_markers(&template.replace(&marker, &format!("{field}: {value},")));
        assert_eq!(
            parse_level(&written),
            baseline,
            "docs/levels.md says {section}.{field} defaults to {value}, but the schema's default differs"
        );
        checked.push(format!("{section}.{field}"));
    }
    // The tables give about thirty literal defaults: a parser that found none would pass
    // vacuously, so the count is checked too.
    assert!(
        checked.len() >= 25,
        "only {} documented defaults found: {checked:?}",
        checked.len()
    );
}
