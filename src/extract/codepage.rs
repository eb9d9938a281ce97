//! Windows code page numbers (as Outlook, RTF and Word name them) to encodings.

/// The encoding of a Windows code page; Windows-1252 for an unknown or absent one.
pub(crate) fn encoding(cp: Option<u32>) -> &'static encoding_rs::Encoding {
    use encoding_rs::*;
    match cp {
        Some(65001) => UTF_8,
        Some(1250) => WINDOWS_1250,
        Some(1251) => WINDOWS_1251,
        Some(1253) => WINDOWS_1253,
        Some(1254) => WINDOWS_1254,
        Some(1255) => WINDOWS_1255,
        Some(1256) => WINDOWS_1256,
        Some(1257) => WINDOWS_1257,
        Some(1258) => WINDOWS_1258,
        Some(874) => WINDOWS_874,
        Some(932) => SHIFT_JIS,
        Some(936) => GBK,
        Some(54936) => GB18030,
        Some(949) => EUC_KR,
        Some(950) => BIG5,
        Some(866) => IBM866,
        Some(20866) => KOI8_R,
        Some(21866) => KOI8_U,
        Some(51932) | Some(20932) => EUC_JP,
        Some(50220) | Some(50221) | Some(50222) => ISO_2022_JP,
        Some(28592) => ISO_8859_2,
        Some(28593) => ISO_8859_3,
        Some(28594) => ISO_8859_4,
        Some(28595) => ISO_8859_5,
        Some(28596) => ISO_8859_6,
        Some(28597) => ISO_8859_7,
        Some(28598) => ISO_8859_8,
        Some(28603) => ISO_8859_13,
        Some(28605) => ISO_8859_15,
        Some(10000) => MACINTOSH,
        _ => WINDOWS_1252,
    }
}
