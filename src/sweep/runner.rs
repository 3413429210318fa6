//! Running campaigns in parallel: one reusable simulation per worker thread, results delivered in
//! run order whatever the thread count.
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use crate::sim::{Sim, SimOptions, Snapshot, StaticData, Summary};

/// What to sweep.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SweepOptions {
    pub runs: u64,
    /// The base seed; run `i` plays with [`derive_seed`]`(seed, i)`.
    pub seed: u64,
    pub historical: bool,
    /// Imposed answers, event index to option index.
    pub imposed: BTreeMap<usize, usize>,
    /// Worker threads; 0 for one per core; more than [`MAX_THREADS`] are [`MAX_THREADS`].
    pub threads: usize,
    /// Play every run on from this saved game instead of from the scenario's start (every
    /// faction the AI's, on the run's own dice).
    pub from: Option<Arc<Snapshot>>,
}

/// The most worker threads a sweep starts. The results do not depend on the count, and threads
/// beyond the cores only add memory (each keeps a campaign of its own); without a bound,
/// `--threads 30000` spent minutes starting threads before playing anything.
pub const MAX_THREADS: usize = 256;

/// A pool of `threads` workers (0: one per core), at most [`MAX_THREADS`].
pub(super) fn worker_pool(threads: usize) -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
    rayon::ThreadPoolBuilder::new().num_threads(threads.min(MAX_THREADS)).build()
}

/// Runs handed to the workers at a time: results are delivered (and dropped) chunk by chunk, so
/// memory does not grow with the number of runs.
const CHUNK: u64 = 256;

/// The seed of run `run` of a sweep from `base`: well mixed, so neighbouring runs are unrelated.
pub fn derive_seed(base: u64, run: u64) -> u64 {
    splitmix64(base ^ splitmix64(run.wrapping_add(0x9e37_79b9_7f4a_7c15)))
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

thread_local! {
    /// This worker's simulation, kept between runs of the same scenario.
    static WORKER: RefCell<Option<(u64, Sim)>> = const { RefCell::new(None) };
}

/// Plays run `run` on this thread's simulation.
fn play(data: &Arc<StaticData>, options: &SweepOptions, run: u64) -> Summary {
    let sim_options = SimOptions {
        seed: derive_seed(options.seed, run),
        historical: options.historical,
        imposed: options.imposed.clone(),
        ..Default::default()
    };
    if let Some(from) = &options.from {
        let mut sim = Sim::branch(from, data.clone(), sim_options.seed, options.historical, &options.imposed);
        sim.run(None);
        return sim.summary();
    }
    WORKER.with(|cell| {
        let mut slot = cell.borrow_mut();
        match slot.as_mut() {
            Some((id, sim)) if *id == data.id => sim.reset(&sim_options),
            _ => *slot = Some((data.id, Sim::quiet(data.clone(), &sim_options))),
        }
        let (_, sim) = slot.as_mut().expect("just set");
        sim.run(None);
        sim.summary()
    })
}

/// Plays `options.runs` campaigns on `options.threads` threads and hands each summary to `each`
/// in run order; `progress` is called once per finished run, from any thread.
pub fn sweep(
    data: &Arc<StaticData>,
    options: &SweepOptions,
    progress: &(dyn Fn() + Sync),
    each: impl FnMut(u64, &Summary),
) -> Result<(), rayon::ThreadPoolBuildError> {
    sweep_range(data, options, 0..options.runs, progress, each)
}

/// [`sweep`] of the runs in `runs` only (a shard of a sweep split between machines): run `i`
/// plays on the same seed as run `i` of the whole sweep, so the shards' runs are the sweep's.
pub fn sweep_range(
    data: &Arc<StaticData>,
    options: &SweepOptions,
    runs: Range<u64>,
    progress: &(dyn Fn() + Sync),
    each: impl FnMut(u64, &Summary),
) -> Result<(), rayon::ThreadPoolBuildError> {
    let pool = worker_pool(options.threads)?;
    sweep_range_on(&pool, data, options, runs, progress, each);
    Ok(())
}

/// A pool of one worker per core that yields the processor to every other thread of the machine:
/// a sweep run beside the game window must not take the window's frames.
pub fn background_pool() -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
    rayon::ThreadPoolBuilder::new().thread_name(|i| format!("sweep-{i}")).start_handler(|_| yield_to_others()).build()
}

/// Lowers the calling thread to the lowest scheduling priority.
#[cfg(target_os = "linux")]
fn yield_to_others() {
    // SAFETY: no pointers are passed; on Linux the nice value is per thread, and `who = 0` names
    // the calling thread only. A failure leaves the priority as it was, which is harmless.
    unsafe {
        let param = libc::sched_param { sched_priority: 0 };
        libc::sched_setscheduler(0, libc::SCHED_IDLE, &param);
    }
}

#[cfg(not(target_os = "linux"))]
fn yield_to_others() {}

/// [`sweep`] on a pool of the caller's (`options.threads` is not read).
pub fn sweep_on(
    pool: &rayon::ThreadPool,
    data: &Arc<StaticData>,
    options: &SweepOptions,
    progress: &(dyn Fn() + Sync),
    each: impl FnMut(u64, &Summary),
) {
    sweep_range_on(pool, data, options, 0..options.runs, progress, each);
}

/// [`sweep_range`] on a pool of the caller's.
fn sweep_range_on(
    pool: &rayon::ThreadPool,
    data: &Arc<StaticData>,
    options: &SweepOptions,
    runs: Range<u64>,
    progress: &(dyn Fn() + Sync),
    mut each: impl FnMut(u64, &Summary),
) {
    let mut start = runs.start;
    while start < runs.end {
        let end = start.saturating_add(CHUNK).min(runs.end);
        let summaries: Vec<Summary> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .map(|run| {
                    let summary = play(data, options, run);
                    progress();
                    summary
                })
                .collect()
        });
        for (run, summary) in (start..end).zip(&summaries) {
            each(run, summary);
        }
        start = end;
    }
}
