//! Any bytes, as a PDF (with a `%PDF-` header forced in), extract without panicking.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::{fuzz_target, Corpus};

fuzz_target!(|data: &[u8]| -> Corpus {
    if data.len() > 1 << 20 {
        return Corpus::Reject;
    }
    let opts = clausal::ExtractOptions {
        limits: clausal::Limits { max_time: Duration::from_secs(5), ..Default::default() },
        ..Default::default()
    };
    let head = &data[..data.len().min(1024)];
    let bytes: std::borrow::Cow<[u8]> = if head.windows(5).any(|w| w == b"%PDF-") {
        data.into()
    } else {
        [&b"%PDF-1.7\n"[..], data].concat().into()
    };
    // An `Err` is a fine answer to a malformed file; panics, hangs and OOM are findings.
    let _ = clausal::extract_bytes(&bytes, "fuzz.pdf", &opts);
    Corpus::Keep
});
