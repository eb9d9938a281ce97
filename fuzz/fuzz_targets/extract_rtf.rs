//! Any bytes read as RTF (behind `{\rtf1` unless they start with it) extract without panicking.
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
    let bytes = if data.starts_with(b"{\\rtf") {
        data.to_vec()
    } else {
        [b"{\\rtf1 ".as_slice(), data].concat()
    };
    // An `Err` is a fine answer to a malformed file; panics, hangs and OOM are findings.
    let _ = clausal::extract_bytes(&bytes, "fuzz.rtf", &opts);
    Corpus::Keep
});
