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
        // Names and messages can carry text from the input (a path, a
        // header, a value quoted in a message): never raw on a terminal.
        write!(f, "{}", escaped(&self.file))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ":")?;
        if let Some(col) = &self.column {
            write!(f, " column \"{}\":", escaped(col))?;
        }
        if let Some(value) = &self.value {
            write!(f, " \"{}\"", printable(value))?;
        }
        write!(f, " {}", escaped(&self.message))
    }
}

/// Control and invisible characters ([`is_invisible`]) escaped (`\u{1b}`,
/// `\t`, `\u{202e}`), the rest as it is.
pub fn escaped(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(is_unprintable) {
        text.chars()
            .flat_map(|c| -> Box<dyn Iterator<Item = char>> {
                if is_unprintable(c) {
                    Box::new(c.escape_default())
                } else {
                    Box::new(std::iter::once(c))
                }
            })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

/// Whether a character is invisible or changes how the text around it is
/// shown: Unicode's format characters (general category Cf: zero-width
/// spaces and joiners, the right-to-left and other direction controls, the
/// byte-order mark), the other default-ignorable code points (variation
/// selectors, Hangul fillers, tags) and the line and paragraph separators.
/// Such a character makes two different ids look alike, or text shown
/// after it read backwards.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{34f}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'..='\u{891}'
            | '\u{8e2}'
            | '\u{115f}'..='\u{1160}'
            | '\u{17b4}'..='\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff0}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e0fff}'
    )
}

/// A control or an invisible character ([`is_invisible`]): shown escaped.
fn is_unprintable(c: char) -> bool {
    c.is_control() || is_invisible(c)
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
        if is_unprintable(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Escapes a message and cuts it to a few lines' length (2,000
/// characters), so that no value it quotes can flood a terminal.
pub fn printable_long(message: &str) -> String {
    const MAX: usize = 2_000;
    let mut out: String = message.chars().take(MAX).collect();
    if out.len() < message.len() {
        out.push('…');
    }
    escaped(&out).into_owned()
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
    #[error("{}: {source}{}", escaped(&path.display().to_string()), io_hint(source))]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The solver failed in a way that is not the input's fault.
    #[error(
        "solver: {0}\n  The input passed every check, so this is a fault to report (with \
         boligmatch's version and what was run). Smaller weights in policy.toml \
         ([priority], each 0-10000) or the network-flow solver may avoid it."
    )]
    Solver(String),
    /// An output target cannot be written as given; the front end names the
    /// target by the way it was given (a flag, a form field): see
    /// [`Error::describe_output`].
    #[error("{}", describe_output(*role, path, problem, OutputRole::words))]
    Output {
        /// Which output it is.
        role: OutputRole,
        /// The path as given.
        path: PathBuf,
        /// What is wrong with it.
        problem: OutputProblem,
    },
    /// The time limit ran out before any plan keeping every rule was found.
    #[error("{0}")]
    OutOfTime(String),
    /// Refused because it would overwrite an input or is otherwise unsafe.
    #[error("{0}")]
    Refused(String),
}

/// Which output of a run a target is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutputRole {
    /// The output folder.
    Folder,
    /// The report file.
    Report,
}

impl OutputRole {
    /// The role in words, for a caller that has no other name for it.
    pub fn words(self) -> &'static str {
        match self {
            OutputRole::Folder => "the output folder",
            OutputRole::Report => "the report",
        }
    }
}

/// What is wrong with an output target.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutputProblem {
    /// The output folder is a file.
    NotAFolder,
    /// The report path has no file name (`.`, `..`, a root).
    NotAFileName,
    /// The report is one of the output folder's files (that file).
    InTheFolder(PathBuf),
}

/// An output error in words, each target named by `name` (the CLI passes
/// its flags, `--out` and `--report`).
fn describe_output(
    role: OutputRole,
    path: &std::path::Path,
    problem: &OutputProblem,
    name: impl Fn(OutputRole) -> &'static str,
) -> String {
    let path = escaped(&path.display().to_string()).into_owned();
    match problem {
        OutputProblem::NotAFolder => {
            format!(
                "{} {path}: is a file, not a folder; choose a folder",
                name(role)
            )
        }
        OutputProblem::NotAFileName => format!("{} {path}: not a file name", name(role)),
        OutputProblem::InTheFolder(t) => format!(
            "{} {path} is one of the {} files ({}); choose another report file",
            name(role),
            name(OutputRole::Folder),
            escaped(&t.display().to_string())
        ),
    }
}

impl Error {
    /// The error in words, output targets named by `name` (the way the
    /// front end's user gave them); other errors as [`std::fmt::Display`].
    pub fn describe_output(&self, name: impl Fn(OutputRole) -> &'static str) -> String {
        match self {
            Error::Output {
                role,
                path,
                problem,
            } => describe_output(*role, path, problem, name),
            other => other.to_string(),
        }
    }

    /// Whether the error is the input's fault (exit code 2: bad input, a
    /// path that is missing, not allowed or not what it should be, a time
    /// limit too short to find any plan) rather
    /// than the machine's or an internal one (1: a full disk, a failing
    /// device, a solver fault).
    pub fn is_input(&self) -> bool {
        match self {
            Error::Input(_) | Error::Infeasible(_) | Error::Refused(_) | Error::OutOfTime(_) => {
                true
            }
            Error::Io { source, .. } => is_path_problem(source),
            Error::Solver(_) => false,
            Error::Output { .. } => true,
        }
    }
}

/// OS errors about the path given rather than the machine.
fn is_path_problem(e: &std::io::Error) -> bool {
    use std::io::ErrorKind as K;
    matches!(
        e.kind(),
        K::NotFound
            | K::PermissionDenied
            | K::AlreadyExists
            | K::NotADirectory
            | K::IsADirectory
            | K::InvalidFilename
            | K::InvalidInput
            | K::ReadOnlyFilesystem
    ) || e.raw_os_error() == Some(40) // ELOOP: a loop of symbolic links
}

/// What to do about an OS error, in a few words.
fn io_hint(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => " (check the path)",
        K::PermissionDenied => " (check that you may read or write there)",
        K::NotADirectory => " (a file stands where a folder should be)",
        K::IsADirectory => " (a folder stands where a file should be)",
        K::InvalidFilename => " (the name is too long or not allowed; choose a shorter one)",
        K::ReadOnlyFilesystem => " (choose a folder you may write to)",
        K::StorageFull => " (free some space and run again; nothing was changed)",
        _ if e.raw_os_error() == Some(40) => " (a loop of symbolic links; fix the link)",
        _ => "",
    }
}

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
