//! Password-based key derivations of PKCS#12 files, on maintained crates: PBKDF2-HMAC
//! (`pbkdf2` + `hmac` + `sha1`/`sha2`, RFC 8018 §5.2: PBES2 bags) and the PKCS#12 KDF
//! (`pkcs12::kdf`, RFC 7292 appendix B.2: MAC keys and PBES1 bags). SHA-1 and SHA-256 run on
//! the CPU's SHA extensions where it has them (`cpufeatures` inside `sha1`/`sha2`); nothing
//! here is hand-written crypto and nothing is `unsafe`.
//!
//! Opening one oVirt 4.5 p12 costs three 2,048-iteration derivations (the MAC's and the two
//! PBES2 bags'); a `.truststore` written by keytool two or three 10,000-iteration ones. Those
//! dominate an audit's CPU, so the readers collect every file's derivations up front into a
//! [`Batch`] that any number of threads work through together (each derivation is an
//! independent job, longest first), then look the keys up by their full input.
//!
//! For other readers of PKCS#12 (the `.truststore`): describe each derivation as a [`Kdf`],
//! build one [`Batch`] for all the files, have the worker threads call [`Batch::finish`], and
//! take each file's keys with [`Derived::get`] (a miss — a job not in the batch — is derived on
//! the spot with [`Kdf::run`]). Jobs outside [`crate::pki::p12format::MAX_P12_ITERATIONS`] are never
//! run (`None`): the caller refuses such a file before asking for keys.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};

use pkcs12::kdf::Pkcs12KeyType;

/// The hash under a derivation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Hash {
    Sha1,
    Sha256,
    Sha512,
}

/// One derivation to run.
#[derive(Debug, Clone)]
pub(crate) enum Kdf<'a> {
    /// PBKDF2 with HMAC-`prf` and a raw password, `len` bytes of output.
    Pbkdf2 {
        prf: Hash,
        password: &'a [u8],
        salt: &'a [u8],
        iterations: u32,
        len: usize,
    },
    /// RFC 7292 appendix B.2 with `digest`: `id` 1 = key, 2 = IV, 3 = MAC; `password_bmp`
    /// already as BMPString with its two-byte terminator ([`bmp_password`]); `len` bytes.
    Pkcs12 {
        digest: Hash,
        id: u8,
        password_bmp: &'a [u8],
        salt: &'a [u8],
        iterations: u32,
        len: usize,
    },
}

impl Kdf<'_> {
    fn iterations(&self) -> u32 {
        match *self {
            Kdf::Pbkdf2 { iterations, .. } | Kdf::Pkcs12 { iterations, .. } => iterations,
        }
    }

    /// The work of the job, for ordering (longest first).
    fn cost(&self) -> u64 {
        let per = match self {
            // Two compressions per HMAC iteration, per output block.
            Kdf::Pbkdf2 { prf, len, .. } => {
                let block = match prf {
                    Hash::Sha1 => 20,
                    Hash::Sha256 => 32,
                    Hash::Sha512 => 64,
                };
                2 * len.div_ceil(block).max(1) as u64
            }
            Kdf::Pkcs12 { .. } => 1,
        };
        per * self.iterations() as u64
    }

    /// What identifies a derivation: its kind and every input, length-prefixed.
    fn cache_key(&self) -> Vec<u8> {
        let mut k = Vec::new();
        let mut field = |b: &[u8]| {
            k.extend_from_slice(&(b.len() as u64).to_be_bytes());
            k.extend_from_slice(b);
        };
        match *self {
            Kdf::Pbkdf2 {
                prf,
                password,
                salt,
                iterations,
                len,
            } => {
                field(b"pbkdf2");
                field(&[prf as u8]);
                field(password);
                field(salt);
                field(&iterations.to_be_bytes());
                field(&(len as u64).to_be_bytes());
            }
            Kdf::Pkcs12 {
                digest,
                id,
                password_bmp,
                salt,
                iterations,
                len,
            } => {
                field(b"pkcs12");
                field(&[digest as u8, id]);
                field(password_bmp);
                field(salt);
                field(&iterations.to_be_bytes());
                field(&(len as u64).to_be_bytes());
            }
        }
        k
    }

    /// Runs the derivation. `None` for parameters outside what is done here: zero
    /// iterations, more than [`crate::pki::p12format::MAX_P12_ITERATIONS`], no or too much output.
    pub(crate) fn run(&self) -> Option<Vec<u8>> {
        let iterations = self.iterations();
        if iterations == 0 || iterations as u64 > crate::pki::p12format::MAX_P12_ITERATIONS {
            return None;
        }
        match *self {
            Kdf::Pbkdf2 {
                prf,
                password,
                salt,
                len,
                ..
            } => {
                if len == 0 || len > 64 {
                    return None;
                }
                let mut out = vec![0u8; len];
                match prf {
                    Hash::Sha1 => {
                        pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, iterations, &mut out)
                    }
                    Hash::Sha256 => {
                        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, iterations, &mut out)
                    }
                    Hash::Sha512 => {
                        pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, salt, iterations, &mut out)
                    }
                }
                Some(out)
            }
            Kdf::Pkcs12 {
                digest,
                id,
                password_bmp,
                salt,
                len,
                ..
            } => {
                let id = match id {
                    1 => Pkcs12KeyType::EncryptionKey,
                    2 => Pkcs12KeyType::Iv,
                    3 => Pkcs12KeyType::Mac,
                    _ => return None,
                };
                if len == 0 || len > 64 {
                    return None;
                }
                // Bounded above: MAX_P12_ITERATIONS fits an i32.
                let rounds = i32::try_from(iterations).ok()?;
                Some(match digest {
                    Hash::Sha1 => {
                        pkcs12::kdf::derive_key::<sha1::Sha1>(password_bmp, salt, id, rounds, len)
                    }
                    Hash::Sha256 => {
                        pkcs12::kdf::derive_key::<sha2::Sha256>(password_bmp, salt, id, rounds, len)
                    }
                    Hash::Sha512 => {
                        pkcs12::kdf::derive_key::<sha2::Sha512>(password_bmp, salt, id, rounds, len)
                    }
                })
            }
        }
    }
}

/// Keys derived ahead of time for a batch of files, by their complete input: a lookup can
/// only ever return what [`Kdf::run`] would compute for the same job.
#[derive(Default)]
pub(crate) struct Derived(HashMap<Vec<u8>, Vec<u8>>);

impl Derived {
    pub(crate) fn get(&self, job: &Kdf<'_>) -> Option<&[u8]> {
        self.0.get(&job.cache_key()).map(Vec::as_slice)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

/// Many files' derivations at once, shared by any number of threads: each caller of
/// [`Batch::work`] / [`Batch::finish`] takes the next job (longest first) until none is
/// left; [`Batch::finish`] then waits for the jobs the others are still running and returns
/// every key. A job whose runner panicked is counted done and left out (its file derives
/// the key itself), so no thread waits forever.
pub(crate) struct Batch {
    /// Jobs as (cache key, owned inputs), longest first.
    jobs: Vec<(Vec<u8>, OwnedKdf)>,
    out: Vec<OnceLock<Option<Vec<u8>>>>,
    next: AtomicUsize,
    done: Mutex<usize>,
    all_done: Condvar,
    result: OnceLock<Derived>,
}

/// A [`Kdf`] with its inputs owned, so a batch outlives the files' buffers.
struct OwnedKdf {
    kind: u8,
    hash: Hash,
    id: u8,
    password: Vec<u8>,
    salt: Vec<u8>,
    iterations: u32,
    len: usize,
}

impl OwnedKdf {
    fn of(job: &Kdf<'_>) -> OwnedKdf {
        match *job {
            Kdf::Pbkdf2 {
                prf,
                password,
                salt,
                iterations,
                len,
            } => OwnedKdf {
                kind: 0,
                hash: prf,
                id: 0,
                password: password.to_vec(),
                salt: salt.to_vec(),
                iterations,
                len,
            },
            Kdf::Pkcs12 {
                digest,
                id,
                password_bmp,
                salt,
                iterations,
                len,
            } => OwnedKdf {
                kind: 1,
                hash: digest,
                id,
                password: password_bmp.to_vec(),
                salt: salt.to_vec(),
                iterations,
                len,
            },
        }
    }

    fn job(&self) -> Kdf<'_> {
        if self.kind == 0 {
            Kdf::Pbkdf2 {
                prf: self.hash,
                password: &self.password,
                salt: &self.salt,
                iterations: self.iterations,
                len: self.len,
            }
        } else {
            Kdf::Pkcs12 {
                digest: self.hash,
                id: self.id,
                password_bmp: &self.password,
                salt: &self.salt,
                iterations: self.iterations,
                len: self.len,
            }
        }
    }
}

impl Batch {
    /// A batch of `jobs` (duplicates are run once).
    pub(crate) fn new(jobs: &[Kdf<'_>]) -> Batch {
        let mut seen = std::collections::HashSet::new();
        let mut v: Vec<(u64, Vec<u8>, OwnedKdf)> = jobs
            .iter()
            .filter_map(|j| {
                let key = j.cache_key();
                seen.insert(key.clone())
                    .then(|| (j.cost(), key, OwnedKdf::of(j)))
            })
            .collect();
        v.sort_by_key(|(cost, _, _)| std::cmp::Reverse(*cost));
        let jobs: Vec<(Vec<u8>, OwnedKdf)> = v.into_iter().map(|(_, k, o)| (k, o)).collect();
        Batch {
            out: (0..jobs.len()).map(|_| OnceLock::new()).collect(),
            jobs,
            next: AtomicUsize::new(0),
            done: Mutex::new(0),
            all_done: Condvar::new(),
            result: OnceLock::new(),
        }
    }

    /// Runs jobs until none is left to take.
    pub(crate) fn work(&self) {
        /// Counts the job as done even if running it panicked.
        struct Done<'a>(&'a Batch);
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                let mut d = self.0.done.lock().unwrap_or_else(|p| p.into_inner());
                *d += 1;
                self.0.all_done.notify_all();
            }
        }
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            let Some((_, job)) = self.jobs.get(i) else {
                return;
            };
            let _done = Done(self);
            let _ = self.out[i].set(job.job().run());
        }
    }

    /// Helps until no job is left, waits for the others' jobs, and returns every key (any
    /// number of threads may call it; they all get the same keys).
    pub(crate) fn finish(&self) -> &Derived {
        if let Some(r) = self.result.get() {
            return r;
        }
        self.work();
        let mut d = self.done.lock().unwrap_or_else(|p| p.into_inner());
        while *d < self.jobs.len() {
            d = self.all_done.wait(d).unwrap_or_else(|p| p.into_inner());
        }
        drop(d);
        self.result.get_or_init(|| {
            let map = self
                .jobs
                .iter()
                .zip(&self.out)
                .filter_map(|((key, _), out)| Some((key.clone(), out.get()?.clone()?)))
                .collect();
            Derived(map)
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

    /// The crates agree with OpenSSL (the reference the readers fall back to) on PBKDF2
    /// with both PRFs, every output length the readers ask for, and odd salts.
    #[test]
    fn pbkdf2_matches_openssl() {
        let long = b"key material longer than one block of sixty-four bytes, to be hashed first";
        let salts: [&[u8]; 3] = [b"12345678", b"", &[0xab; 70]];
        for prf in [Hash::Sha1, Hash::Sha256, Hash::Sha512] {
            for (i, salt) in salts.iter().enumerate() {
                for (iterations, len) in [(1u32, 16), (2, 24), (2048 + i as u32, 32), (5, 40)] {
                    for password in [&b"mypass"[..], &long[..]] {
                        let job = Kdf::Pbkdf2 {
                            prf,
                            password,
                            salt,
                            iterations,
                            len,
                        };
                        let md = match prf {
                            Hash::Sha1 => openssl::hash::MessageDigest::sha1(),
                            Hash::Sha256 => openssl::hash::MessageDigest::sha256(),
                            Hash::Sha512 => openssl::hash::MessageDigest::sha512(),
                        };
                        let mut want = vec![0u8; len];
                        openssl::pkcs5::pbkdf2_hmac(
                            password,
                            salt,
                            iterations as usize,
                            md,
                            &mut want,
                        )
                        .unwrap();
                        assert_eq!(job.run().unwrap(), want, "{prf:?} {iterations}");
                    }
                }
            }
        }
    }

    /// Above the cap, at zero, or with no output, nothing is derived.
    #[test]
    fn out_of_bounds_jobs_are_not_run() {
        let cap = crate::pki::p12format::MAX_P12_ITERATIONS as u32;
        for (iterations, len) in [(0, 32), (cap + 1, 32), (u32::MAX, 32), (10, 0)] {
            let job = Kdf::Pbkdf2 {
                prf: Hash::Sha256,
                password: b"p",
                salt: b"s",
                iterations,
                len,
            };
            assert!(job.run().is_none(), "{iterations}");
            let job = Kdf::Pkcs12 {
                digest: Hash::Sha1,
                id: 3,
                password_bmp: &[0, 0],
                salt: b"s",
                iterations,
                len,
            };
            assert!(job.run().is_none(), "{iterations}");
        }
        assert_eq!(bmp_password("ab").unwrap(), vec![0, b'a', 0, b'b', 0, 0]);
        assert!(bmp_password("é").is_none());
    }

    /// The batch gives each job exactly what running it alone gives, whichever thread ran
    /// it, including one-iteration jobs and duplicates.
    #[test]
    fn batch_agrees_with_derive_for_mixed_jobs() {
        let pw = bmp_password("mypass").unwrap();
        let salts: Vec<Vec<u8>> = (0..13u8).map(|i| vec![i; 8 + i as usize]).collect();
        let mut jobs = Vec::new();
        for (i, salt) in salts.iter().enumerate() {
            jobs.push(Kdf::Pbkdf2 {
                prf: [Hash::Sha1, Hash::Sha256][i % 2],
                password: b"mypass",
                salt,
                iterations: [1, 2, 97, 400, 2048][i % 5],
                len: [16, 24, 32][i % 3],
            });
            jobs.push(Kdf::Pkcs12 {
                digest: [Hash::Sha256, Hash::Sha1][i % 2],
                id: 3,
                password_bmp: &pw,
                salt,
                iterations: [1, 50, 1024][i % 3],
                len: [20, 32][i % 2],
            });
        }
        jobs.push(jobs[0].clone());
        let b = Batch::new(&jobs);
        let got = std::thread::scope(|s| {
            s.spawn(|| b.work());
            b.finish()
        });
        let want: Vec<_> = jobs.iter().map(Kdf::run).collect();
        assert_eq!(got.len(), jobs.len() - 1);
        let empty = Batch::new(&[]);
        assert_eq!(empty.finish().len(), 0);
        for (j, w) in jobs.iter().zip(want) {
            assert_eq!(got.get(j).map(<[u8]>::to_vec), w);
        }
        // Another salt is another job: not in the batch.
        assert!(got
            .get(&Kdf::Pbkdf2 {
                prf: Hash::Sha256,
                password: b"mypass",
                salt: b"elsewhere",
                iterations: 2048,
                len: 32,
            })
            .is_none());
    }
}
