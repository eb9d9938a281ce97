//! Fixture builders shared by the integration tests and `examples/sample_archive.rs` (which
//! includes this file by path): DOCX bytes and base64 for MIME attachments.

/// A DOCX with one plain paragraph per string.
pub fn docx_bytes(paragraphs: &[&str]) -> Vec<u8> {
    use docx_rs::{Docx, Paragraph, Run};
    let mut docx = Docx::new();
    for p in paragraphs {
        docx = docx.add_paragraph(Paragraph::new().add_run(Run::new().add_text(*p)));
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    docx.build().pack(&mut buf).expect("writing to memory");
    buf.into_inner()
}

/// Base64 with CRLF line breaks every 76 characters, as MIME writes it.
pub fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (i, chunk) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push_str("\r\n");
        }
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
