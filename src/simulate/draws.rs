//! Common random numbers: every draw is keyed by its coordinates (seed, run,
//! week or person, stream), so every strategy sees the same luck.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A draw in [0, 1) keyed by its coordinates (common random numbers).
pub(super) fn draw(key: &[u64]) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for k in key {
        for b in k.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    ChaCha8Rng::seed_from_u64(h).random::<f64>()
}

/// A stable number for an id.
pub(super) fn id_key(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Poisson draw with mean `rate` from a uniform generator.
pub(super) fn poisson(rate: f64, rng: &mut ChaCha8Rng) -> u32 {
    if rate <= 0.0 {
        return 0;
    }
    let limit = (-rate).exp();
    let (mut k, mut p) = (0u32, 1.0);
    loop {
        p *= rng.random::<f64>();
        if p <= limit || k >= 10_000 {
            return k;
        }
        k += 1;
    }
}
