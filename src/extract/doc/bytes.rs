//! Bounds-checked little-endian reads and the PLC structure (MS-DOC 2.2.2).
//!
//! Every read returns `None` past the end of its slice instead of panicking.

pub(super) fn u8_at(b: &[u8], at: usize) -> Option<u8> {
    b.get(at).copied()
}

pub(super) fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    let s: [u8; 2] = b.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(u16::from_le_bytes(s))
}

pub(super) fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(s))
}

pub(super) fn i32_at(b: &[u8], at: usize) -> Option<i32> {
    u32_at(b, at).map(|v| v as i32)
}

/// `b[at..at + len]`, or `None` when that is not inside `b`.
pub(super) fn slice(b: &[u8], at: usize, len: usize) -> Option<&[u8]> {
    b.get(at..at.checked_add(len)?)
}

/// A PLC: `n + 1` CPs (or FCs) followed by `n` data elements of `size` bytes. The count is
/// derived from the byte length, so it can never promise more than the bytes hold.
#[derive(Clone, Copy, Debug)]
pub(super) struct Plc<'a> {
    data: &'a [u8],
    n: usize,
    size: usize,
}

impl<'a> Plc<'a> {
    pub(super) fn new(data: &'a [u8], size: usize) -> Plc<'a> {
        let n = data.len().saturating_sub(4) / (4 + size);
        Plc { data, n, size }
    }

    /// Number of data elements (one less than the number of CPs).
    pub(super) fn len(&self) -> usize {
        self.n
    }

    /// The CP at `i` (0..=len).
    pub(super) fn cp(&self, i: usize) -> Option<u32> {
        if i > self.n {
            return None;
        }
        u32_at(self.data, i.checked_mul(4)?)
    }

    /// The data element at `i` (0..len).
    pub(super) fn elem(&self, i: usize) -> Option<&'a [u8]> {
        if i >= self.n {
            return None;
        }
        let at = (self.n + 1).checked_mul(4)?.checked_add(i.checked_mul(self.size)?)?;
        slice(self.data, at, self.size)
    }

    /// The index `i` with `cp(i) <= x < cp(i + 1)`, by binary search (the CPs of a valid PLC
    /// are ascending; for an invalid one the answer is some index, never a panic).
    pub(super) fn find(&self, x: u32) -> Option<usize> {
        if self.n == 0 {
            return None;
        }
        let (mut lo, mut hi) = (0usize, self.n);
        // Invariant: the answer, if any, is in lo..hi.
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let start = self.cp(mid)?;
            let end = self.cp(mid + 1)?;
            if x < start {
                hi = mid;
            } else if x >= end {
                lo = mid + 1;
            } else {
                return Some(mid);
            }
        }
        None
    }
}
