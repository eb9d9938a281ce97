//! The integration test binary: one module per area.

mod cli;
mod embed;
mod extract;
mod fuzz_regressions;
mod util;
