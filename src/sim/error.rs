//! Errors of bad input: level files, command logs and command-line parameters.

use std::fmt;

/// A problem in an input file, located as precisely as the parser allows.
///
/// Displayed as `file:line:column: field: message`, the form editors and terminals link to.
/// `line` and `column` are 1-based; they are `None` when the problem is not tied to one place
/// (for example a field that is missing altogether).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// The file name or embedded level id the input came from.
    pub file: String,
    /// 1-based line of the offending text, where known.
    pub line: Option<usize>,
    /// 1-based column of the offending text, where known.
    pub column: Option<usize>,
    /// The path of the offending field, such as `arrivals[1].route[0].center`, where known.
    pub field: Option<String>,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for InputError {}

/// Why a run stopped before its end.
#[derive(Clone, Debug, PartialEq)]
pub enum RunError {
    /// The run processed its whole event budget (see
    /// [`crate::sim::rules::EVENT_BUDGET_FACTOR`]) before its end: the level makes far more
    /// events than its numbers let validation expect.
    EventBudget {
        /// The budget, events.
        budget: u64,
        /// Sim time the run stopped at, sim minutes.
        at: f64,
        /// The level's expected events for the whole run.
        expected: f64,
    },
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::EventBudget {
                budget,
                at,
                expected,
            } => write!(
                f,
                "the run stopped at sim minute {at:.1} after {budget} events, its event budget \
                 (ten times the {expected:.0} events its level leads one to expect): something \
                 in the level makes events without end, such as work that takes no time"
            ),
        }
    }
}

impl std::error::Error for RunError {}

impl InputError {
    /// An error about the file as a whole (for example: it cannot be read).
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            line: None,
            column: None,
            field: None,
            message: message.into(),
        }
    }

    /// An error in a command-line argument (`field` such as `--days`), reported as coming from
    /// the file `command line`.
    pub fn argument(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: "command line".into(),
            line: None,
            column: None,
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// Converts a RON syntax or type error, keeping its position and naming the field: the
    /// one the parser reports, else the one written at the error's position in `source`.
    pub fn from_ron(file: &str, source: &str, err: &ron::error::SpannedError) -> Self {
        use ron::Error as E;
        let field = match &err.code {
            E::MissingStructField { field, .. } => Some(field.to_string()),
            E::NoSuchStructField { found, .. } => Some(found.clone()),
            E::DuplicateStructField { field, .. } => Some(field.to_string()),
            _ => path_at(source, err.span.start.line, err.span.start.col),
        };
        Self {
            file: file.to_string(),
            line: Some(err.span.start.line),
            column: Some(err.span.start.col),
            field,
            message: err.code.to_string(),
        }
    }

    /// An error in a field whose value was parsed but is not acceptable, located in `source`
    /// by its path (see [`locate_path`]).
    pub fn at_field(
        file: &str,
        source: &str,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let field = field.into();
        let (line, column) =
            locate_path(source, &field).map_or((None, None), |(l, c)| (Some(l), Some(c)));
        Self {
            file: file.to_string(),
            line,
            column,
            field: Some(field),
            message: message.into(),
        }
    }
}

/// Finds the 1-based (line, column) of the value at `path` in RON `source`.
///
/// `path` is written as in error messages: `arrivals[1].route[0].center`, `[2].at`. Returns
/// the position of the key (or of the list element) that `path` names; if the path does not
/// occur in full (a missing field), the position of the deepest enclosing item found.
pub fn locate_path(source: &str, path: &str) -> Option<(usize, usize)> {
    let mut best: Option<(usize, (usize, usize))> = None;
    scan_paths(source, |p, at| {
        if p == path {
            best = Some((usize::MAX, at));
        } else if path.starts_with(p)
            && matches!(path.as_bytes().get(p.len()), Some(b'.') | Some(b'['))
            && best.is_none_or(|(len, _)| len != usize::MAX && p.len() > len)
        {
            best = Some((p.len(), at));
        }
    });
    best.map(|(_, at)| at)
}

/// The path of the field being written at 1-based (`line`, `col`) of RON `source`: the last
/// key or list element that starts at or before that position. `None` before the first one.
pub fn path_at(source: &str, line: usize, col: usize) -> Option<String> {
    let mut found = None;
    scan_paths(source, |p, at| {
        if at <= (line, col) {
            found = Some(p.to_string());
        }
    });
    found
}

/// Walks RON `source`, following the nesting of `(…)`, `[…]` and `{…}` and skipping strings
/// and comments, and calls `visit(path, (line, column))` at every struct key and list element.
fn scan_paths(source: &str, mut visit: impl FnMut(&str, (usize, usize))) {
    /// An open bracket: the path of the value it encloses, and, for a list, the index of the
    /// current element; for a struct or map, the last key seen.
    struct Frame {
        prefix: String,
        list_index: Option<usize>,
        key: Option<String>,
    }
    let chars: Vec<char> = source.chars().collect();
    let (mut line, mut col) = (1usize, 1usize);
    let mut stack: Vec<Frame> = Vec::new();
    let value_path = |stack: &[Frame]| -> Option<String> {
        let top = stack.last()?;
        match (&top.list_index, &top.key) {
            (Some(i), _) => Some(format!("{}[{i}]", top.prefix)),
            (None, Some(k)) if top.prefix.is_empty() => Some(k.clone()),
            (None, Some(k)) => Some(format!("{}.{k}", top.prefix)),
            (None, None) => None,
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let here = (line, col);
        let mut advance = |n: usize, i: &mut usize| {
            for _ in 0..n {
                if *i < chars.len() {
                    if chars[*i] == '\n' {
                        line += 1;
                        col = 1;
                    } else {
                        col += 1;
                    }
                    *i += 1;
                }
            }
        };
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                advance(1, &mut i);
            }
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            advance(2, &mut i);
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                advance(1, &mut i);
            }
            advance(2, &mut i);
            continue;
        }
        if c == '"' {
            advance(1, &mut i);
            while i < chars.len() && chars[i] != '"' {
                let n = if chars[i] == '\\' { 2 } else { 1 };
                advance(n, &mut i);
            }
            advance(1, &mut i);
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let startc = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                advance(1, &mut i);
            }
            let ident: String = chars[startc..i].iter().collect();
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let in_struct = stack.last().is_some_and(|f| f.list_index.is_none());
            if in_struct && chars.get(j) == Some(&':') {
                stack.last_mut().expect("in a struct").key = Some(ident);
                if let Some(p) = value_path(&stack) {
                    visit(&p, here);
                }
            }
            continue;
        }
        match c {
            '(' | '[' | '{' => {
                let prefix = value_path(&stack).unwrap_or_default();
                if stack.last().is_some_and(|f| f.list_index.is_some()) {
                    visit(&prefix, here);
                }
                let list_index = (c == '[').then_some(0);
                stack.push(Frame {
                    prefix,
                    list_index,
                    key: None,
                });
            }
            ')' | ']' | '}' => {
                stack.pop();
            }
            ',' => {
                if let Some(f) = stack.last_mut()
                    && let Some(i) = f.list_index.as_mut()
                {
                    *i += 1;
                }
            }
            _ => {}
        }
        advance(1, &mut i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_file_line_column_field() {
        let e = InputError {
            file: "levels/x.ron".into(),
            line: Some(3),
            column: Some(7),
            field: Some("centers[0].wip_limit".into()),
            message: "must be at least 1".into(),
        };
        assert_eq!(
            e.to_string(),
            "levels/x.ron:3:7: centers[0].wip_limit: must be at least 1"
        );
    }

    #[test]
    fn locate_path_follows_the_nesting() {
        let src = "Level(\n  centers: [\n    (id: \"a\"), // id: \"x\"\n    (id: \"a\", name: \"(\"),\n  ],\n  days: 3,\n)";
        assert_eq!(locate_path(src, "centers[1].id"), Some((4, 6)));
        assert_eq!(locate_path(src, "centers[0].id"), Some((3, 6)));
        assert_eq!(locate_path(src, "days"), Some((6, 3)));
        // A missing field: the deepest enclosing item that exists.
        assert_eq!(locate_path(src, "centers[1].capacity"), Some((4, 5)));
        assert_eq!(
            locate_path("[(at: 1.0), (at: 0.5)]", "[1].at"),
            Some((1, 14))
        );
    }
}
