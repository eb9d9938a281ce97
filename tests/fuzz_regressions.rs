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
/// build), parts silently dropped in release. The MIME pre-walk rejects it before mail-parser
/// runs, whether the wrapper is the last part or not.
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
    let followed = last.replace("--b--\n", "--b\nContent-Type: text/plain\n\nmore\n--b--\n");
    for eml in [last.to_owned(), followed] {
        let err = clausal::extract_bytes(eml.as_bytes(), "fuzz.eml", &fuzz_options())
            .expect_err("nested bare message/rfc822 wrapper is rejected");
        assert_eq!(err.fault(), Fault::Input, "{err}");
        assert!(matches!(err.kind(), ErrorKind::MalformedDocument { .. }), "{err}");
        assert!(err.to_string().contains("message/rfc822"), "{err}");
    }
    // The same wrapper outside a multipart, and a single wrapper inside one, still parse.
    let top = "Content-Type: message/rfc822\n\nContent-Type: message/rfc822\n\nX: 2\n\nbody\n";
    let single = last.replacen("Content-Type: message/rfc822\n\n", "", 1);
    for eml in [top.to_owned(), single] {
        let docs = clausal::extract_bytes(eml.as_bytes(), "ok.eml", &fuzz_options()).unwrap();
        assert!(!docs.is_empty());
    }
}
