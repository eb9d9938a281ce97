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
