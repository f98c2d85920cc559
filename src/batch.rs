//! Feature extraction over a corpus, in parallel.
//!
//! Each item is loaded, analysed and dropped by one rayon worker, so only the results stay in
//! memory: peak memory does not grow with the number of files. A failing item (missing,
//! corrupt, too short, or a panic in a third-party decoder) yields an error for that item alone.

use crate::audio::{load, resample, LoadOptions};
use crate::effects::Pipeline;
use crate::error::{contain_bug, Result, SerError};
use crate::feature::spectral::Input;
use crate::recipe::{FeatureConfig, FeatureOutput};
use rayon::prelude::*;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// One input of a batch: a file, or samples already in memory at rate `sr`.
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    Path(&'a Path),
    Samples { y: &'a [f32], sr: u32 },
}

/// Shared state between the workers and whoever watches them.
#[derive(Debug, Default)]
pub struct Progress {
    /// Items finished, successfully or not.
    pub done: AtomicUsize,
    /// Set to stop starting new items (Ctrl-C, or the first error in fail-fast mode).
    pub cancel: AtomicBool,
}

/// The batch settings besides the feature itself.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    pub load: LoadOptions,
    /// Worker threads; `None` uses every core.
    pub n_jobs: Option<usize>,
    /// Stop starting new items after the first failure.
    pub fail_fast: bool,
    /// Augmented copies to extract besides each clean item.
    pub augment: Option<Augmentation>,
}

/// Augmented copies of every item: copy `k` (from 1) of item `i` is `copies[k - 1]` applied with
/// the random stream of `(seed, i, k)`, so the copies do not depend on thread count or order.
#[derive(Debug, Clone, Default)]
pub struct Augmentation {
    pub copies: Vec<Pipeline>,
    pub seed: u64,
    /// The `i` of each item: its position in the caller's whole list, so a slice of that list
    /// (one machine's share, or the items left after dropping bad ones) draws the same streams.
    /// `None`: its position in this batch.
    pub item_ids: Option<Vec<u64>>,
}

impl BatchOptions {
    /// Rows each item yields: the clean item, then its augmented copies.
    pub fn rows_per_item(&self) -> usize {
        1 + self.augment.as_ref().map_or(0, |a| a.copies.len())
    }
}

/// The audio of one item at the configured rate, mono.
fn item_audio(item: &Item, load_opts: &LoadOptions) -> Result<(Vec<f32>, u32)> {
    match *item {
        Item::Path(path) => {
            let audio = load(path, &LoadOptions { mono: true, ..load_opts.clone() })?;
            let sr = audio.sr;
            Ok((audio.into_mono(), sr))
        }
        Item::Samples { y, sr } => match load_opts.sr {
            Some(target) if target != sr => Ok((resample(y, sr, target)?, target)),
            _ => Ok((y.to_vec(), sr)),
        },
    }
}

/// The rows of one item: its clean features, then those of each augmented copy. A load failure
/// fails every row of the item; a failing copy fails only its own row.
fn extract_rows(index: usize, item: &Item, config: &FeatureConfig, opts: &BatchOptions) -> Vec<Result<FeatureOutput>> {
    let (y, sr) = match contain_bug(|| item_audio(item, &opts.load)) {
        Ok(audio) => audio,
        Err(e) => return vec![Err(e); opts.rows_per_item()],
    };
    let features = |y: &[f32]| config.compute(Input::Audio(y), sr as f64);
    let mut rows = vec![contain_bug(|| features(&y))];
    if let Some(aug) = &opts.augment {
        for (k, pipeline) in aug.copies.iter().enumerate() {
            rows.push(contain_bug(|| {
                let id = aug.item_ids.as_ref().map_or(index as u64, |ids| ids[index]);
                let mut rng = Pipeline::rng_for(aug.seed, id, k as u64 + 1);
                features(&pipeline.apply(&y, sr as f64, &mut rng)?)
            }));
        }
    }
    rows
}

fn cancelled() -> SerError {
    SerError::Parameter("not processed: the batch was cancelled".to_string())
}

/// Runs `work(index)` for every index in `0..n` on `n_jobs` threads, in input order, with
/// progress counting and cancellation; `work` returns the item's rows.
pub fn run_parallel<T: Send>(
    n: usize,
    rows_per_item: usize,
    n_jobs: Option<usize>,
    fail_fast: bool,
    progress: &Progress,
    work: impl Fn(usize) -> Vec<Result<T>> + Sync,
) -> Result<Vec<Result<T>>> {
    let one = |i: usize| -> Vec<Result<T>> {
        if progress.cancel.load(Ordering::Relaxed) {
            return (0..rows_per_item).map(|_| Err(cancelled())).collect();
        }
        let rows = work(i);
        if fail_fast && rows.iter().any(|r| r.is_err()) {
            progress.cancel.store(true, Ordering::Relaxed);
        }
        progress.done.fetch_add(1, Ordering::Relaxed);
        rows
    };
    let all = || -> Vec<Vec<Result<T>>> { (0..n).into_par_iter().map(one).collect() };
    // Starting a pool costs about a millisecond: a single item runs right here, and the default
    // thread count uses rayon's global pool.
    let per_item = match n_jobs {
        _ if n <= 1 => (0..n).map(one).collect(),
        None => all(),
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| SerError::Io(format!("could not start {threads} worker threads: {e}")))?
            .install(all),
    };
    Ok(per_item.into_iter().flatten().collect())
}

/// Extracts `config`'s feature for every item, in input order: `opts.rows_per_item()` results
/// per item (the clean item, then its augmented copies).
pub fn extract(items: &[Item], config: &FeatureConfig, opts: &BatchOptions, progress: &Progress) -> Result<Vec<Result<FeatureOutput>>> {
    if let Some(ids) = opts.augment.as_ref().and_then(|a| a.item_ids.as_ref()) {
        crate::error::ensure(ids.len() == items.len(), || format!("{} items but {} item ids", items.len(), ids.len()))?;
    }
    run_parallel(items.len(), opts.rows_per_item(), opts.n_jobs, opts.fail_fast, progress, |i| extract_rows(i, &items[i], config, opts))
}

/// Applies `pipeline` to every signal (all at rate `sr`); signal `j` is item `indices[j]` of its
/// batch and draws from the stream `(seed, indices[j], 0)`, so leaving bad items out of a batch
/// does not change the randomness of the others.
pub fn augment(signals: &[&[f32]], indices: &[u64], sr: f64, pipeline: &Pipeline, seed: u64, n_jobs: Option<usize>, progress: &Progress) -> Result<Vec<Result<Vec<f32>>>> {
    crate::error::ensure(indices.len() == signals.len(), || format!("{} signals but {} indices", signals.len(), indices.len()))?;
    run_parallel(signals.len(), 1, n_jobs, false, progress, |j| {
        vec![contain_bug(|| pipeline.apply(signals[j], sr, &mut Pipeline::rng_for(seed, indices[j], 0)))]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipe::FeatureKind;

    fn tone(n: usize) -> Vec<f32> {
        (0..n).map(|i| (i as f32 * 0.07).sin() * 0.3).collect()
    }

    fn opts(n_jobs: usize) -> BatchOptions {
        BatchOptions { load: LoadOptions { sr: None, ..LoadOptions::default() }, n_jobs: Some(n_jobs), fail_fast: false, augment: None }
    }

    #[test]
    fn bad_items_do_not_sink_good_ones() {
        let good = tone(22050);
        let short = tone(100);
        let missing = Path::new("/definitely/not/here.wav");
        let items = [
            Item::Samples { y: &good, sr: 22050 },
            Item::Path(missing),
            Item::Samples { y: &short, sr: 22050 },
            Item::Samples { y: &good, sr: 22050 },
        ];
        let cfg = FeatureConfig::new(FeatureKind::Ser162);
        let progress = Progress::default();
        let out = extract(&items, &cfg, &opts(2), &progress).unwrap();
        assert!(out[0].is_ok() && out[3].is_ok());
        assert_eq!(out[1].as_ref().unwrap_err().type_name(), "MissingFileError");
        assert_eq!(out[2].as_ref().unwrap_err().type_name(), "ParameterError");
        assert_eq!(out[0], out[3]);
        assert_eq!(progress.done.load(Ordering::Relaxed), 4);
    }

    #[test]
    fn results_do_not_depend_on_thread_count() {
        let signals: Vec<Vec<f32>> = (0..6).map(|k| tone(8000 + 1000 * k)).collect();
        let items: Vec<Item> = signals.iter().map(|y| Item::Samples { y, sr: 16000 }).collect();
        let cfg = FeatureConfig::new(FeatureKind::Mfcc);
        let one = extract(&items, &cfg, &opts(1), &Progress::default()).unwrap();
        let two = extract(&items, &cfg, &opts(2), &Progress::default()).unwrap();
        assert_eq!(one, two);
    }

    #[test]
    fn augmented_rows_follow_their_item_for_any_thread_count() {
        use crate::effects::Step;
        let signals: Vec<Vec<f32>> = (0..4).map(|k| tone(16000 + 500 * k)).collect();
        let mut items: Vec<Item> = signals.iter().map(|y| Item::Samples { y, sr: 16000 }).collect();
        items.insert(2, Item::Path(Path::new("/definitely/not/here.wav")));
        let noise = Step::from_spec("gaussian_snr", &[("min_snr_db".into(), 5.0), ("max_snr_db".into(), 20.0)], 1.0).unwrap();
        let aug = Augmentation { copies: vec![Pipeline { steps: vec![noise] }; 2], seed: 11, item_ids: None };
        let with = |n| BatchOptions { augment: Some(aug.clone()), ..opts(n) };
        let cfg = FeatureConfig::new(FeatureKind::Ser162);
        let one = extract(&items, &cfg, &with(1), &Progress::default()).unwrap();
        let two = extract(&items, &cfg, &with(2), &Progress::default()).unwrap();
        assert_eq!(one.len(), 5 * 3);
        assert_eq!(one, two);
        assert!(one[6..9].iter().all(|r| r.is_err()), "the missing file fails its three rows");
        assert!(one[..6].iter().chain(&one[9..]).all(|r| r.is_ok()));
        // Clean row equals the un-augmented batch; the two copies differ from it and each other.
        let plain = extract(&items, &cfg, &opts(2), &Progress::default()).unwrap();
        assert_eq!(one[0], plain[0]);
        assert_ne!(one[0], one[1]);
        assert_ne!(one[1], one[2]);
    }

    #[test]
    fn a_slice_with_item_ids_draws_the_streams_of_the_whole_list() {
        use crate::effects::Step;
        let signals: Vec<Vec<f32>> = (0..4).map(|k| tone(16000 + 500 * k)).collect();
        let items: Vec<Item> = signals.iter().map(|y| Item::Samples { y, sr: 16000 }).collect();
        let noise = Step::from_spec("gaussian_snr", &[("min_snr_db".into(), 5.0), ("max_snr_db".into(), 20.0)], 1.0).unwrap();
        let aug = |item_ids| Augmentation { copies: vec![Pipeline { steps: vec![noise.clone()] }], seed: 5, item_ids };
        let cfg = FeatureConfig::new(FeatureKind::Ser162);
        let run = |items: &[Item], item_ids| extract(items, &cfg, &BatchOptions { augment: Some(aug(item_ids)), ..opts(2) }, &Progress::default()).unwrap();
        let whole = run(&items, None);
        assert_eq!(run(&items[2..], Some(vec![2, 3])), whole[4..]);
        assert_ne!(run(&items[2..], None), whole[4..], "without ids the slice would restart the streams");
        let wrong = extract(&items, &cfg, &BatchOptions { augment: Some(aug(Some(vec![0]))), ..opts(1) }, &Progress::default());
        assert!(wrong.unwrap_err().to_string().contains("4 items but 1 item ids"));
    }

    #[test]
    fn cancel_skips_remaining_items() {
        let y = tone(22050);
        let items = vec![Item::Samples { y: &y, sr: 22050 }; 3];
        let progress = Progress::default();
        progress.cancel.store(true, Ordering::Relaxed);
        let out = extract(&items, &FeatureConfig::new(FeatureKind::Ser162), &opts(1), &progress).unwrap();
        assert!(out.iter().all(|r| r.is_err()));
    }
}
