//! A one-multiply hasher for keys the walk makes on every file: inode ids
//! (hard-link ledgers) and packed extensions. std's SipHash resists
//! collision attacks on untrusted keys; these keys come from the kernel or
//! from our own tables, and SipHash over 50k of them showed in profiles.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Multiplies each word in; the high half is folded into the low bits that
/// the table indexes by.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

const K: u64 = 0x9E37_79B9_7F4A_7C15;

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(w));
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(K);
    }

    fn write_u128(&mut self, v: u128) {
        self.write_u64(v as u64);
        self.write_u64((v >> 64) as u64);
    }

    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }

    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }
}

/// A `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;
/// A `HashSet` with [`FastHasher`].
pub type FastSet<K> = HashSet<K, BuildHasherDefault<FastHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hash};

    fn hash<T: Hash>(v: T) -> u64 {
        BuildHasherDefault::<FastHasher>::default().hash_one(v)
    }

    #[test]
    fn nearby_inodes_spread_over_the_table() {
        // Consecutive inode numbers on one device must not share low bits.
        let buckets: HashSet<u64> = (0..4096u64)
            .map(|ino| hash((2049u64, ino)) & 1023)
            .collect();
        assert!(
            buckets.len() > 900,
            "{} of 1024 buckets used",
            buckets.len()
        );
        assert_ne!(hash((1u64, 2u64)), hash((2u64, 1u64)));
    }
}
