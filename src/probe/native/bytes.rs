//! Bounds-checked readers for header bytes: every read of a field past the
//! end is `None`, so a truncated or lying header can never panic a reader.

/// Big-endian unsigned integer of `N` bytes at `at`.
fn be<const N: usize>(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(N)?)?;
    Some(s.iter().fold(0u64, |v, &x| (v << 8) | u64::from(x)))
}

/// Little-endian unsigned integer of `N` bytes at `at`.
fn le<const N: usize>(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(N)?)?;
    Some(s.iter().rev().fold(0u64, |v, &x| (v << 8) | u64::from(x)))
}

pub fn u8_at(b: &[u8], at: usize) -> Option<u8> {
    b.get(at).copied()
}
pub fn be16(b: &[u8], at: usize) -> Option<u16> {
    be::<2>(b, at).map(|v| v as u16)
}
pub fn be32(b: &[u8], at: usize) -> Option<u32> {
    be::<4>(b, at).map(|v| v as u32)
}
pub fn be64(b: &[u8], at: usize) -> Option<u64> {
    be::<8>(b, at)
}
pub fn le16(b: &[u8], at: usize) -> Option<u16> {
    le::<2>(b, at).map(|v| v as u16)
}
pub fn le32(b: &[u8], at: usize) -> Option<u32> {
    le::<4>(b, at).map(|v| v as u32)
}
pub fn le64(b: &[u8], at: usize) -> Option<u64> {
    le::<8>(b, at)
}

/// Reads bits most-significant first, with the Exp-Golomb codes of H.264/HEVC
/// parameter sets. Emulation-prevention bytes must be removed first ([`unescape`]).
pub struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bits<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Bits { data, pos: 0 }
    }

    pub fn bit(&mut self) -> Option<u32> {
        let byte = *self.data.get(self.pos / 8)?;
        let v = (byte >> (7 - self.pos % 8)) & 1;
        self.pos += 1;
        Some(u32::from(v))
    }

    pub fn flag(&mut self) -> Option<bool> {
        self.bit().map(|b| b == 1)
    }

    /// `n` ≤ 32 bits.
    pub fn bits(&mut self, n: u32) -> Option<u32> {
        (0..n).try_fold(0u32, |v, _| Some((v << 1) | self.bit()?))
    }

    pub fn skip(&mut self, n: usize) -> Option<()> {
        self.pos = self.pos.checked_add(n)?;
        (self.pos <= self.data.len() * 8).then_some(())
    }

    /// Unsigned Exp-Golomb; values past 2^32 - 2 are refused as corrupt.
    pub fn ue(&mut self) -> Option<u32> {
        let mut zeros = 0;
        while self.bit()? == 0 {
            zeros += 1;
            if zeros > 31 {
                return None;
            }
        }
        let rest = self.bits(zeros)?;
        ((1u64 << zeros) - 1 + u64::from(rest)).try_into().ok()
    }

    /// Signed Exp-Golomb.
    pub fn se(&mut self) -> Option<i32> {
        let k = i64::from(self.ue()?);
        let v = if k % 2 == 1 { (k + 1) / 2 } else { -(k / 2) };
        i32::try_from(v).ok()
    }
}

/// Removes H.264/HEVC emulation-prevention bytes (`00 00 03` → `00 00`).
pub fn unescape(nal: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(nal.len());
    let mut zeros = 0;
    for &b in nal {
        if zeros >= 2 && b == 3 {
            zeros = 0;
            continue;
        }
        zeros = if b == 0 { zeros + 1 } else { 0 };
        out.push(b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_bounds() {
        let b = [1, 2, 3, 4, 5, 6, 7, 8];
        assert_eq!(be32(&b, 0), Some(0x0102_0304));
        assert_eq!(le16(&b, 6), Some(0x0807));
        assert_eq!(be64(&b, 0), Some(0x0102_0304_0506_0708));
        assert_eq!(be32(&b, 5), None);
        assert_eq!(be16(&b, usize::MAX), None);
    }

    #[test]
    fn exp_golomb() {
        // 1 | 010 | 011 | 00100 | 00101 → ue 0, 1, 2, 3, and se of 4 is -2.
        let data = [0b1010_0110, 0b0100_0010, 0b1000_0000];
        let mut r = Bits::new(&data);
        assert_eq!(r.ue(), Some(0));
        assert_eq!(r.ue(), Some(1));
        assert_eq!(r.ue(), Some(2));
        assert_eq!(r.ue(), Some(3));
        assert_eq!(r.se(), Some(-2));
        assert_eq!(Bits::new(&[0, 0, 0, 0, 0]).ue(), None);
        assert_eq!(unescape(&[0, 0, 3, 1, 0, 0, 3]), vec![0, 0, 1, 0, 0]);
    }
}
