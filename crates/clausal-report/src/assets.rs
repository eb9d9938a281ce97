//! The stylesheet and the script, written to `assets/` (they live as files in the crate's
//! `assets/` folder to be edited as what they are).

/// `assets/report.css`: screen and print.
pub(crate) const CSS: &str = include_str!("../assets/report.css");

/// `assets/report.js`: sorting, filtering and paging of the tables.
pub(crate) const JS: &str = include_str!("../assets/report.js");
