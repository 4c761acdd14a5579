//! Tidy: the layer rules of docs/architecture.md, enforced (in the manner of rust-analyzer's
//! `tidy` tests). Every `crate::…`, `super::…` and `flowkata::…` path in the source (outside
//! comments) is resolved to the module it names, and a path that climbs a layer fails the
//! test with the file, the line and the rule it breaks.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The core's layers, from the ground up: a module may use its own layer and those below.
/// The first segment under `sim::` names the module.
const CORE_LAYERS: &[(&str, &[&str])] = &[
    (
        "the level schema and rules",
        &["level", "rules", "error", "dist", "rng"],
    ),
    ("the engine and its mechanics", &["engine", "command"]),
    ("the measures", &["metrics", "challenge", "dora", "debrief"]),
    (
        "the analyses and the workshop",
        &[
            "replicate",
            "balance",
            "luck",
            "soak",
            "scrub",
            "run_file",
            "kata",
            "compare",
            "campaign",
        ],
    ),
];

/// Core imports that climb a layer today, each with the reason it is still there: none. The
/// test fails on any climb not listed, and when a listed one is gone (so a list only shrinks).
const KNOWN_CLIMBS: &[(&str, &str, &str)] = &[];

/// The shell's modules (first segment under `game::`) that take plain data and must never
/// see a screen's types.
const SHELL_WIDGETS: &[&str] = &["state", "board", "ui", "input"];

/// The screens whose types the widgets must not import (the `Screen` state itself is fine).
const SCREENS: &[&str] = &["play", "debrief", "title", "compare"];

/// Shell imports of a screen's types by a widget that remain, with the reason: none. As
/// above, the test fails on any climb not listed, and the list may only shrink.
const KNOWN_SHELL_CLIMBS: &[(&str, &str, &str)] = &[];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a source file under `src/`: `src/sim/engine/flow.rs` is
/// `["sim", "engine", "flow"]`, `src/sim/level/mod.rs` is `["sim", "level"]`.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .skip(1)
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The code of a line without its comment (`//` outside a string).
fn code(line: &str) -> &str {
    let mut in_str = false;
    let bytes = line.as_bytes();
    for i in 0..bytes.len() {
        match bytes[i] {
            b'"' if i == 0 || bytes[i - 1] != b'\\' => in_str = !in_str,
            b'/' if !in_str && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
    }
    line
}

/// Every absolute module path that `line` names, from the file's module `here`: each
/// `crate::a::b`, `flowkata::a::b` and `super::…::a` resolved, and each member of a
/// `{…}` group on the line taken as its own path.
fn paths_in(line: &str, here: &[String]) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(i) = ["crate::", "flowkata::", "super::"]
        .iter()
        .filter_map(|k| rest.find(k).map(|i| (i, *k)))
        .min()
    {
        let (start, key) = i;
        let before = rest[..start].chars().last();
        let tail = &rest[start..];
        rest = &rest[start + key.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let mut base: Vec<String> = match key {
            "crate::" | "flowkata::" => Vec::new(),
            _ => {
                let mut b = here.to_vec();
                let mut t = tail;
                while let Some(r) = t.strip_prefix("super::") {
                    b.pop();
                    t = r;
                }
                // Skip past the whole `super::super::…` chain.
                rest = t;
                b
            }
        };
        let segs: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        base.extend(
            segs.split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
        let after = &rest[segs.len()..];
        if segs.ends_with("::")
            && let Some(inner) = after.strip_prefix('{')
        {
            let inner = &inner[..inner.find('}').unwrap_or(inner.len())];
            for member in inner.split(',') {
                let first = member.trim().split("::").next().unwrap_or("").trim();
                if first.is_empty() {
                    continue;
                }
                let mut p = base.clone();
                if first != "self" {
                    p.push(first.to_string());
                }
                found.push(p);
            }
        } else {
            found.push(base);
        }
    }
    found
}

/// The core layer of a module under `sim::`.
fn core_layer(module: &str) -> Option<usize> {
    CORE_LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

/// Every import that climbs: (file, line number, the module used, the rule broken).
fn climbs() -> Vec<(String, usize, String, String)> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files.sort();
    let sim_reexports = sim_reexports();
    let mut out = Vec::new();
    for file in files {
        let rel = file.strip_prefix(root()).unwrap().to_path_buf();
        let here = module_of(&rel);
        let text = std::fs::read_to_string(&file).unwrap();
        let name = rel.to_string_lossy().to_string();
        let lines: Vec<&str> = text.lines().collect();
        let mut n = 0;
        while n < lines.len() {
            // A `use` spread over several lines (rustfmt's groups) is read as one line.
            let mut line = code(lines[n]).to_string();
            let start = n;
            if line.contains("use ") && line.contains('{') && !line.contains(';') {
                while n + 1 < lines.len() && !line.contains(';') {
                    n += 1;
                    line.push_str(code(lines[n]));
                }
            }
            n += 1;
            for path in paths_in(&line, &here) {
                // The core: sim::X from a file in sim::Y.
                if here.first().is_some_and(|s| s == "sim")
                    && here.len() >= 2
                    && path.first().is_some_and(|s| s == "sim")
                    && path.len() >= 2
                {
                    let from = &here[1];
                    let mut to = path[1].clone();
                    if let Some(m) = sim_reexports.iter().find(|(item, _)| *item == to) {
                        to = m.1.clone();
                    }
                    if let (Some(a), Some(b)) = (core_layer(from), core_layer(&to))
                        && b > a
                    {
                        out.push((
                            name.clone(),
                            start + 1,
                            to.clone(),
                            format!(
                                "`sim::{from}` is {}; it may not use `sim::{to}`, in {}",
                                CORE_LAYERS[a].0, CORE_LAYERS[b].0
                            ),
                        ));
                    }
                }
                // The shell: a widget using a screen's types.
                if here.first().is_some_and(|s| s == "game")
                    && here
                        .get(1)
                        .is_some_and(|m| SHELL_WIDGETS.contains(&m.as_str()))
                    && path.first().is_some_and(|s| s == "game")
                    && path.get(1).is_some_and(|s| s == "screens")
                    && path.get(2).is_some_and(|s| SCREENS.contains(&s.as_str()))
                {
                    out.push((
                        name.clone(),
                        start + 1,
                        path[2].clone(),
                        format!(
                            "`game::{}` takes plain data; it may not use `screens::{}`'s types",
                            here[1], path[2]
                        ),
                    ));
                }
            }
        }
    }
    out
}

/// The items `sim/mod.rs` re-exports, with the module each comes from: `sim::Simulation`
/// is the engine's.
fn sim_reexports() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root().join("src/sim/mod.rs")).unwrap();
    let flat = text.replace('\n', " ");
    let mut out = Vec::new();
    for stmt in flat.split(';') {
        let Some(body) = stmt.trim().strip_prefix("pub use ") else {
            continue;
        };
        let (module, items) = match body.split_once("::") {
            Some((m, rest)) => (m.trim().to_string(), rest),
            None => continue,
        };
        let items = items.trim().trim_start_matches('{').trim_end_matches('}');
        for item in items.split(',') {
            let item = item.trim().rsplit("::").next().unwrap_or("").trim();
            if !item.is_empty() {
                out.push((item.to_string(), module.clone()));
            }
        }
    }
    out
}

#[test]
fn no_import_climbs_a_layer() {
    let found = climbs();
    let known: BTreeSet<(&str, &str)> = KNOWN_CLIMBS
        .iter()
        .chain(KNOWN_SHELL_CLIMBS)
        .map(|(f, m, _)| (*f, *m))
        .collect();
    let new: Vec<String> = found
        .iter()
        .filter(|(f, _, m, _)| !known.contains(&(f.as_str(), m.as_str())))
        .map(|(f, n, _, why)| format!("  {f}:{n}: {why}"))
        .collect();
    assert!(
        new.is_empty(),
        "imports that climb a layer (docs/architecture.md, \"Layers\"):\n{}",
        new.join("\n")
    );
    let gone: Vec<String> = known
        .iter()
        .filter(|(f, m)| !found.iter().any(|(ff, _, mm, _)| ff == f && mm == m))
        .map(|(f, m)| format!("  {f} no longer uses {m}"))
        .collect();
    assert!(
        gone.is_empty(),
        "a known climb is gone: take it off the list in tests/tidy.rs\n{}",
        gone.join("\n")
    );
}

/// The rule the issue names first: the level schema imports nothing above it.
#[test]
fn the_level_schema_imports_nothing_above_it() {
    let offenders: Vec<String> = climbs()
        .into_iter()
        .filter(|(f, ..)| f.starts_with("src/sim/level/"))
        .map(|(f, n, _, why)| format!("{f}:{n}: {why}"))
        .collect();
    assert!(offenders.is_empty(), "{offenders:#?}");
}

/// The resolver itself, on lines whose answer is known: a checker that resolves nothing
/// would pass every tree.
#[test]
fn the_resolver_finds_the_module_each_path_names() {
    let here: Vec<String> = ["sim", "level", "validate"].map(String::from).to_vec();
    let p = paths_in("use super::super::engine::Simulation;", &here);
    assert_eq!(p, vec![vec!["sim", "engine", "Simulation"]]);
    let p = paths_in("use crate::sim::{kata::Drill, metrics};", &here);
    assert_eq!(p, vec![vec!["sim", "kata"], vec!["sim", "metrics"]]);
    let p = paths_in("use crate::sim::{    kata::Drill,    metrics,};", &here);
    assert_eq!(p, vec![vec!["sim", "kata"], vec!["sim", "metrics"]]);
    let p = paths_in("    x: crate::game::screens::play::SelectedOutage,", &here);
    assert_eq!(p[0][..4], ["game", "screens", "play", "SelectedOutage"]);
    assert!(paths_in(code("// use crate::sim::engine;"), &here).is_empty());
    assert_eq!(code("let a = 1; // crate::sim::engine"), "let a = 1; ");
    let sim: Vec<String> = ["sim", "metrics"].map(String::from).to_vec();
    let p = paths_in("use super::run_file::ENGINE_VERSION;", &sim);
    assert_eq!(p, vec![vec!["sim", "run_file", "ENGINE_VERSION"]]);
    assert!(
        sim_reexports().contains(&("Simulation".to_string(), "engine".to_string())),
        "sim::Simulation is the engine's"
    );
}

/// Colors live in `theme` only (docs/architecture.md): no color is written out anywhere
/// else in the shell, so that no two series of a chart can be given one color by accident
/// and a palette change is one file. (`TRANSPARENT` is no color: a panel without fill.)
#[test]
fn colors_are_defined_in_theme_only() {
    let mut files = Vec::new();
    rust_files(&root().join("src/game"), &mut files);
    let mut found = Vec::new();
    for f in files {
        let rel = f.strip_prefix(root()).unwrap().to_path_buf();
        if rel.ends_with("theme.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = code(line);
            let literal = ["Color32::from_", "Color::srgb", "Color::rgb", "Color::hsl"]
                .iter()
                .any(|k| code.contains(k))
                || code.split("Color32::").skip(1).any(|rest| {
                    rest.starts_with(|c: char| c.is_ascii_uppercase())
                        && !rest.starts_with("TRANSPARENT")
                });
            if literal {
                found.push(format!("{}:{}: {}", rel.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "colors written outside src/game/theme.rs (name them in theme):\n{}",
        found.join("\n")
    );
}
