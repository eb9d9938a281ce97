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
