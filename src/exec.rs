//! How work is run: the one async runtime builder, the one deadline/poll loop and the one
//! bounded parallel map of the crate.
//!
//! Before this module each of these existed several times with small differences (a hidden
//! global runtime for SSH, four builders; six "poll until this holds or the timeout passes"
//! loops, each reading the monotonic clock itself; four worker pools). Here each exists once,
//! and the poll loop takes its clock as an argument (`Clock`), so tests drive a deadline
//! with a `FakeClock` instead of sleeping. This is the bottom layer: it knows nothing of
//! PKI, hosts or the Manager.
//!
//! `pub` because the binary (the command line) builds its runtimes and maps its probes with
//! these too; nothing here is part of the PKI API.

use std::future::Future;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Runtime

/// Which runtime a caller needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    /// Everything on the calling thread (one-shot REST calls from a synchronous command).
    Current,
    /// A pool of `workers` threads named `name` (concurrent host cycles, SSH sessions, the
    /// simulator).
    Pool {
        /// Worker threads (at least 1).
        workers: usize,
        /// Thread name, as `ps -L` shows it.
        name: &'static str,
    },
}

/// Builds a tokio runtime with I/O and timers enabled.
pub fn runtime(threads: Threads) -> std::io::Result<tokio::runtime::Runtime> {
    let mut b = match threads {
        Threads::Current => tokio::runtime::Builder::new_current_thread(),
        Threads::Pool { workers, name } => {
            let mut b = tokio::runtime::Builder::new_multi_thread();
            b.worker_threads(workers.max(1)).thread_name(name);
            b
        }
    };
    b.enable_all().build()
}

// ---------------------------------------------------------------------------------------------
// Clock and poll loop

/// The monotonic clock a poll loop reads and sleeps on. Not the wall clock: timestamps that
/// end up in certificates or reports are always passed in as `now`.
pub(crate) trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Instant;
    /// Blocks the thread for `d`.
    fn sleep(&self, d: Duration);
    /// Waits for `d` without blocking the runtime.
    fn sleep_async(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// The real monotonic clock.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn sleep(&self, d: Duration) {
        std::thread::sleep(d)
    }
    fn sleep_async(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(tokio::time::sleep(d))
    }
}

/// The system clock, for callers that need a `&'static dyn Clock`.
pub(crate) static SYSTEM: SystemClock = SystemClock;

#[cfg(test)]
/// A clock that only moves when slept on: tests run deadlines of hours in no time.
#[derive(Debug)]
pub(crate) struct FakeClock {
    now: Mutex<Instant>,
    slept: Mutex<Vec<Duration>>,
}

#[cfg(test)]
impl Default for FakeClock {
    fn default() -> Self {
        FakeClock::new()
    }
}

#[cfg(test)]
impl FakeClock {
    /// A clock standing at the real "now", never moving by itself.
    pub(crate) fn new() -> FakeClock {
        FakeClock {
            now: Mutex::new(Instant::now()),
            slept: Mutex::new(Vec::new()),
        }
    }
    /// Moves the clock forward (as time passing elsewhere would).
    pub(crate) fn advance(&self, d: Duration) {
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) += d;
    }
    /// Every sleep asked of this clock, in order.
    pub(crate) fn sleeps(&self) -> Vec<Duration> {
        self.slept.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[cfg(test)]
impl Clock for FakeClock {
    fn now(&self) -> Instant {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }
    fn sleep(&self, d: Duration) {
        self.slept.lock().unwrap_or_else(|p| p.into_inner()).push(d);
        self.advance(d);
    }
    fn sleep_async(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.sleep(d);
        Box::pin(std::future::ready(()))
    }
}

/// How a poll loop ended (errors of the check are returned as `Err` instead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Polled<T, L> {
    /// The check said `Break(T)`.
    Met(T),
    /// The deadline passed; the last `Continue(L)` of the check.
    TimedOut(L),
}

/// How often and for how long a loop polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Every {
    /// Pause between two checks (the last pause is cut to the deadline).
    pub(crate) interval: Duration,
    /// The check runs once more at or after this much time, then the loop gives up.
    pub(crate) timeout: Duration,
}

/// Runs `check` (given the time elapsed since the loop started) until it says `Break`, or
/// until `every.timeout` has passed after a check: then that check's `Continue` value is
/// returned as [`Polled::TimedOut`]. The check always runs at least once, and once more at
/// the deadline; an `Err` of the check ends the loop at once.
pub(crate) fn poll_until<T, L, E>(
    clock: &dyn Clock,
    every: Every,
    mut check: impl FnMut(Duration) -> Result<ControlFlow<T, L>, E>,
) -> Result<Polled<T, L>, E> {
    let start = clock.now();
    loop {
        let elapsed = clock.now().saturating_duration_since(start);
        let flow = check(elapsed)?;
        // The deadline is judged after the check: a slow check counts.
        let elapsed = clock.now().saturating_duration_since(start);
        match flow {
            ControlFlow::Break(t) => return Ok(Polled::Met(t)),
            ControlFlow::Continue(l) if elapsed >= every.timeout => return Ok(Polled::TimedOut(l)),
            ControlFlow::Continue(_) => clock.sleep(pause(every, elapsed)),
        }
    }
}

/// [`poll_until`] for an asynchronous check, sleeping without blocking the runtime.
pub(crate) async fn poll_until_async<T, L, E, F, Fut>(
    clock: &dyn Clock,
    every: Every,
    mut check: F,
) -> Result<Polled<T, L>, E>
where
    F: FnMut(Duration) -> Fut,
    Fut: Future<Output = Result<ControlFlow<T, L>, E>>,
{
    let start = clock.now();
    loop {
        let elapsed = clock.now().saturating_duration_since(start);
        let flow = check(elapsed).await?;
        let elapsed = clock.now().saturating_duration_since(start);
        match flow {
            ControlFlow::Break(t) => return Ok(Polled::Met(t)),
            ControlFlow::Continue(l) if elapsed >= every.timeout => return Ok(Polled::TimedOut(l)),
            ControlFlow::Continue(_) => clock.sleep_async(pause(every, elapsed)).await,
        }
    }
}

fn pause(every: Every, elapsed: Duration) -> Duration {
    every
        .interval
        .min(every.timeout.saturating_sub(elapsed))
        .max(Duration::from_millis(1))
}

// ---------------------------------------------------------------------------------------------
// Parallel map

/// Runs `work` for every item on at most `max` threads (1 to 256); results in input order.
/// Blocking work (TLS probes, SSH reads, key generation) only: from async code, call it
/// inside `tokio::task::spawn_blocking`.
pub(crate) fn par_map<T: Sync, R: Send>(
    items: &[T],
    max: usize,
    work: &(dyn Fn(&T) -> R + Sync),
) -> Vec<R> {
    let n = items.len();
    let slots: Vec<Mutex<Option<R>>> = (0..n).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..max.clamp(1, 256).min(n.max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= n {
                    return;
                }
                let r = work(&items[i]);
                *slots[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(r);
            });
        }
    });
    slots
        .into_iter()
        .map(|m| {
            m.into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .expect("every slot is filled")
        })
        .collect()
}

/// [`par_map`] from async code: the pool runs on a blocking thread, the caller awaits it.
/// Owns its items (a blocking task cannot borrow). A pool that panicked yields `None`.
pub(crate) async fn par_map_blocking<T, R, F>(items: Vec<T>, max: usize, work: F) -> Option<Vec<R>>
where
    T: Sync + Send + 'static,
    R: Send + 'static,
    F: Fn(&T) -> R + Sync + Send + 'static,
{
    tokio::task::spawn_blocking(move || par_map(&items, max, &work))
        .await
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    const EVERY: Every = Every {
        interval: Duration::from_secs(5),
        timeout: Duration::from_secs(60),
    };

    #[test]
    fn poll_stops_when_the_condition_holds() {
        let clock = FakeClock::new();
        let mut calls = 0;
        let r: Result<Polled<u32, ()>, ()> = poll_until(&clock, EVERY, |_| {
            calls += 1;
            Ok(if calls == 3 {
                ControlFlow::Break(calls)
            } else {
                ControlFlow::Continue(())
            })
        });
        assert_eq!(r, Ok(Polled::Met(3)));
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(5); 2]);
    }

    #[test]
    fn poll_gives_up_at_the_deadline_with_the_last_value() {
        let clock = FakeClock::new();
        let mut seen = Vec::new();
        let r: Result<Polled<(), Duration>, ()> = poll_until(
            &clock,
            Every {
                interval: Duration::from_secs(7),
                timeout: Duration::from_secs(20),
            },
            |elapsed| {
                seen.push(elapsed);
                Ok(ControlFlow::Continue(elapsed))
            },
        );
        // Checks at 0, 7, 14 and once more exactly at the deadline (the last pause is cut).
        assert_eq!(r, Ok(Polled::TimedOut(Duration::from_secs(20))));
        assert_eq!(
            seen,
            [0, 7, 14, 20].map(Duration::from_secs).to_vec(),
            "checks at these elapsed times"
        );
        assert_eq!(clock.sleeps(), [7, 7, 6].map(Duration::from_secs).to_vec());
    }

    #[test]
    fn poll_propagates_the_first_error_without_sleeping_again() {
        let clock = FakeClock::new();
        let mut calls = 0;
        let r: Result<Polled<(), ()>, String> = poll_until(&clock, EVERY, |_| {
            calls += 1;
            if calls == 2 {
                Err("the Manager went away".to_string())
            } else {
                Ok(ControlFlow::Continue(()))
            }
        });
        assert_eq!(r, Err("the Manager went away".to_string()));
        assert_eq!(calls, 2);
        assert_eq!(clock.sleeps().len(), 1);
    }

    #[test]
    fn poll_sees_time_that_passes_inside_the_check() {
        // A slow check (a request that takes 50 s) counts against the deadline.
        let clock = FakeClock::new();
        let mut calls = 0;
        let r: Result<Polled<(), u32>, ()> = poll_until(&clock, EVERY, |_| {
            calls += 1;
            clock.advance(Duration::from_secs(50));
            Ok(ControlFlow::Continue(calls))
        });
        assert_eq!(r, Ok(Polled::TimedOut(2)));
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(5)]);
    }

    #[test]
    fn async_poll_behaves_like_the_blocking_one() {
        let rt = runtime(Threads::Current).unwrap();
        let clock = FakeClock::new();
        let r: Result<Polled<Duration, ()>, ()> =
            rt.block_on(poll_until_async(&clock, EVERY, |elapsed| async move {
                Ok(if elapsed >= Duration::from_secs(15) {
                    ControlFlow::Break(elapsed)
                } else {
                    ControlFlow::Continue(())
                })
            }));
        assert_eq!(r, Ok(Polled::Met(Duration::from_secs(15))));
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(5); 3]);
        let timed_out: Result<Polled<(), u8>, ()> =
            rt.block_on(poll_until_async(&clock, EVERY, |_| async {
                Ok(ControlFlow::Continue(9))
            }));
        assert_eq!(timed_out, Ok(Polled::TimedOut(9)));
        let failed: Result<Polled<(), ()>, &str> =
            rt.block_on(poll_until_async(&clock, EVERY, |_| async { Err("gone") }));
        assert_eq!(failed, Err("gone"));
    }

    #[test]
    fn par_map_keeps_input_order() {
        let items: Vec<u64> = (0..100).collect();
        // Later items finish first: the order must still be the input's.
        let out = par_map(&items, 8, &|i| {
            std::thread::sleep(Duration::from_micros(100 * (100 - i)));
            i * 2
        });
        assert_eq!(out, (0..100).map(|i| i * 2).collect::<Vec<_>>());
        assert!(par_map(&[] as &[u8], 4, &|x| *x).is_empty());
    }

    #[test]
    fn par_map_never_runs_more_than_max_at_once() {
        let running = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let items: Vec<u32> = (0..40).collect();
        let out = par_map(&items, 3, &|i| {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(2));
            running.fetch_sub(1, Ordering::SeqCst);
            *i
        });
        assert_eq!(out, items);
        let peak = peak.load(Ordering::SeqCst);
        assert!((1..=3).contains(&peak), "peak parallelism {peak}");
        // max 0 still makes progress on one thread.
        assert_eq!(par_map(&items[..3], 0, &|i| *i), vec![0, 1, 2]);
    }

    #[test]
    fn par_map_blocking_from_async_code() {
        let rt = runtime(Threads::Pool {
            workers: 2,
            name: "exec-test",
        })
        .unwrap();
        let out = rt.block_on(par_map_blocking(vec![3u8, 1, 2], 2, |x| x + 1));
        assert_eq!(out, Some(vec![4, 2, 3]));
    }
}
