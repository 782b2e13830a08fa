//! SHA-256 key derivation for reading modern PKCS#12 files without OpenSSL's per-iteration
//! EVP overhead: PBKDF2-HMAC-SHA256 (PBES2 bags) and the PKCS#12 KDF (RFC 7292 appendix B,
//! the MAC key). Opening one oVirt 4.5 p12 costs ~10,000 SHA-256 compressions; OpenSSL 3 spends
//! ~4x the compression time on context copies and locks per iteration, which made key stores
//! the bulk of an audit. Independent chains (cert bag, key bag, MAC of one file) run in lockstep
//! so the CPU's SHA extensions overlap them. Checked against OpenSSL in the tests below.

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

const IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// One 64-byte block as sixteen big-endian words.
type Block = [u32; 16];
type State = [u32; 8];

fn compress_soft(state: &mut State, block: &Block) {
    let mut w = [0u32; 64];
    w[..16].copy_from_slice(block);
    for i in 16..64 {
        let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
        let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16]
            .wrapping_add(s0)
            .wrapping_add(w[i - 7])
            .wrapping_add(s1);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    for i in 0..64 {
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = (e & f) ^ (!e & g);
        let t1 = h
            .wrapping_add(s1)
            .wrapping_add(ch)
            .wrapping_add(K[i])
            .wrapping_add(w[i]);
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = s0.wrapping_add(maj);
        h = g;
        g = f;
        f = e;
        e = d.wrapping_add(t1);
        d = c;
        c = b;
        b = a;
        a = t1.wrapping_add(t2);
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
        *s = s.wrapping_add(v);
    }
}

#[cfg(target_arch = "x86_64")]
mod shani {
    use super::{Block, State, K};
    use core::arch::x86_64::*;

    pub fn available() -> bool {
        std::arch::is_x86_feature_detected!("sha")
            && std::arch::is_x86_feature_detected!("sse2")
            && std::arch::is_x86_feature_detected!("ssse3")
            && std::arch::is_x86_feature_detected!("sse4.1")
    }

    /// `N` independent compressions, interleaved round by round (Intel's SHA-NI sequence).
    ///
    /// # Safety
    /// The CPU must support SHA, SSE2, SSSE3 and SSE4.1 ([`available`]).
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    pub unsafe fn compress<const N: usize>(states: &mut [State; N], blocks: &[Block; N]) {
        let zero = _mm_setzero_si128();
        let mut abef = [zero; N];
        let mut cdgh = [zero; N];
        let mut save = [(zero, zero); N];
        let mut w = [[zero; 4]; N];
        for j in 0..N {
            // SAFETY: [u32; 8] and [u32; 16] are 32 and 64 readable bytes; loads are unaligned.
            let p = states[j].as_ptr() as *const __m128i;
            let dcba = _mm_loadu_si128(p);
            let efgh = _mm_loadu_si128(p.add(1));
            let cdab = _mm_shuffle_epi32(dcba, 0xB1);
            let efgh = _mm_shuffle_epi32(efgh, 0x1B);
            abef[j] = _mm_alignr_epi8(cdab, efgh, 8);
            cdgh[j] = _mm_blend_epi16(efgh, cdab, 0xF0);
            save[j] = (abef[j], cdgh[j]);
            let b = blocks[j].as_ptr() as *const __m128i;
            for (q, wq) in w[j].iter_mut().enumerate() {
                *wq = _mm_loadu_si128(b.add(q));
            }
        }
        for i in 0..16 {
            let kv = _mm_loadu_si128(K.as_ptr().add(4 * i) as *const __m128i);
            for j in 0..N {
                let cur = if i < 4 {
                    w[j][i]
                } else {
                    let ws = &mut w[j];
                    let (v0, v1, v2, v3) =
                        (ws[i % 4], ws[(i + 1) % 4], ws[(i + 2) % 4], ws[(i + 3) % 4]);
                    let t = _mm_add_epi32(_mm_sha256msg1_epu32(v0, v1), _mm_alignr_epi8(v3, v2, 4));
                    let next = _mm_sha256msg2_epu32(t, v3);
                    ws[i % 4] = next;
                    next
                };
                let t1 = _mm_add_epi32(cur, kv);
                cdgh[j] = _mm_sha256rnds2_epu32(cdgh[j], abef[j], t1);
                let t2 = _mm_shuffle_epi32(t1, 0x0E);
                abef[j] = _mm_sha256rnds2_epu32(abef[j], cdgh[j], t2);
            }
        }
        for j in 0..N {
            let a = _mm_add_epi32(abef[j], save[j].0);
            let c = _mm_add_epi32(cdgh[j], save[j].1);
            let feba = _mm_shuffle_epi32(a, 0x1B);
            let dchg = _mm_shuffle_epi32(c, 0xB1);
            let p = states[j].as_mut_ptr() as *mut __m128i;
            _mm_storeu_si128(p, _mm_blend_epi16(feba, dchg, 0xF0));
            _mm_storeu_si128(p.add(1), _mm_alignr_epi8(dchg, feba, 8));
        }
    }
}

fn has_shani() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        static HAS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *HAS.get_or_init(shani::available)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Compresses `blocks[j]` into `states[j]` for every j (up to 4 at once).
fn compress_many(states: &mut [State], blocks: &[Block]) {
    debug_assert_eq!(states.len(), blocks.len());
    #[cfg(target_arch = "x86_64")]
    if has_shani() {
        macro_rules! go {
            ($n:literal) => {{
                let mut s: [State; $n] = states.try_into().expect("length checked");
                let b: &[Block; $n] = blocks.try_into().expect("length checked");
                // SAFETY: has_shani() checked the CPU features the function enables.
                unsafe { shani::compress::<$n>(&mut s, b) };
                states.copy_from_slice(&s);
            }};
        }
        match states.len() {
            1 => go!(1),
            2 => go!(2),
            3 => go!(3),
            4 => go!(4),
            _ => {
                let (a, b) = states.split_at_mut(4);
                let (x, y) = blocks.split_at(4);
                compress_many(a, x);
                compress_many(b, y);
            }
        }
        return;
    }
    for (s, b) in states.iter_mut().zip(blocks) {
        compress_soft(s, b);
    }
}

fn block_of(bytes: &[u8]) -> Block {
    let mut b = [0u32; 16];
    for (w, c) in b.iter_mut().zip(bytes.chunks_exact(4)) {
        *w = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
    }
    b
}

/// Continues `state` (which has absorbed `prefix_len` bytes, a multiple of 64) over `msg`
/// and pads: the SHA-256 of prefix || msg, as state words.
fn finish(mut state: State, prefix_len: usize, msg: &[u8]) -> State {
    let mut chunks = msg.chunks_exact(64);
    for c in &mut chunks {
        compress_many(std::slice::from_mut(&mut state), &[block_of(c)]);
    }
    let rest = chunks.remainder();
    let mut tail = [0u8; 128];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let n = if rest.len() < 56 { 64 } else { 128 };
    let bits = ((prefix_len + msg.len()) as u64).wrapping_mul(8);
    tail[n - 8..n].copy_from_slice(&bits.to_be_bytes());
    for c in tail[..n].chunks_exact(64) {
        compress_many(std::slice::from_mut(&mut state), &[block_of(c)]);
    }
    state
}

fn bytes_of(s: &State) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, w) in out.chunks_exact_mut(4).zip(s) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    out
}

/// SHA-256 of `msg`.
pub(crate) fn sha256(msg: &[u8]) -> [u8; 32] {
    bytes_of(&finish(IV, 0, msg))
}

/// HMAC-SHA256 key schedule: the states after absorbing key^ipad and key^opad.
fn hmac_states(key: &[u8]) -> (State, State) {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&sha256(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut i = IV;
    let mut o = IV;
    let ib: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    let ob: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    compress_many(std::slice::from_mut(&mut i), &[block_of(&ib)]);
    compress_many(std::slice::from_mut(&mut o), &[block_of(&ob)]);
    (i, o)
}

/// HMAC-SHA256 of `msg` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let (i, o) = hmac_states(key);
    let inner = bytes_of(&finish(i, 64, msg));
    bytes_of(&finish(o, 64, &inner))
}

/// A 32-byte digest followed by SHA-256 padding for a message of `total` bytes (≤ 55 + 32).
fn padded_digest(d: &State, total: u64) -> Block {
    let mut b = [0u32; 16];
    b[..8].copy_from_slice(d);
    b[8] = 0x8000_0000;
    b[15] = (total * 8) as u32;
    b[14] = ((total * 8) >> 32) as u32;
    b
}

/// One derivation to run.
#[derive(Clone)]
pub(crate) enum Kdf<'a> {
    /// PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) with a raw password, `len` ≤ 32 bytes of output.
    Pbkdf2 {
        password: &'a [u8],
        salt: &'a [u8],
        iterations: u32,
        len: usize,
    },
    /// RFC 7292 appendix B.2 with SHA-256 (u = 32, v = 64): `id` 1 = key, 2 = IV, 3 = MAC;
    /// `password` already as BMPString with its two-byte terminator; 32 bytes of output.
    Pkcs12 {
        id: u8,
        password_bmp: &'a [u8],
        salt: &'a [u8],
        iterations: u32,
    },
}

impl Kdf<'_> {
    /// Bytes of output: PBKDF2's requested length, the PKCS#12 KDF's one SHA-256 block.
    fn out_len(&self) -> usize {
        match self {
            Kdf::Pbkdf2 { len, .. } => *len,
            Kdf::Pkcs12 { .. } => 32,
        }
    }
}

/// A derivation in progress: each step is one compression.
struct Lane {
    /// Remaining steps.
    left: u64,
    kind: LaneKind,
}

enum LaneKind {
    Pbkdf2 {
        ipad: State,
        opad: State,
        u: State,
        t: State,
        /// The next step is the inner hash.
        inner: bool,
    },
    Pkcs12 {
        a: State,
    },
}

impl Lane {
    fn new(job: &Kdf<'_>) -> Option<Lane> {
        match *job {
            Kdf::Pbkdf2 {
                password,
                salt,
                iterations,
                len,
            } => {
                // Above the cap nothing is derived (the readers refuse such files first).
                if iterations == 0
                    || iterations as u64 > crate::p12format::MAX_P12_ITERATIONS
                    || len == 0
                    || len > 32
                {
                    return None;
                }
                let (ipad, opad) = hmac_states(password);
                let mut first = salt.to_vec();
                first.extend_from_slice(&1u32.to_be_bytes());
                let inner = bytes_of(&finish(ipad, 64, &first));
                let u = finish(opad, 64, &inner);
                Some(Lane {
                    left: 2 * (iterations as u64 - 1),
                    kind: LaneKind::Pbkdf2 {
                        ipad,
                        opad,
                        u,
                        t: u,
                        inner: true,
                    },
                })
            }
            Kdf::Pkcs12 {
                id,
                password_bmp,
                salt,
                iterations,
            } => {
                if iterations == 0 || iterations as u64 > crate::p12format::MAX_P12_ITERATIONS {
                    return None;
                }
                let rep = |s: &[u8]| -> Vec<u8> {
                    if s.is_empty() {
                        return Vec::new();
                    }
                    let n = s.len().div_ceil(64) * 64;
                    s.iter().copied().cycle().take(n).collect()
                };
                let mut d = vec![id; 64];
                d.extend(rep(salt));
                d.extend(rep(password_bmp));
                let a = finish(IV, 0, &d);
                Some(Lane {
                    left: iterations as u64 - 1,
                    kind: LaneKind::Pkcs12 { a },
                })
            }
        }
    }

    fn input(&self) -> (State, Block) {
        match &self.kind {
            LaneKind::Pbkdf2 {
                ipad,
                opad,
                u,
                inner,
                ..
            } => {
                if *inner {
                    (*ipad, padded_digest(u, 96))
                } else {
                    (*opad, padded_digest(u, 96))
                }
            }
            LaneKind::Pkcs12 { a } => (IV, padded_digest(a, 32)),
        }
    }

    /// The state a step starts from and the digest its block begins with.
    fn step_input(&self) -> (&State, &State) {
        match &self.kind {
            LaneKind::Pbkdf2 {
                ipad,
                opad,
                u,
                inner,
                ..
            } => (if *inner { ipad } else { opad }, u),
            LaneKind::Pkcs12 { a } => (&IV, a),
        }
    }

    fn absorb(&mut self, out: State) {
        self.left -= 1;
        match &mut self.kind {
            LaneKind::Pbkdf2 { u, t, inner, .. } => {
                *u = out;
                if !*inner {
                    for (x, y) in t.iter_mut().zip(out) {
                        *x ^= y;
                    }
                }
                *inner = !*inner;
            }
            LaneKind::Pkcs12 { a } => *a = out,
        }
    }

    fn output(&self) -> [u8; 32] {
        match &self.kind {
            LaneKind::Pbkdf2 { t, .. } => bytes_of(t),
            LaneKind::Pkcs12 { a } => bytes_of(a),
        }
    }
}

/// `steps` steps of `N` lanes in lockstep (the hot loop: one compression per lane per step).
fn run<const N: usize>(g: &mut [Lane], steps: u64) {
    let Ok(g) = <&mut [Lane; N]>::try_from(g) else {
        return;
    };
    // The padding words of a lane's block never change, only its first eight words.
    let mut blocks: [Block; N] = core::array::from_fn(|j| g[j].input().1);
    let hw = has_shani();
    for _ in 0..steps {
        let mut states: [State; N] = core::array::from_fn(|j| {
            let (start, digest) = g[j].step_input();
            blocks[j][..8].copy_from_slice(digest);
            *start
        });
        #[cfg(target_arch = "x86_64")]
        if hw {
            // SAFETY: has_shani() checked the CPU features the function enables.
            unsafe { shani::compress::<N>(&mut states, &blocks) };
        }
        if !hw {
            for (s, b) in states.iter_mut().zip(&blocks) {
                compress_soft(s, b);
            }
        }
        for (l, s) in g.iter_mut().zip(states) {
            l.absorb(s);
        }
    }
}

/// Runs `lanes` to completion, up to [`SLOTS`] in lockstep: the longest first, and a slot
/// that finishes takes the next waiting lane, so the SHA units stay busy until the tail.
fn drive(lanes: &mut [Option<Lane>]) {
    let mut queue: Vec<usize> = (0..lanes.len())
        .filter(|&i| lanes[i].as_ref().is_some_and(|l| l.left > 0))
        .collect();
    queue.sort_by_key(|&i| std::cmp::Reverse(lanes[i].as_ref().map_or(0, |l| l.left)));
    let mut queue = queue.into_iter();
    let mut slots: Vec<usize> = Vec::with_capacity(SLOTS);
    loop {
        while slots.len() < SLOTS {
            match queue.next() {
                Some(i) => slots.push(i),
                None => break,
            }
        }
        let Some(steps) = slots
            .iter()
            .filter_map(|&i| lanes[i].as_ref().map(|l| l.left))
            .min()
        else {
            return;
        };
        let mut g: Vec<Lane> = slots.iter().filter_map(|&i| lanes[i].take()).collect();
        match g.len() {
            1 => run::<1>(&mut g, steps),
            2 => run::<2>(&mut g, steps),
            3 => run::<3>(&mut g, steps),
            _ => run::<SLOTS>(&mut g, steps),
        }
        for (&i, l) in slots.iter().zip(g) {
            lanes[i] = Some(l);
        }
        slots.retain(|&i| lanes[i].as_ref().is_some_and(|l| l.left > 0));
    }
}

/// Lanes run side by side: four keep SHA-NI's pipeline full (measured here: 24 ns per
/// compression with four, 31 with three, 79 alone).
const SLOTS: usize = 4;

fn output(l: &Option<Lane>, job: &Kdf<'_>) -> Option<Vec<u8>> {
    Some(l.as_ref()?.output()[..job.out_len()].to_vec())
}

/// Runs every derivation, the independent chains side by side. `None` for a job with
/// parameters outside what this module does (zero iterations, more than
/// [`crate::p12format::MAX_P12_ITERATIONS`], output longer than 32 bytes).
pub(crate) fn derive(jobs: &[Kdf<'_>]) -> Vec<Option<Vec<u8>>> {
    let mut lanes: Vec<Option<Lane>> = jobs.iter().map(Lane::new).collect();
    drive(&mut lanes);
    lanes.iter().zip(jobs).map(|(l, j)| output(l, j)).collect()
}

/// What identifies a derivation: its kind and every input, length-prefixed.
fn cache_key(job: &Kdf<'_>) -> Vec<u8> {
    let mut k = Vec::new();
    let mut field = |b: &[u8]| {
        k.extend_from_slice(&(b.len() as u64).to_be_bytes());
        k.extend_from_slice(b);
    };
    match *job {
        Kdf::Pbkdf2 {
            password,
            salt,
            iterations,
            len,
        } => {
            field(b"pbkdf2");
            field(password);
            field(salt);
            field(&iterations.to_be_bytes());
            field(&(len as u64).to_be_bytes());
        }
        Kdf::Pkcs12 {
            id,
            password_bmp,
            salt,
            iterations,
        } => {
            field(b"pkcs12");
            field(&[id]);
            field(password_bmp);
            field(salt);
            field(&iterations.to_be_bytes());
        }
    }
    k
}

/// Keys derived ahead of time for a batch of files, by their complete input: a lookup can
/// only ever return what [`derive`] would compute for the same job.
#[derive(Default)]
pub(crate) struct Derived(std::collections::HashMap<Vec<u8>, Vec<u8>>);

impl Derived {
    pub(crate) fn get(&self, job: &Kdf<'_>) -> Option<&[u8]> {
        self.0.get(&cache_key(job)).map(Vec::as_slice)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

/// Many files' derivations at once, shared out in groups that any number of threads take
/// in turn ([`Batch::work`]): all their chains share the lockstep slots instead of each file
/// running its three alone (which leaves a slot idle, then two once the MAC chain is done).
/// The audit's worker threads each join in with their first entity ([`Batch::finish`]).
pub(crate) struct Batch {
    groups: Vec<std::sync::Mutex<Vec<Option<Lane>>>>,
    /// Per group: (cache key, output length) of each of its lanes.
    keys: Vec<Vec<(Vec<u8>, usize)>>,
    next: std::sync::atomic::AtomicUsize,
    done: std::sync::Mutex<usize>,
    all_done: std::sync::Condvar,
    result: std::sync::OnceLock<Derived>,
}

impl Batch {
    pub(crate) fn new(jobs: &[Kdf<'_>]) -> Batch {
        let lanes: Vec<Option<Lane>> = jobs.iter().map(Lane::new).collect();
        let left = |l: &Option<Lane>| l.as_ref().map_or(0, |l| l.left);
        let longest = lanes.iter().map(left).max().unwrap_or(0).max(1);
        let total: u64 = lanes.iter().map(left).sum();
        // Groups of about SLOTS longest chains' worth of steps: full slots inside a group,
        // and enough groups for the threads to share.
        // No lanes, no groups: nothing for a helper thread to start on.
        let n = if lanes.is_empty() {
            0
        } else {
            (total.div_ceil(longest * SLOTS as u64) as usize).clamp(1, lanes.len())
        };
        let mut order: Vec<usize> = (0..lanes.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(left(&lanes[i])));
        let mut load = vec![0u64; n];
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); n];
        for i in order {
            let g = (0..n).min_by_key(|&g| load[g]).unwrap_or(0);
            load[g] += left(&lanes[i]);
            members[g].push(i);
        }
        let mut lanes = lanes;
        let groups = members
            .iter()
            .map(|m| std::sync::Mutex::new(m.iter().map(|&i| lanes[i].take()).collect()))
            .collect();
        let keys = members
            .iter()
            .map(|m| {
                m.iter()
                    .map(|&i| (cache_key(&jobs[i]), jobs[i].out_len()))
                    .collect()
            })
            .collect();
        Batch {
            groups,
            keys,
            next: std::sync::atomic::AtomicUsize::new(0),
            done: std::sync::Mutex::new(0),
            all_done: std::sync::Condvar::new(),
            result: std::sync::OnceLock::new(),
        }
    }

    /// Runs groups until none is left to take.
    pub(crate) fn work(&self) {
        /// Counts the group as done even if running it panicked (its lanes are then lost:
        /// the files derive their keys themselves), so `finish` never waits forever.
        struct Done<'a>(&'a Batch);
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                let mut d = self.0.done.lock().unwrap_or_else(|p| p.into_inner());
                *d += 1;
                self.0.all_done.notify_all();
            }
        }
        loop {
            let g = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(group) = self.groups.get(g) else {
                return;
            };
            let _done = Done(self);
            let mut lanes = group.lock().unwrap_or_else(|p| p.into_inner());
            drive(&mut lanes);
        }
    }

    /// Helps until no group is left, waits for the others' groups, and returns every key
    /// (any number of threads may call it; they all get the same keys).
    pub(crate) fn finish(&self) -> &Derived {
        if let Some(r) = self.result.get() {
            return r;
        }
        self.work();
        let mut d = self.done.lock().unwrap_or_else(|p| p.into_inner());
        while *d < self.groups.len() {
            d = self.all_done.wait(d).unwrap_or_else(|p| p.into_inner());
        }
        drop(d);
        self.result.get_or_init(|| {
            let mut out = std::collections::HashMap::new();
            for (group, keys) in self.groups.iter().zip(&self.keys) {
                let lanes = group.lock().unwrap_or_else(|p| p.into_inner());
                for (l, (key, len)) in lanes.iter().zip(keys) {
                    if let Some(l) = l {
                        if l.left == 0 {
                            out.insert(key.clone(), l.output()[..*len].to_vec());
                        }
                    }
                }
            }
            Derived(out)
        })
    }
}

/// A password as PKCS#12's BMPString (UTF-16BE plus a two-byte terminator), ASCII only:
/// `None` otherwise (OpenSSL's own conversion is then the reference).
pub(crate) fn bmp_password(password: &str) -> Option<Vec<u8>> {
    if !password.is_ascii() || password.contains('\0') {
        return None;
    }
    let mut v = Vec::with_capacity(password.len() * 2 + 2);
    for b in password.bytes() {
        v.push(0);
        v.push(b);
    }
    v.extend([0, 0]);
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_openssl_for_every_padding_case() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for n in 0..data.len() {
            assert_eq!(
                sha256(&data[..n]),
                openssl::sha::sha256(&data[..n]),
                "len {n}"
            );
        }
    }

    #[test]
    fn soft_and_hardware_compressions_agree() {
        let mut states: Vec<State> = (0..6u32).map(|j| IV.map(|w| w ^ j)).collect();
        let blocks: Vec<Block> = (0..6u32)
            .map(|j| core::array::from_fn(|i| (i as u32).wrapping_mul(0x9e37_79b9) ^ j))
            .collect();
        let mut soft = states.clone();
        for (s, b) in soft.iter_mut().zip(&blocks) {
            compress_soft(s, b);
        }
        compress_many(&mut states, &blocks);
        assert_eq!(states, soft);
    }

    #[test]
    fn hmac_and_pbkdf2_match_openssl() {
        let key = b"key material longer than one block of sixty-four bytes, to be hashed first";
        for k in [&key[..3], &key[..64], &key[..]] {
            let want = openssl::sign::Signer::new(
                openssl::hash::MessageDigest::sha256(),
                &openssl::pkey::PKey::hmac(k).unwrap(),
            )
            .and_then(|mut s| {
                s.update(b"message")?;
                s.sign_to_vec()
            })
            .unwrap();
            assert_eq!(hmac_sha256(k, b"message").to_vec(), want);
        }
        let salts: [&[u8]; 3] = [b"12345678", b"", &[0xab; 70]];
        let mut jobs = Vec::new();
        for (i, salt) in salts.iter().enumerate() {
            for iterations in [1u32, 2, 2048 + i as u32] {
                jobs.push(Kdf::Pbkdf2 {
                    password: b"mypass",
                    salt,
                    iterations,
                    len: 32,
                });
            }
        }
        jobs.push(Kdf::Pbkdf2 {
            password: key,
            salt: b"s",
            iterations: 5,
            len: 16,
        });
        let got = derive(&jobs);
        for (job, out) in jobs.iter().zip(got) {
            let Kdf::Pbkdf2 {
                password,
                salt,
                iterations,
                len,
            } = job
            else {
                unreachable!()
            };
            let mut want = vec![0u8; *len];
            openssl::pkcs5::pbkdf2_hmac(
                password,
                salt,
                *iterations as usize,
                openssl::hash::MessageDigest::sha256(),
                &mut want,
            )
            .unwrap();
            assert_eq!(out.unwrap(), want, "{iterations} iterations");
        }
    }

    #[test]
    fn pkcs12_kdf_lanes_agree_with_one_at_a_time() {
        // The MAC key itself is judged against OpenSSL-made files in cert::p12's tests; here
        // the lockstep driver must not mix lanes up.
        let pw = bmp_password("mypass").unwrap();
        let jobs: Vec<Kdf<'_>> = (1..=5u32)
            .map(|n| Kdf::Pkcs12 {
                id: 3,
                password_bmp: &pw,
                salt: b"saltsalt",
                iterations: n * 3,
            })
            .collect();
        let together = derive(&jobs);
        for (j, t) in jobs.iter().zip(together) {
            assert_eq!(derive(std::slice::from_ref(j))[0], t);
        }
        assert_eq!(bmp_password("ab").unwrap(), vec![0, b'a', 0, b'b', 0, 0]);
        assert!(bmp_password("é").is_none());
    }

    /// The batch's groups and slot refills must give each job exactly what [`derive`] gives
    /// it, whichever thread ran its group, including one-iteration jobs (no steps at all).
    #[test]
    fn batch_agrees_with_derive_for_mixed_lengths() {
        let pw = bmp_password("mypass").unwrap();
        let salts: Vec<Vec<u8>> = (0..13u8).map(|i| vec![i; 8 + i as usize]).collect();
        let mut jobs = Vec::new();
        for (i, salt) in salts.iter().enumerate() {
            jobs.push(Kdf::Pbkdf2 {
                password: b"mypass",
                salt,
                iterations: [1, 2, 97, 400, 2048][i % 5],
                len: [16, 24, 32][i % 3],
            });
            jobs.push(Kdf::Pkcs12 {
                id: 3,
                password_bmp: &pw,
                salt,
                iterations: [1, 50, 1024][i % 3],
            });
        }
        let b = Batch::new(&jobs);
        let got = std::thread::scope(|s| {
            s.spawn(|| b.work());
            b.finish()
        });
        let want = derive(&jobs);
        assert_eq!(got.len(), jobs.len());
        let empty = Batch::new(&[]);
        assert!(empty.groups.is_empty());
        assert_eq!(empty.finish().len(), 0);
        for (j, w) in jobs.iter().zip(want) {
            assert_eq!(got.get(j).map(<[u8]>::to_vec), w);
        }
        // Another salt is another job: not in the batch.
        assert!(got
            .get(&Kdf::Pbkdf2 {
                password: b"mypass",
                salt: b"elsewhere",
                iterations: 2048,
                len: 32,
            })
            .is_none());
    }
}
