//! The `clausal` program, run as a user would: one test binary, one module per area.

mod commands;
mod ingest;
mod kinds;
mod review;
mod util;
