//! Errors: every problem with the input says where it is and what was expected.
//!
//! Lines count from 1 and include the header line, as a spreadsheet shows them.

use std::fmt;
use std::path::PathBuf;

/// One problem found in the input: where, which value, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// File name as the user knows it, e.g. `people.csv`.
    pub file: String,
    /// Line in the file, counting from 1 (the header is line 1).
    pub line: Option<u64>,
    /// Column header as written in the file, or a TOML key.
    pub column: Option<String>,
    /// The offending value, when it may be shown (never for health columns).
    pub value: Option<String>,
    /// What is wrong and what is expected.
    pub message: String,
}

impl Problem {
    /// A problem at a file with no finer position.
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Problem {
            file: file.to_string(),
            line: None,
            column: None,
            value: None,
            message: message.into(),
        }
    }

    /// A problem on a line.
    pub fn line(file: &str, line: u64, message: impl Into<String>) -> Self {
        Problem {
            line: Some(line),
            ..Problem::file(file, message)
        }
    }

    /// A problem in one cell.
    pub fn cell(
        file: &str,
        line: u64,
        column: &str,
        value: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            file: file.to_string(),
            line: Some(line),
            column: Some(column.to_string()),
            value: value.map(str::to_string),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ":")?;
        if let Some(col) = &self.column {
            write!(f, " column \"{col}\":")?;
        }
        if let Some(value) = &self.value {
            write!(f, " \"{}\"", printable(value))?;
        }
        write!(f, " {}", self.message)
    }
}

/// Shortens and escapes a value so that a huge or binary cell cannot flood a terminal.
pub fn printable(value: &str) -> String {
    const MAX: usize = 60;
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// All problems found in one pass over the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "{n} problem{} in the input:",
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.0 {
            writeln!(f, "  {p}")?;
        }
        Ok(())
    }
}

/// The library's error type.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is invalid; every problem found is listed.
    #[error("{0}")]
    Input(Problems),
    /// The rules cannot all hold at once (e.g. conflicting pinned offers).
    #[error("the round has no allocation that keeps every hard rule:\n{0}")]
    Infeasible(Problems),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The solver failed in a way that is not the input's fault.
    #[error("solver: {0}")]
    Solver(String),
    /// Refused because it would overwrite an input or is otherwise unsafe.
    #[error("{0}")]
    Refused(String),
}

impl Error {
    /// Whether the error is the input's fault (exit code 2) rather than an internal one (1).
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            Error::Input(_) | Error::Infeasible(_) | Error::Refused(_)
        ) || matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    }
}

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
