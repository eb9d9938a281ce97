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

/// `parse_email`: a message/rfc822 part whose message is directly another message/rfc822 part,
/// inside a multipart. Unpatched mail-parser 0.11.9 restored only one of the messages that end
/// at the boundary, which reached its `debug_assert!(false, "Invalid part ID, could not find
/// multipart.")` (message.rs:485) in builds with debug assertions (`cargo test` without
/// `--release`, cargo-fuzz's default build), dropped a nesting level, or parsed a following part
/// into the nested message. The vendored copy fixes that (vendor/mail-parser/PATCHES.md). Every
/// shape must come out as documents, and a part after the nested messages belongs to the outer
/// message.
// See: issue 3 (`issues show 3`), fuzz finding in parse_email
#[test]
fn r3_directly_nested_rfc822_parts() {
    let wrap = "Content-Type: message/rfc822\n\n";
    let multipart = |parts: &[String]| {
        let mut m =
            String::from("Subject: outer\nContent-Type: multipart/mixed; boundary=\"b\"\n\n");
        for p in parts {
            m.push_str("--b\n");
            m.push_str(p);
        }
        m.push_str("--b--\n");
        m
    };
    let nested =
        |levels: usize, body: &str| format!("{}X: {levels}\n\n{body}\n", wrap.repeat(levels));
    let more = "Content-Type: text/plain\n\nmore words\n".to_owned();
    let inner_multipart = format!(
        "{wrap}{wrap}Content-Type: multipart/mixed; boundary=\"c\"\n\n--c\n\ninner\n--c--\n"
    );
    let shapes = [
        // The wrapper as the last part: the assertion.
        multipart(&[nested(2, "body")]),
        multipart(&[nested(3, "body")]),
        multipart(&["\nfirst\n".to_owned(), nested(2, "body")]),
        // A part after the wrapper: it was parsed into the nested message.
        multipart(&[nested(2, "body"), more.clone()]),
        multipart(&[nested(3, "body"), more.clone()]),
        multipart(&[inner_multipart, more.clone()]),
        // Inside a multipart inside a multipart, then more nesting.
        format!(
            "Content-Type: multipart/mixed; boundary=\"a\"\n\n--a\n{}--a\n{}--a--\n",
            multipart(&[nested(2, "body")]),
            nested(3, "deep")
        ),
    ];
    for (i, eml) in shapes.iter().enumerate() {
        let docs = clausal::extract_bytes(eml.as_bytes(), "fuzz.eml", &fuzz_options())
            .unwrap_or_else(|e| panic!("shape {i}: {e}"));
        assert!(!docs.is_empty(), "shape {i}");
        let root = &docs[0];
        assert_eq!(root.parent, None, "shape {i}");
        if eml.contains("more words") {
            assert!(root.text.contains("more words"), "shape {i}: {:?}", root.text);
        }
        let all: String = docs.iter().map(|d| d.text.as_str()).collect();
        for word in ["body", "inner", "deep"] {
            assert_eq!(all.contains(word), eml.contains(word), "shape {i}: {word}");
        }
    }
}
