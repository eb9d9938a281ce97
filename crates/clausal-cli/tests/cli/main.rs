//! The `clausal` program, run as a user would: one test binary, one module per area.

mod commands;
mod deadlines;
mod export;
mod first_use;
mod ingest;
mod kinds;
mod library;
mod report;
mod review;
mod util;
