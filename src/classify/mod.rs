//! Typing clauses and reading their facts.
//!
//! Present today: [`facts`], the typed values (dates, durations, money, percentages, parties,
//! governing law) that drive a contract's deadlines, each with the span it came from. Clause
//! kinds and the classifier follow with segmentation.

pub mod facts;
