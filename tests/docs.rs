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
