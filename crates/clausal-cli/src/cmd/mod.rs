//! One module per subcommand.

pub mod clauses;
pub mod deadlines;
pub mod demo;
pub mod embed;
pub mod export;
pub mod extract;
pub mod index;
pub mod kinds;
pub mod library;
pub mod report;
pub mod review;
pub mod risk;
pub mod train;

/// `s` with its control characters (other than tab) written as `\u{..}` escapes, for messages
/// that quote what a user or a document supplied.
pub fn escape_controls(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\t' { c.escape_unicode().to_string() } else { c.to_string() }
        })
        .collect()
}

/// `s` as one shell word: as it is when it is made of safe characters, else single-quoted.
pub fn shell_word(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "/._-+:=@%,".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
