//! Inputs found by the cargo-fuzz targets in `fuzz/`, rebuilt in code. Each test only asks that
//! `extract_bytes` returns (a document or a typed error) instead of panicking.

use std::time::Duration;

use clausal::{ErrorKind, ExtractOptions, Fault, Limits};

/// The options the fuzz targets use.
fn fuzz_options() -> ExtractOptions {
    ExtractOptions {
        limits: Limits { max_time: Duration::from_secs(5), ..Default::default() },
        ..Default::default()
    }
}

/// `parse_email`: a multipart whose message/rfc822 part is itself a bare message/rfc822 wrapper.
/// mail-parser 0.11.9 loses its part tree on this structure: `debug_assert!(false, "Invalid part
/// ID, could not find multipart.")` (message.rs:485) in builds with debug assertions (the fuzz
/// build) and recovers in release. In builds with debug assertions the MIME pre-walk refuses the
/// shape (the wrapper as the last part of the multipart) before mail-parser runs; release builds
/// parse it. `cargo test --release` checks the release side, `cargo test` the other.
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
    let result = clausal::extract_bytes(last.as_bytes(), "fuzz.eml", &fuzz_options());
    if cfg!(debug_assertions) {
        // Builds with debug assertions refuse the shape before mail-parser asserts on it.
        let err = result.expect_err("refused in builds with debug assertions");
        assert_eq!(err.fault(), Fault::Input, "{err}");
        assert!(matches!(err.kind(), ErrorKind::MalformedDocument { .. }), "{err}");
        assert!(err.to_string().contains("message/rfc822"), "{err}");
    } else {
        // Release builds: mail-parser recovers and the message comes out.
        assert!(!result.expect("parsed in release builds").is_empty());
    }
    // The same wrapper followed by another part (mail-parser's own test messages have it),
    // outside a multipart, and a single wrapper inside one, still parse.
    let followed = last.replace("--b--\n", "--b\nContent-Type: text/plain\n\nmore\n--b--\n");
    let top = "Content-Type: message/rfc822\n\nContent-Type: message/rfc822\n\nX: 2\n\nbody\n";
    let single = last.replacen("Content-Type: message/rfc822\n\n", "", 1);
    for eml in [followed, top.to_owned(), single] {
        let docs = clausal::extract_bytes(eml.as_bytes(), "ok.eml", &fuzz_options()).unwrap();
        assert!(!docs.is_empty());
    }
}
