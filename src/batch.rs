//! Feature extraction over a corpus, in parallel.
//!
//! Each item is loaded, analysed and dropped by one rayon worker, so only the results stay in
//! memory: peak memory does not grow with the number of files. A failing item (missing,
//! corrupt, too short, or a panic in a third-party decoder) yields an error for that item alone.

use crate::audio::{load, resample, LoadOptions};
use crate::error::{contain_bug, Result, SerError};
use crate::feature::spectral::Input;
use crate::feature::{FeatureConfig, FeatureOutput};
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

fn extract_one(item: &Item, config: &FeatureConfig, opts: &BatchOptions) -> Result<FeatureOutput> {
    contain_bug(|| {
        let (y, sr) = item_audio(item, &opts.load)?;
        config.compute(Input::Audio(&y), sr as f64)
    })
}

fn cancelled() -> SerError {
    SerError::Parameter("not processed: the batch was cancelled".to_string())
}

/// Extracts `config`'s feature for every item, in input order, one `Result` per item.
pub fn extract(items: &[Item], config: &FeatureConfig, opts: &BatchOptions, progress: &Progress) -> Result<Vec<Result<FeatureOutput>>> {
    let threads = opts.n_jobs.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| SerError::Io(format!("could not start {threads} worker threads: {e}")))?;
    Ok(pool.install(|| {
        items
            .par_iter()
            .map(|item| {
                if progress.cancel.load(Ordering::Relaxed) {
                    return Err(cancelled());
                }
                let result = extract_one(item, config, opts);
                if result.is_err() && opts.fail_fast {
                    progress.cancel.store(true, Ordering::Relaxed);
                }
                progress.done.fetch_add(1, Ordering::Relaxed);
                result
            })
            .collect()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feature::FeatureKind;

    fn tone(n: usize) -> Vec<f32> {
        (0..n).map(|i| (i as f32 * 0.07).sin() * 0.3).collect()
    }

    fn opts(n_jobs: usize) -> BatchOptions {
        BatchOptions { load: LoadOptions { sr: None, ..LoadOptions::default() }, n_jobs: Some(n_jobs), fail_fast: false }
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
        assert_eq!(out[1].as_ref().unwrap_err().type_name(), "FileNotFoundError");
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
    fn cancel_skips_remaining_items() {
        let y = tone(22050);
        let items = vec![Item::Samples { y: &y, sr: 22050 }; 3];
        let progress = Progress::default();
        progress.cancel.store(true, Ordering::Relaxed);
        let out = extract(&items, &FeatureConfig::new(FeatureKind::Ser162), &opts(1), &progress).unwrap();
        assert!(out.iter().all(|r| r.is_err()));
    }
}
