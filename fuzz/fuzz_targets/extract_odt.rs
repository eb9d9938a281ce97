//! Any bytes extract without panicking as an ODT package: a zip as it is (real packages seed
//! the corpus), anything else as the `content.xml` of a package built around it.
#![no_main]

use std::io::Write;
use std::time::Duration;

use libfuzzer_sys::{fuzz_target, Corpus};

fn package(content: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let ok = zip.start_file("mimetype", stored).is_ok()
        && zip.write_all(b"application/vnd.oasis.opendocument.text").is_ok()
        && zip.start_file("content.xml", stored).is_ok()
        && zip.write_all(content).is_ok();
    match (ok, zip.finish()) {
        (true, Ok(cursor)) => cursor.into_inner(),
        _ => Vec::new(),
    }
}

fuzz_target!(|data: &[u8]| -> Corpus {
    if data.len() > 1 << 20 {
        return Corpus::Reject;
    }
    let opts = clausal::ExtractOptions {
        limits: clausal::Limits { max_time: Duration::from_secs(5), ..Default::default() },
        ..Default::default()
    };
    let bytes = if data.starts_with(b"PK") { data.to_vec() } else { package(data) };
    // An `Err` is a fine answer to a malformed file; panics, hangs and OOM are findings.
    let _ = clausal::extract_bytes(&bytes, "fuzz.odt", &opts);
    Corpus::Keep
});
