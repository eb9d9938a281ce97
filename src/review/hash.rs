//! The two SHA-256 hashes of the review store: [`TextHash`] names a clause text, [`EntryHash`]
//! links an entry to the chain before it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::error::Error;

macro_rules! hex_hash {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub [u8; 32]);

        impl $name {
            /// The 32 bytes of the hash.
            pub fn as_bytes(&self) -> &[u8; 32] {
                &self.0
            }
        }

        impl fmt::Display for $name {
            /// 64 lower-case hex digits.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl FromStr for $name {
            type Err = Error;

            /// Reads 64 hex digits, in either case.
            fn from_str(s: &str) -> crate::error::Result<$name> {
                parse_hex(s).map($name).ok_or_else(|| {
                    Error::invalid_argument(format!(
                        concat!("not a ", $what, " (64 hex digits): {:?}"),
                        s
                    ))
                })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                let s = String::deserialize(deserializer)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

hex_hash!(
    /// The SHA-256 of a clause's normalised text: what a review decision is about.
    ///
    /// Decisions are keyed by the text, not by where the clause sits, so they survive
    /// re-ingestion and apply to every document with the same clause. [`TextHash::of`] normalises
    /// whitespace before hashing: any run of Unicode whitespace counts as one space, and leading
    /// and trailing whitespace is ignored, so a clause from a hard-wrapped PDF and from a DOCX
    /// hash alike. Case, punctuation and every other character count.
    ///
    /// Written as 64 lower-case hex digits.
    ///
    /// # Example
    ///
    /// ```
    /// use clausal::TextHash;
    ///
    /// let a = TextHash::of("Neither party is liable\nfor delays.");
    /// assert_eq!(a, TextHash::of("  Neither party is liable for   delays. "));
    /// assert_ne!(a, TextHash::of("Neither party is liable for delays"));
    /// assert_eq!(a.to_string().parse::<TextHash>()?, a);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    TextHash,
    "text hash"
);

hex_hash!(
    /// The SHA-256 that chains a review store entry to the ones before it:
    /// `sha256(previous entry's hash || the entry's canonical content)`.
    ///
    /// The first entry's previous hash is [`EntryHash::GENESIS`] (all zeros). The latest entry's
    /// hash, the head, stands for the whole history: kept somewhere else, it shows later that
    /// no entry up to it was changed, removed or reordered
    /// ([`ReviewStore::verify_contains`](crate::review::ReviewStore::verify_contains)).
    ///
    /// Written as 64 lower-case hex digits.
    EntryHash,
    "entry hash"
);

impl TextHash {
    /// The hash of `text` after normalising whitespace (see [`TextHash`]).
    pub fn of(text: &str) -> TextHash {
        let mut hasher = Sha256::new();
        for (i, word) in text.split_whitespace().enumerate() {
            if i > 0 {
                hasher.update(b" ");
            }
            hasher.update(word.as_bytes());
        }
        TextHash(hasher.finalize().into())
    }

    /// The first 64 bits, as the index's `text_hash` field keeps them for lookups.
    pub(crate) fn short(&self) -> u64 {
        let mut first = [0u8; 8];
        first.copy_from_slice(&self.0[..8]);
        u64::from_be_bytes(first)
    }
}

impl EntryHash {
    /// The previous hash of the first entry: 32 zero bytes.
    pub const GENESIS: EntryHash = EntryHash([0; 32]);
}

fn parse_hex(s: &str) -> Option<[u8; 32]> {
    let s = s.as_bytes();
    if s.len() != 64 {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(s.chunks_exact(2)) {
        *o = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_hash_is_sha256_of_the_normalised_text() {
        let h = TextHash::of("\u{a0}abc\r\n\t ");
        assert_eq!(
            h.to_string(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" // sha256("abc")
        );
        assert_eq!(TextHash::of(""), TextHash::of(" \n "));
    }

    #[test]
    fn hex_round_trip_and_errors() {
        let h = TextHash::of("x");
        assert_eq!(h.to_string().to_uppercase().parse::<TextHash>().unwrap(), h);
        assert_eq!(serde_json::to_string(&h).unwrap(), format!("\"{h}\""));
        for bad in ["", "00", &"g".repeat(64), &"é".repeat(32)] {
            assert!(bad.parse::<EntryHash>().is_err(), "{bad}");
        }
        assert_eq!(EntryHash::GENESIS.to_string(), "0".repeat(64));
    }
}
