//! The `boligmatch` binary: parse, run, map the result to an exit code.
//! 0 = success, 1 = internal error, 2 = invalid input (or usage).

#![forbid(unsafe_code)]
// Functions a reader can hold in mind: at most 80 lines (clippy.toml).
#![deny(clippy::too_many_lines)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod cli;

fn main() {
    let code = match cli::run() {
        Ok(()) => 0,
        Err(e) => match e.downcast_ref::<boligmatch::Error>() {
            // The library's errors say everything once (an OS error names its
            // path and cause); other errors show their whole chain.
            Some(b) => {
                // Paths and names in a message come from the user: escape
                // every control character but the line breaks between problems.
                let text: String = cli::words(b)
                    .lines()
                    .map(|l| boligmatch::error::escaped(l).into_owned())
                    .collect::<Vec<_>>()
                    .join("\n");
                eprintln!("error: {text}");
                if b.is_input() {
                    2
                } else {
                    1
                }
            }
            None => {
                let text = format!("{e:#}");
                let text: Vec<String> = text
                    .lines()
                    .map(|l| boligmatch::error::escaped(l).into_owned())
                    .collect();
                eprintln!("error: {}", text.join("\n"));
                1
            }
        },
    };
    std::process::exit(code);
}
