//! Inputs found by the cargo-fuzz targets in `fuzz/`, rebuilt in code. Each test only asks that
//! `extract_bytes` returns (a document or a typed error) instead of panicking.

use std::time::Duration;

use clausal::{ExtractOptions, Limits};

/// The options the fuzz targets use.
fn fuzz_options() -> ExtractOptions {
    ExtractOptions {
        limits: Limits { max_time: Duration::from_secs(5), ..Default::default() },
        ..Default::default()
    }
}

/// `parse_email`: a multipart whose message/rfc822 part is itself a bare message/rfc822 wrapper,
/// as the last part. mail-parser 0.11.9 reaches its own `debug_assert!(false, "Invalid part ID,
/// could not find multipart.")` (message.rs:485) on this and on other shapes where nested parts
/// lose track of their multipart; in builds without debug assertions for mail-parser (release,
/// and this crate's dev and test profiles, see Cargo.toml) it recovers. The message must come
/// out, or a typed error, never a panic; the same wrapper followed by another part, outside a
/// multipart, and a single wrapper inside one, all parse.
#[test]
fn parse_email_nested_rfc822_in_multipart() {
    let last = concat!(
        "Content-Type: multipart/mixed; boundary=\"b\"\n",
        "\n",
        "--b\n",
        "Content-Type: message/rfc822\n",
        "\n",
        "Content-Type: message/rfc822\n",
        "\n",
        "X: 2\n",
        "\n",
        "body\n",
        "--b--\n",
    );
    let docs = clausal::extract_bytes(last.as_bytes(), "fuzz.eml", &fuzz_options()).unwrap();
    assert!(!docs.is_empty());
    // The same wrapper followed by another part (mail-parser's own test messages have it),
    // outside a multipart, and a single wrapper inside one.
    let followed = last.replace("--b--\n", "--b\nContent-Type: text/plain\n\nmore\n--b--\n");
    let top = "Content-Type: message/rfc822\n\nContent-Type: message/rfc822\n\nX: 2\n\nbody\n";
    let single = last.replacen("Content-Type: message/rfc822\n\n", "", 1);
    for eml in [followed, top.to_owned(), single] {
        let docs = clausal::extract_bytes(eml.as_bytes(), "ok.eml", &fuzz_options()).unwrap();
        assert!(!docs.is_empty());
    }
}
