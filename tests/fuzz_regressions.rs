//! Inputs found by the cargo-fuzz targets in `fuzz/`, rebuilt in code. Each test only asks that
//! `extract_bytes` returns (a document or a typed error) instead of panicking.

use std::time::Duration;

use clausal::{ExtractOptions, Fault, Limits};

/// The options the fuzz targets use.
fn fuzz_options() -> ExtractOptions {
    ExtractOptions {
        limits: Limits { max_time: Duration::from_secs(5), ..Default::default() },
        ..Default::default()
    }
}

/// `parse_email`: a multipart whose message/rfc822 part is itself a bare message/rfc822 wrapper.
/// mail-parser 0.11.9 loses the inner part on the closing boundary and hits its own
/// `debug_assert!(false, "Invalid part ID, could not find multipart.")` (message.rs:485): a
/// panic in builds with debug assertions (tests, the fuzz build), silent recovery in release.
#[test]
fn parse_email_nested_rfc822_in_multipart() {
    let eml = concat!(
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
    match clausal::extract_bytes(eml.as_bytes(), "fuzz.eml", &fuzz_options()) {
        Ok(docs) => assert!(!docs.is_empty()),
        Err(e) => assert_eq!(e.fault(), Fault::Input, "{e}"),
    }
}
