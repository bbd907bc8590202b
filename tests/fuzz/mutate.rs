//! Deterministic byte and token mutations, in the spirit of AFL's havoc stage.

/// xorshift64*: small, fast, reproducible.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Values that break size and offset arithmetic, and tokens that break
/// text formats (XML, TOML, JSON, durations).
const INTERESTING: &[&[u8]] = &[
    b"\x00",
    b"\xff",
    b"\x7f",
    b"\x80",
    b"\x00\x00\x00\x00",
    b"\xff\xff\xff\xff",
    b"\x7f\xff\xff\xff",
    b"\x80\x00\x00\x00",
    b"\xff\xff\xff\xff\xff\xff\xff\xff",
    b"0",
    b"-1",
    b"18446744073709551616",
    b"99999999999999999999999",
    b"NaN",
    b"inf",
    b"1e308",
    b"0/0",
    b"24 0",
    b"<",
    b">",
    b"&",
    b"&#0;",
    b"]]>",
    b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]>",
    b"</",
    b"\"",
    b"'",
    b"[[",
    b"=",
    b"\n",
    b"{",
    b"}",
    b"../",
    b"/",
    b":",
    b"\xc3",
    b"\xe9",
];

/// One mutated input from `seeds`: 1 to 8 stacked operations.
pub fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut b = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(8) {
        let len = b.len();
        match rng.below(9) {
            // Flip a bit.
            0 if len > 0 => {
                let i = rng.below(len);
                b[i] ^= 1 << rng.below(8);
            }
            // Random byte.
            1 if len > 0 => {
                let i = rng.below(len);
                b[i] = rng.next() as u8;
            }
            // Overwrite with an interesting value.
            2 if len > 0 => {
                let v = INTERESTING[rng.below(INTERESTING.len())];
                let i = rng.below(len);
                for (k, &c) in v.iter().enumerate() {
                    if i + k < len {
                        b[i + k] = c;
                    }
                }
            }
            // Insert an interesting value.
            3 => {
                let v = INTERESTING[rng.below(INTERESTING.len())];
                let i = rng.below(len + 1);
                b.splice(i..i, v.iter().copied());
            }
            // Delete a range.
            4 if len > 1 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                b.drain(i..i + n);
            }
            // Duplicate a range.
            5 if len > 1 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(256));
                let chunk: Vec<u8> = b[i..i + n].to_vec();
                let at = rng.below(len + 1);
                b.splice(at..at, chunk);
            }
            // Truncate.
            6 if len > 0 => b.truncate(rng.below(len)),
            // Splice the tail of another seed.
            7 => {
                let other = &seeds[rng.below(seeds.len())];
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let at = rng.below(len + 1);
                    b.truncate(at);
                    b.extend_from_slice(&other[from..]);
                }
            }
            // Change a digit: numbers drive sizes, offsets and durations.
            _ => {
                let digits: Vec<usize> = (0..len).filter(|&i| b[i].is_ascii_digit()).collect();
                if !digits.is_empty() {
                    let i = digits[rng.below(digits.len())];
                    b[i] = b'0' + rng.below(10) as u8;
                }
            }
        }
    }
    b
}
