//! Any bytes extract without panicking as a Word 97-2003 file: an OLE compound file as it is
//! (real `.doc` files seed the corpus), anything else split into the `WordDocument` stream and
//! the table streams of a compound file built around them (the first byte chooses the split).
#![no_main]

use std::io::{Cursor, Write};
use std::time::Duration;

use libfuzzer_sys::{fuzz_target, Corpus};

const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn compound(data: &[u8]) -> Vec<u8> {
    let split = data.first().map_or(0, |&b| data.len() * usize::from(b) / 255).min(data.len());
    let (word, table) = data.split_at(split);
    let Ok(mut cf) = cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
    else {
        return Vec::new();
    };
    for (name, bytes) in [("/WordDocument", word), ("/1Table", table), ("/0Table", table)] {
        match cf.create_stream(name) {
            Ok(mut s) => {
                if s.write_all(bytes).is_err() {
                    return Vec::new();
                }
            }
            Err(_) => return Vec::new(),
        }
    }
    if cf.flush().is_err() {
        return Vec::new();
    }
    cf.into_inner().into_inner()
}

fuzz_target!(|data: &[u8]| -> Corpus {
    if data.len() > 1 << 20 {
        return Corpus::Reject;
    }
    let opts = clausal::ExtractOptions {
        limits: clausal::Limits { max_time: Duration::from_secs(5), ..Default::default() },
        ..Default::default()
    };
    let bytes = if data.starts_with(&OLE) { data.to_vec() } else { compound(data) };
    // An `Err` is a fine answer to a malformed file; panics, hangs and OOM are findings.
    let _ = clausal::extract_bytes(&bytes, "fuzz.doc", &opts);
    Corpus::Keep
});
