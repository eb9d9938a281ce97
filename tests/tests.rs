//! The integration test binary: one module per area.

mod architecture;
mod classify;
mod deadlines;
mod embed;
mod export;
mod extract;
mod fixtures;
mod fuzz_regressions;
mod index;
mod ocr;
mod packs;
mod review;
mod risk;
mod threads;
mod util;
