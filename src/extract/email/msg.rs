//! Outlook `.msg` files: MAPI properties stored in an OLE compound file (MS-OXMSG).
//!
//! A message is a storage holding `__properties_version1.0` (fixed-size properties: 16-byte
//! entries after a header of 32 bytes at the top level, 24 in an embedded message, 8 in
//! recipient and attachment storages) and one `__substg1.0_IIIITTTT` stream per variable-size
//! property (id `IIII`, type `TTTT`: 001F UTF-16LE string, 001E 8-bit string in the message
//! code page, 0102 binary, 000D a sub-storage). Recipients live in `__recip_version1.0_#N`
//! storages, attachments in `__attach_version1.0_#N`. Headers missing from the properties are
//! taken from the transport headers (0x007D). The body is the plain text body (0x1000), else
//! the HTML body (0x1013), else the compressed RTF body (0x1009, LZFu, turned into text).
//! Embedded messages are re-serialised as stand-alone `.msg` compound files, so the driver
//! extracts them like any attached file; embedded OLE objects become stand-alone compound files.
//! Every stream read is bounded and charged to the budget, and the number of entries visited is
//! capped.

use std::io::{Cursor, Read, Write};
use std::path::Path;

use cfb::CompoundFile;
use mail_parser::MessageParser;

use super::{
    check_input_size, clean_message_id, eml, format_address, guard, html, push_paragraphs,
};
use crate::extract::draft::{Attachment, Budget, Draft, ExtractError};

/// Hard cap on the entries listed from one storage at a time (the budget's
/// `max_zip_entries` caps the total visited).
const MAX_ENTRIES: usize = 1_000_000;
/// The properties stream of every MAPI object storage.
const PROPS: &str = "__properties_version1.0";
/// Named-property mapping storage (top level only; shared by embedded messages).
const NAMEID: &str = "__nameid_version1.0";
/// Compressed RTF body size cap before decompression is even attempted (beyond the budget).
const RTF_MAGIC_COMPRESSED: u32 = 0x7546_5A4C;
const RTF_MAGIC_UNCOMPRESSED: u32 = 0x414C_454D;

type Cfb<'a> = CompoundFile<Cursor<&'a [u8]>>;

fn malformed(e: impl std::fmt::Display) -> ExtractError {
    ExtractError::Malformed(format!("msg: {e}"))
}

/// Reading side of one `.msg` file, with the running entry count.
struct Reader<'a> {
    cf: Cfb<'a>,
    visited: usize,
    /// Most storages and streams this file may make us visit (`Limits::max_zip_entries`, the
    /// closest existing limit: a compound file is an archive of streams).
    max_visited: usize,
}

impl Reader<'_> {
    fn visit(&mut self, n: usize) -> Result<(), ExtractError> {
        self.visited = self.visited.saturating_add(n);
        if self.visited > self.max_visited {
            return Err(ExtractError::Limit {
                limit: "max_zip_entries",
                max: self.max_visited as u64,
                actual: self.visited as u64,
            });
        }
        Ok(())
    }

    /// Reads a whole stream, bounded by `max_part_bytes` and charged to the budget.
    fn stream(&mut self, path: &str, budget: &mut Budget) -> Result<Option<Vec<u8>>, ExtractError> {
        if !self.cf.is_stream(path) {
            return Ok(None);
        }
        self.visit(1)?;
        budget.check_time()?;
        let max = budget.limits.max_part_bytes;
        let stream = match self.cf.open_stream(path) {
            Ok(s) => s,
            Err(_) => return Ok(None),
        };
        let declared = stream.len();
        if declared > max {
            return Err(ExtractError::Limit { limit: "max_part_bytes", max, actual: declared });
        }
        let mut data = Vec::with_capacity(declared.min(1 << 20) as usize);
        stream.take(max.saturating_add(1)).read_to_end(&mut data).map_err(malformed)?;
        budget.charge(data.len() as u64)?;
        Ok(Some(data))
    }

    /// Names of the direct children of a storage.
    fn children(&mut self, path: &str) -> Result<Vec<(String, bool)>, ExtractError> {
        let entries: Vec<(String, bool)> = match self.cf.read_storage(path) {
            Ok(it) => it
                .take(self.max_visited.min(MAX_ENTRIES) + 1)
                .map(|e| (e.name().to_owned(), e.is_storage()))
                .collect(),
            Err(_) => Vec::new(),
        };
        self.visit(entries.len())?;
        Ok(entries)
    }
}

/// One MAPI object (message, recipient or attachment): its storage path and fixed properties.
struct Object {
    path: String,
    /// (property id, property type, 8 value bytes).
    fixed: Vec<(u16, u16, [u8; 8])>,
    code_page: Option<u32>,
}

impl Object {
    fn load(
        r: &mut Reader<'_>,
        path: &str,
        header_len: usize,
        inherited_code_page: Option<u32>,
        budget: &mut Budget,
    ) -> Result<Object, ExtractError> {
        let props_path = join(path, PROPS);
        let data = r.stream(&props_path, budget)?.unwrap_or_default();
        let mut fixed = Vec::new();
        for entry in data.get(header_len..).unwrap_or(&[]).chunks_exact(16) {
            let (Some(head), Some(value)) = (entry.get(..4), entry.get(8..16)) else { continue };
            let tag_type = u16::from_le_bytes([
                head.first().copied().unwrap_or(0),
                head.get(1).copied().unwrap_or(0),
            ]);
            let tag_id = u16::from_le_bytes([
                head.get(2).copied().unwrap_or(0),
                head.get(3).copied().unwrap_or(0),
            ]);
            let value: [u8; 8] = value.try_into().unwrap_or([0; 8]);
            fixed.push((tag_id, tag_type, value));
        }
        let mut object = Object { path: path.to_owned(), fixed, code_page: None };
        // PR_INTERNET_CPID, else PR_MESSAGE_CODEPAGE.
        object.code_page =
            object.long(0x3FFD).or_else(|| object.long(0x3FDE)).or(inherited_code_page);
        Ok(object)
    }

    fn value(&self, id: u16, ty: u16) -> Option<[u8; 8]> {
        self.fixed.iter().find(|(i, t, _)| *i == id && *t == ty).map(|(_, _, v)| *v)
    }

    /// A PT_LONG property.
    fn long(&self, id: u16) -> Option<u32> {
        self.value(id, 0x0003).map(|v| u32::from_le_bytes([v[0], v[1], v[2], v[3]]))
    }

    /// A PT_SYSTIME property as RFC 3339.
    fn time(&self, id: u16) -> Option<String> {
        self.value(id, 0x0040).and_then(|v| filetime_to_rfc3339(u64::from_le_bytes(v)))
    }

    /// A string property (UTF-16 or 8-bit), trimmed of NULs.
    fn string(
        &self,
        r: &mut Reader<'_>,
        id: u16,
        budget: &mut Budget,
    ) -> Result<Option<String>, ExtractError> {
        let wide = join(&self.path, &format!("__substg1.0_{id:04X}001F"));
        if let Some(data) = r.stream(&wide, budget)? {
            return Ok(Some(utf16le(&data)));
        }
        let narrow = join(&self.path, &format!("__substg1.0_{id:04X}001E"));
        if let Some(data) = r.stream(&narrow, budget)? {
            return Ok(Some(decode_code_page(&data, self.code_page)));
        }
        Ok(None)
    }

    /// A non-empty string property.
    fn text(
        &self,
        r: &mut Reader<'_>,
        id: u16,
        budget: &mut Budget,
    ) -> Result<Option<String>, ExtractError> {
        Ok(self.string(r, id, budget)?.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()))
    }

    /// A PT_BINARY property.
    fn binary(
        &self,
        r: &mut Reader<'_>,
        id: u16,
        budget: &mut Budget,
    ) -> Result<Option<Vec<u8>>, ExtractError> {
        r.stream(&join(&self.path, &format!("__substg1.0_{id:04X}0102")), budget)
    }
}

fn join(storage: &str, name: &str) -> String {
    if storage.is_empty() || storage == "/" {
        format!("/{name}")
    } else {
        format!("{storage}/{name}")
    }
}

fn utf16le(data: &[u8]) -> String {
    let units: Vec<u16> =
        data.chunks_exact(2).map(|c| u16::from_le_bytes(c.try_into().unwrap_or([0; 2]))).collect();
    let s = String::from_utf16_lossy(&units);
    s.trim_end_matches('\0').to_owned()
}

/// The encoding of a Windows code page number (windows-1252 when unknown).
fn decode_code_page(data: &[u8], cp: Option<u32>) -> String {
    let (text, _, _) = crate::extract::codepage::encoding(cp).decode(data);
    text.trim_end_matches('\0').to_owned()
}

/// Converts a FILETIME (100 ns ticks since 1601-01-01 UTC) to RFC 3339 UTC.
fn filetime_to_rfc3339(ticks: u64) -> Option<String> {
    if ticks == 0 || ticks == u64::MAX {
        return None;
    }
    let secs = (ticks / 10_000_000) as i64 - 11_644_473_600;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let date = crate::civil::from_days(days)?;
    let (year, month, day) = (date.year(), date.month(), date.day());
    if !(1601..=9999).contains(&year) {
        return None;
    }
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    ))
}

/// Parses an Outlook `.msg` file into a [`Draft`] (see the module documentation).
pub fn extract_msg(bytes: &[u8], budget: &mut Budget) -> Result<Draft, ExtractError> {
    check_input_size(bytes, budget)?;
    budget.check_time()?;
    if !bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(malformed("not an OLE compound file"));
    }
    guard("msg", || {
        let cf = CompoundFile::open(Cursor::new(bytes)).map_err(malformed)?;
        let max_visited = budget.limits.max_zip_entries as usize;
        let mut reader = Reader { cf, visited: 0, max_visited };
        if !reader.cf.is_stream(format!("/{PROPS}")) {
            return Err(ExtractError::Unsupported(
                "compound file without MAPI properties (not an Outlook item)".into(),
            ));
        }
        extract_object(&mut reader, budget)
    })
}

fn extract_object(r: &mut Reader<'_>, budget: &mut Budget) -> Result<Draft, ExtractError> {
    let mut draft = Draft::default();
    let msg = Object::load(r, "/", 32, None, budget)?;

    let subject = msg.text(r, 0x0037, budget)?;
    if let Some(s) = &subject {
        draft.add_meta("subject", s.clone());
        draft.title = Some(s.clone());
    }
    // PR_MESSAGE_CLASS: `IPM.Note` for a message, `IPM.Contact`, `IPM.Task`, ... for other items.
    if let Some(class) = msg.text(r, 0x001A, budget)? {
        draft.add_meta("message-class", class);
    }

    // Sender: name, then an SMTP address where one is known.
    let name = match msg.text(r, 0x0C1A, budget)? {
        Some(n) => Some(n),
        None => msg.text(r, 0x0042, budget)?,
    };
    let mut smtp = msg.text(r, 0x5D01, budget)?;
    for id in [0x0C1F, 0x5D02, 0x0065] {
        if smtp.is_none() {
            smtp = msg.text(r, id, budget)?.filter(|a| a.contains('@'));
        }
    }
    if smtp.is_some()
        && let Some(from) = format_address(name.as_deref(), smtp.as_deref())
    {
        draft.add_meta("from", from);
    }

    // Recipients from their storages; display lists as a fallback.
    let children = r.children("/")?;
    let mut recips: Vec<&String> = children
        .iter()
        .filter(|(n, s)| *s && n.starts_with("__recip_version1.0_#"))
        .map(|(n, _)| n)
        .collect();
    recips.sort();
    for storage in recips {
        budget.check_time()?;
        let rec = Object::load(r, &join("/", storage), 8, msg.code_page, budget)?;
        let name = rec.text(r, 0x3001, budget)?;
        let mut addr = rec.text(r, 0x39FE, budget)?;
        if addr.is_none() {
            addr = rec.text(r, 0x3003, budget)?.filter(|a| a.contains('@'));
        }
        let key = match rec.long(0x0C15).map(|t| t & 0x0F) {
            Some(2) => "cc",
            Some(3) => "bcc",
            _ => "to",
        };
        if let Some(a) = format_address(name.as_deref(), addr.as_deref()) {
            draft.add_meta(key, a);
        }
    }
    for (id, key) in [(0x0E04, "to"), (0x0E03, "cc"), (0x0E02, "bcc")] {
        if !draft.metadata.contains_key(key)
            && let Some(list) = msg.text(r, id, budget)?
        {
            for one in list.split(';') {
                draft.add_meta(key, one.trim());
            }
        }
    }

    if let Some(date) = msg.time(0x0039).or_else(|| msg.time(0x0E06)) {
        draft.add_meta("date", date);
    }
    if let Some(id) = msg.text(r, 0x1035, budget)? {
        draft.add_meta("message-id", clean_message_id(&id));
    }
    if let Some(id) = msg.text(r, 0x1042, budget)? {
        draft.add_meta("in-reply-to", clean_message_id(&id));
    }
    if let Some(refs) = msg.text(r, 0x1039, budget)? {
        for id in refs.split_whitespace() {
            draft.add_meta("references", clean_message_id(id));
        }
    }

    // Transport headers fill whatever the properties did not give.
    if let Some(headers) = msg.text(r, 0x007D, budget)? {
        let mut raw = headers.into_bytes();
        raw.extend_from_slice(b"\r\n\r\n");
        if eml::mime_depth(&raw, budget.limits.max_mime_depth).is_ok()
            && let Some(parsed) = MessageParser::default().parse_headers(&raw)
        {
            eml::headers_to_meta(&parsed, &raw, &mut draft);
        }
    }
    if !draft.metadata.contains_key("from")
        && let Some(n) = name
    {
        draft.add_meta("from", n);
    }
    if draft.title.is_none() {
        draft.title = draft.metadata.get("subject").and_then(|s| s.first()).cloned();
    }

    // Body.
    budget.check_time()?;
    if let Some(text) = msg.string(r, 0x1000, budget)?.filter(|t| !t.trim().is_empty()) {
        push_paragraphs(&mut draft, &text);
    } else if let Some(html_text) = html_body(&msg, r, budget)? {
        push_paragraphs(&mut draft, &html::html_to_text(&html_text));
    } else if let Some(rtf) = msg.binary(r, 0x1009, budget)? {
        match decompress_rtf(&rtf, budget) {
            Ok(raw) => {
                budget.charge(raw.len() as u64)?;
                let rtf =
                    crate::extract::rtf::parse(&raw, msg.code_page.or(Some(1252)), true, budget)?;
                match rtf.html {
                    Some(html) => push_paragraphs(&mut draft, &html::html_to_text(&html)),
                    None => {
                        draft.blocks.extend(rtf.draft.blocks);
                        draft.warnings.extend(rtf.draft.warnings);
                    }
                }
            }
            Err(ExtractError::Malformed(m)) => draft.warnings.push(format!("RTF body: {m}")),
            Err(e) => return Err(e),
        }
    }

    // Attachments.
    let mut attachs: Vec<&String> = children
        .iter()
        .filter(|(n, s)| *s && n.starts_with("__attach_version1.0_#"))
        .map(|(n, _)| n)
        .collect();
    attachs.sort();
    for storage in attachs {
        budget.check_time()?;
        let path = join("/", storage);
        let att = Object::load(r, &path, 8, msg.code_page, budget)?;
        let mut name = att.text(r, 0x3707, budget)?;
        for id in [0x3704, 0x3001] {
            if name.is_none() {
                name = att.text(r, id, budget)?;
            }
        }
        let mime = att.text(r, 0x370E, budget)?;
        if let Some(data) = att.binary(r, 0x3701, budget)? {
            draft.attachments.push(Attachment { name, content_type: mime, bytes: data });
            continue;
        }
        let embedded = join(&path, "__substg1.0_3701000D");
        if r.cf.is_storage(&embedded) {
            let method = att.long(0x3705);
            let is_message = method == Some(5) || r.cf.is_stream(join(&embedded, PROPS));
            let bytes = copy_storage(r, &embedded, is_message, budget)?;
            budget.charge(bytes.len() as u64)?;
            let (name, content_type) = if is_message && method != Some(6) {
                let sub =
                    Object { path: embedded.clone(), fixed: Vec::new(), code_page: msg.code_page };
                let inner_subject = sub.text(r, 0x0037, budget)?;
                let name = name.or(inner_subject).map(|n| {
                    if n.to_ascii_lowercase().ends_with(".msg") { n } else { format!("{n}.msg") }
                });
                (name, Some("application/vnd.ms-outlook".to_owned()))
            } else {
                (name, mime.or_else(|| Some("application/x-ole-storage".to_owned())))
            };
            draft.attachments.push(Attachment { name, content_type, bytes });
            continue;
        }
        draft.warnings.push(format!(
            "attachment {}: no data (attach method {:?})",
            name.as_deref().unwrap_or(storage),
            att.long(0x3705)
        ));
    }
    Ok(draft)
}

/// The HTML body (0x1013 as binary or string), decoded.
fn html_body(
    msg: &Object,
    r: &mut Reader<'_>,
    budget: &mut Budget,
) -> Result<Option<String>, ExtractError> {
    if let Some(data) = msg.binary(r, 0x1013, budget)? {
        let encoding = msg
            .long(0x3FDE)
            .or(msg.code_page)
            .map(|cp| crate::extract::codepage::encoding(Some(cp)))
            .or_else(|| sniff_html_charset(&data))
            .unwrap_or(encoding_rs::UTF_8);
        return Ok(Some(encoding.decode(&data).0.into_owned()));
    }
    msg.string(r, 0x1013, budget)
}

/// The charset named by a `<meta>` tag in the first kilobytes of an HTML document.
fn sniff_html_charset(data: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = data.get(..data.len().min(4096)).unwrap_or(data).to_ascii_lowercase();
    let at = head.windows(8).position(|w| w == b"charset=")? + 8;
    let rest = head.get(at..)?;
    let rest = rest.strip_prefix(b"\"").unwrap_or(rest);
    let end = rest.iter().position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'))?;
    encoding_rs::Encoding::for_label(rest.get(..end)?)
}

/// Copies a storage subtree into a new in-memory compound file. For an embedded message the
/// properties header is widened to the top-level 32 bytes and the parent's named-property map
/// is copied too, so the result is a valid stand-alone `.msg`.
fn copy_storage(
    r: &mut Reader<'_>,
    root: &str,
    is_message: bool,
    budget: &mut Budget,
) -> Result<Vec<u8>, ExtractError> {
    let io = |e: std::io::Error| malformed(format!("re-serialising an embedded object: {e}"));
    let mut out =
        CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).map_err(io)?;
    let mut items: Vec<(String, String, bool)> = Vec::new();
    let mut sources = vec![(root.to_owned(), String::new())];
    if is_message && r.cf.is_storage(format!("/{NAMEID}")) {
        sources.push((format!("/{NAMEID}"), format!("/{NAMEID}")));
    }
    for (source, target_root) in &sources {
        let walked: Vec<(String, bool)> = match r.cf.walk_storage(source) {
            Ok(it) => it
                .take(r.max_visited.min(MAX_ENTRIES) + 1)
                .map(|e| (e.path().to_string_lossy().into_owned(), e.is_storage()))
                .collect(),
            Err(_) => Vec::new(),
        };
        r.visit(walked.len())?;
        for (path, is_storage) in walked {
            let Some(rel) = Path::new(&path)
                .strip_prefix(source)
                .ok()
                .map(|p| p.to_string_lossy().into_owned())
            else {
                continue;
            };
            if rel.is_empty() {
                if target_root.is_empty() {
                    if let Ok(entry) = r.cf.entry(&path) {
                        let clsid = *entry.clsid();
                        out.set_storage_clsid("/", clsid).map_err(io)?;
                    }
                } else {
                    items.push((path, target_root.clone(), true));
                }
                continue;
            }
            let target = format!("{target_root}/{rel}");
            items.push((path, target, is_storage));
        }
    }
    for (source, target, is_storage) in items {
        budget.check_time()?;
        if is_storage {
            out.create_storage_all(&target).map_err(io)?;
            continue;
        }
        let mut data = r.stream(&source, budget)?.unwrap_or_default();
        if is_message && target == format!("/{PROPS}") && data.len() >= 24 {
            // Embedded message header (24 bytes) -> top-level header (32 bytes).
            let tail = data.split_off(24);
            data.extend_from_slice(&[0u8; 8]);
            data.extend_from_slice(&tail);
        }
        if let Some(parent) = Path::new(&target).parent().and_then(|p| p.to_str())
            && parent != "/"
            && !parent.is_empty()
        {
            out.create_storage_all(parent).map_err(io)?;
        }
        let mut stream = out.create_stream(&target).map_err(io)?;
        stream.write_all(&data).map_err(io)?;
    }
    // cfb stamps new storages with the current time: fixed times make the bytes, and so the
    // embedded message's document id, the same on every extraction.
    let storages: Vec<String> = out
        .walk()
        .filter(|e| e.is_storage() || e.is_root())
        .map(|e| e.path().to_string_lossy().into_owned())
        .collect();
    for path in storages {
        out.set_created_time(&path, std::time::UNIX_EPOCH).map_err(io)?;
        out.set_modified_time(&path, std::time::UNIX_EPOCH).map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(out.into_inner().into_inner())
}

/// The LZFu dictionary preset (MS-OXRTFCP 2.1.2.1).
const RTF_PREBUF: &[u8] = b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

/// Decompresses an RTF body compressed with LZFu (or stored uncompressed, "MELA").
pub fn decompress_rtf(data: &[u8], budget: &Budget) -> Result<Vec<u8>, ExtractError> {
    let word = |at: usize| -> Option<u32> {
        data.get(at..at + 4).and_then(|b| b.try_into().ok()).map(u32::from_le_bytes)
    };
    let (Some(comp_size), Some(raw_size), Some(magic)) = (word(0), word(4), word(8)) else {
        return Err(malformed("RTF header too short"));
    };
    let body_end = (comp_size as usize).saturating_add(4).min(data.len());
    let body = data.get(16..body_end).unwrap_or(&[]);
    let max = budget.limits.max_part_bytes;
    if u64::from(raw_size) > max {
        return Err(ExtractError::Limit { limit: "max_part_bytes", max, actual: raw_size.into() });
    }
    if magic == RTF_MAGIC_UNCOMPRESSED {
        return Ok(body.get(..(raw_size as usize).min(body.len())).unwrap_or(body).to_vec());
    }
    if magic != RTF_MAGIC_COMPRESSED {
        return Err(malformed("unknown RTF compression"));
    }
    let mut dict = [0u8; 4096];
    for (slot, &b) in dict.iter_mut().zip(RTF_PREBUF) {
        *slot = b;
    }
    let mut write = RTF_PREBUF.len();
    let mut out = Vec::with_capacity(raw_size as usize);
    let mut i = 0;
    'outer: while let Some(&control) = body.get(i) {
        i += 1;
        for bit in 0..8 {
            if control & (1 << bit) == 0 {
                let Some(&b) = body.get(i) else { break 'outer };
                i += 1;
                out.push(b);
                if let Some(slot) = dict.get_mut(write) {
                    *slot = b;
                }
                write = (write + 1) % 4096;
            } else {
                let (Some(&hi), Some(&lo)) = (body.get(i), body.get(i + 1)) else { break 'outer };
                i += 2;
                let token = u16::from_be_bytes([hi, lo]) as usize;
                let offset = token >> 4;
                let len = (token & 0x0F) + 2;
                if offset == write {
                    break 'outer;
                }
                for k in 0..len {
                    let b = dict.get((offset + k) % 4096).copied().unwrap_or(0);
                    out.push(b);
                    if let Some(slot) = dict.get_mut(write) {
                        *slot = b;
                    }
                    write = (write + 1) % 4096;
                }
            }
            if out.len() as u64 > max || out.len() > raw_size as usize + 16 {
                break 'outer;
            }
        }
    }
    out.truncate(raw_size as usize);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filetime() {
        // 2009-02-13T23:31:30Z = unix 1234567890.
        let ticks = (1_234_567_890u64 + 11_644_473_600) * 10_000_000;
        assert_eq!(filetime_to_rfc3339(ticks).as_deref(), Some("2009-02-13T23:31:30Z"));
    }

    #[test]
    fn rtf_bodies_plain_and_html() {
        let budget = Budget::new(crate::extract::draft::Limits::default());
        let rtf = br"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}\pard Hello \'e9t\'e9\par World\u8364?{\*\generator x;}}";
        let parsed = crate::extract::rtf::parse(rtf, None, true, &budget).unwrap();
        let texts: Vec<&str> = parsed.draft.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["Hello \u{e9}t\u{e9}", "World\u{20ac}"]);
        let html = br"{\rtf1\ansi\fromhtml1{\*\htmltag19 <p>}\htmlrtf {\htmlrtf0 A b\htmlrtf }\htmlrtf0{\*\htmltag19 </p>}{\*\htmltag19 <p>}C{\*\htmltag19 </p>}}";
        let parsed = crate::extract::rtf::parse(html, None, true, &budget).unwrap();
        assert_eq!(html::html_to_text(&parsed.html.unwrap()), "A b\n\nC");
    }
}
