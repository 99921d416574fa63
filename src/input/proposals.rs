//! A `proposals.csv` written by `allocate --out`, read back: the placements
//! of one proposal, for the offers the office sends and for last week's plan
//! (stability). Any dialect the office may have saved it in (`;` or `,`,
//! UTF-8 or Windows-1252, the formula guard's `'` taken off).

use super::csv_text::CsvText;
use crate::error::Error;
use std::path::Path;

/// One placement of a proposal: who moves into which home, with which
/// support worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposed {
    /// The young person.
    pub person_id: String,
    /// The home.
    pub unit_id: String,
    /// The support worker.
    pub staff_id: String,
}

/// Why a proposals.csv cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProposalsError {
    /// The file cannot be read ([`Error::Io`]).
    #[error(transparent)]
    File(Error),
    /// A line is not CSV.
    #[error("{file}: {message}")]
    Csv {
        /// The file as named in messages.
        file: String,
        /// What the CSV reader says.
        message: String,
    },
    /// The file lacks the columns of a proposals.csv.
    #[error("{file} is not a proposals.csv of an allocation (columns proposal, person_id, unit_id, staff_id)")]
    NotProposals {
        /// The file as named in messages.
        file: String,
    },
    /// The proposal has more placements than any round has people.
    #[error("{file} has too many rows")]
    TooManyRows {
        /// The file as named in messages.
        file: String,
    },
}

impl From<ProposalsError> for Error {
    fn from(e: ProposalsError) -> Error {
        match e {
            ProposalsError::File(e) => e,
            e => Error::Refused(e.to_string()),
        }
    }
}

/// The placements of proposal `proposal` (1 = the best) in the
/// proposals.csv at `path`, in file order.
pub fn read(path: &Path, proposal: u32) -> Result<Vec<Proposed>, ProposalsError> {
    let io = |source| {
        ProposalsError::File(Error::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let bytes = super::read_capped(path).map_err(io)?.map_err(|len| {
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "the file has {len} bytes; boligmatch reads input files of at most {} bytes",
                super::MAX_FILE_BYTES
            ),
        ))
    })?;
    parse(&path.display().to_string(), &bytes, proposal)
}

/// The placements of proposal `proposal` in a proposals.csv's bytes;
/// `file` names it in messages.
///
/// ```
/// use boligmatch::input::proposals::parse;
/// let csv = "proposal;rank;person_id;unit_id;staff_id\n1;1;P01;U02;'S03\n2;1;P01;U04;S03\n";
/// let placed = parse("proposals.csv", csv.as_bytes(), 1)?;
/// assert_eq!((placed.len(), placed[0].staff_id.as_str()), (1, "S03"));
/// # Ok::<(), boligmatch::input::proposals::ProposalsError>(())
/// ```
pub fn parse(file: &str, bytes: &[u8], proposal: u32) -> Result<Vec<Proposed>, ProposalsError> {
    let unreadable = |e: csv::Error| ProposalsError::Csv {
        file: file.to_string(),
        message: e.to_string(),
    };
    let csv = CsvText::decode(bytes);
    let (header, records) = csv.header_and_records();
    let header = header.transpose().map_err(unreadable)?.unwrap_or_default();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(pc), Some(pe), Some(un), Some(st)) = (
        col("proposal"),
        col("person_id"),
        col("unit_id"),
        col("staff_id"),
    ) else {
        return Err(ProposalsError::NotProposals {
            file: file.to_string(),
        });
    };
    let wanted = proposal.to_string();
    let mut out = Vec::new();
    for rec in records {
        let rec = rec.map_err(unreadable)?;
        // A cell as written, without the formula guard's leading `'`.
        let cell = |i: usize| {
            rec.get(i)
                .unwrap_or("")
                .trim()
                .trim_start_matches('\'')
                .to_string()
        };
        if cell(pc) == wanted {
            out.push(Proposed {
                person_id: cell(pe),
                unit_id: cell(un),
                staff_id: cell(st),
            });
        }
        if out.len() > super::MAX_ROWS {
            return Err(ProposalsError::TooManyRows {
                file: file.to_string(),
            });
        }
    }
    Ok(out)
}
