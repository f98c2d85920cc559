//! The training loop: mini-batches in a seeded order, Adam/AdamW with a learning-rate schedule,
//! gradient clipping, class weights, optional adversarial or noise training, per-epoch history
//! and early stopping on a validation set (restoring the best weights).
//!
//! Determinism: libtorch's generator is seeded with `manual_seed(seed)` before the weights are
//! initialised, batch order comes from a ChaCha8 stream seeded with `seed`, and the thread count
//! is set in the training thread, so a fixed seed and thread count give identical runs. The
//! torch generator is process-global: two trainings running at once would share it.

use super::adversarial::{kl_from, perturb};
use super::config::{AdversarialConfig, Attack, FitConfig, ModelConfig, Monitor, OptimizerKind};
use super::data::{batches, check_labels, check_sequences, class_weights, make_batch, Batch, Scaler};
use super::net::Net;
use super::torch_error;
use crate::batch::Progress;
use crate::error::{ensure, Result, SerError};
use crate::metrics;
use ndarray::{Array2, ArrayView2};
use rand::SeedableRng;
use std::sync::atomic::Ordering;
use std::time::Instant;
use tch::nn::{self, OptimizerConfig};
use tch::{Device, Kind, Reduction, Tensor};

/// A network with its variables, its scaler and the device it lives on.
pub struct Classifier {
    pub config: ModelConfig,
    pub scaler: Scaler,
    pub vs: nn::VarStore,
    pub net: Net,
    pub device: Device,
}

impl Classifier {
    /// A freshly initialised network (weights drawn from libtorch's generator).
    pub fn new(config: ModelConfig, scaler: Scaler, device: Device) -> Result<Classifier> {
        scaler.check()?;
        ensure(scaler.n_features() == config.n_features, || {
            format!("the scaler has {} features but the model expects {}", scaler.n_features(), config.n_features)
        })?;
        let vs = nn::VarStore::new(device);
        let net = Net::new(&vs.root(), &config)?;
        Ok(Classifier { config, scaler, vs, net, device })
    }

    /// Checks raw sequences and standardises them with the training scaler.
    pub fn standardise(&self, x: &[ArrayView2<f32>], what: &str) -> Result<Vec<Array2<f32>>> {
        check_sequences(x, what)?;
        x.iter().map(|s| self.scaler.transform(*s)).collect()
    }

    /// Class probabilities `(N, n_classes)` of raw sequences, in evaluation mode.
    pub fn predict_proba(&self, x: &[ArrayView2<f32>], batch_size: usize) -> Result<Array2<f32>> {
        let seqs = self.standardise(x, "X")?;
        let mut out = Array2::<f32>::zeros((seqs.len(), self.config.n_classes));
        let mut at = 0;
        for rows in batches(seqs.len(), batch_size, None) {
            let b = make_batch(&seqs, None, &rows, self.device)?;
            let p = tch::no_grad(|| self.net.forward(&b.x, &b.lengths, &b.mask, false).softmax(-1, Kind::Float));
            let p = super::to_array(&p)?;
            out.slice_mut(ndarray::s![at..at + rows.len(), ..]).assign(&p);
            at += rows.len();
        }
        Ok(out)
    }

    fn snapshot(&self) -> Vec<(String, Tensor)> {
        tch::no_grad(|| self.vs.variables().into_iter().map(|(k, v)| (k, v.copy())).collect())
    }

    fn restore(&self, saved: &[(String, Tensor)]) {
        let vars = self.vs.variables();
        tch::no_grad(|| {
            for (name, value) in saved {
                vars[name].shallow_clone().copy_(value);
            }
        });
    }
}

/// An exponential moving average of a model's variables (Polyak averaging), bias-corrected as
/// Adam's moments are: the sum starts at zero and is divided by `1 - decay^t`, so the initial
/// random weights never enter it and `decay` alone sets the horizon (about `1 / (1 - decay)`
/// steps) from the first step on.
struct WeightAverage {
    decay: f64,
    updates: i32,
    /// (name, running sum, live variable); the live tensors share the model's storage.
    slots: Vec<(String, Tensor, Tensor)>,
}

impl WeightAverage {
    fn new(variables: impl IntoIterator<Item = (String, Tensor)>, decay: f64) -> WeightAverage {
        let slots = tch::no_grad(|| variables.into_iter().map(|(k, v)| (k, v.zeros_like(), v)).collect());
        WeightAverage { decay, updates: 0, slots }
    }

    fn update(&mut self) {
        self.updates = self.updates.saturating_add(1);
        tch::no_grad(|| {
            for (_, sum, live) in &mut self.slots {
                let _ = sum.lerp_(live, 1.0 - self.decay);
            }
        });
    }

    /// The averaged weights (the live ones before any update), as [`Classifier::restore`] takes them.
    fn weights(&self) -> Vec<(String, Tensor)> {
        let debias = 1.0 - self.decay.powi(self.updates);
        tch::no_grad(|| {
            self.slots
                .iter()
                .map(|(k, sum, live)| (k.clone(), if self.updates == 0 { live.copy() } else { sum / debias }))
                .collect()
        })
    }
}

/// Labelled raw sequences.
#[derive(Clone, Copy)]
pub struct Labelled<'a> {
    pub x: &'a [ArrayView2<'a, f32>],
    pub y: &'a [usize],
}

/// One epoch's figures. Training figures come from the clean forward passes of the epoch itself
/// (dropout on, weights changing), validation figures from a pass at the epoch's end.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EpochRecord {
    pub epoch: usize,
    pub lr: f64,
    pub train_loss: f64,
    pub train_accuracy: f64,
    pub train_uar: f64,
    /// Loss on the perturbed inputs (adversarial or noise training only; for TRADES, the KL
    /// divergence of the perturbed predictions from the clean ones).
    pub train_adv_loss: Option<f64>,
    pub val_loss: Option<f64>,
    pub val_accuracy: Option<f64>,
    pub val_uar: Option<f64>,
    /// Validation under the training perturbation (adversarial or noise training only).
    pub val_adv_loss: Option<f64>,
    pub val_adv_accuracy: Option<f64>,
    pub val_adv_uar: Option<f64>,
    pub seconds: f64,
}

/// What `fit` hands back.
pub struct Fitted {
    pub model: Classifier,
    pub history: Vec<EpochRecord>,
    /// The epoch (1-based) whose weights were kept.
    pub best_epoch: usize,
}

fn interrupted() -> SerError {
    SerError::parameter("training was interrupted")
}

fn argmax(logits: &Tensor) -> Result<Vec<usize>> {
    let p = logits.argmax(1, false).to_kind(Kind::Int64).to_device(Device::Cpu);
    Ok(Vec::<i64>::try_from(p).map_err(torch_error)?.into_iter().map(|v| v as usize).collect())
}

fn loss_of(logits: &Tensor, b: &Batch, weights: Option<&Tensor>) -> Tensor {
    logits.cross_entropy_loss(b.y.as_ref().expect("labelled batch"), weights, Reduction::Mean, -100, 0.0)
}

/// Figures of a model on a labelled set.
struct Evaluation {
    loss: f64,
    accuracy: f64,
    uar: f64,
    /// Loss, accuracy and UAR under the training perturbation.
    adv: Option<(f64, f64, f64)>,
}

/// Mean clean loss, accuracy, UAR and (with `adv`) accuracy and UAR under the perturbation.
fn evaluate(model: &Classifier, seqs: &[Array2<f32>], y: &[usize], batch_size: usize, adv: Option<&super::config::AdversarialConfig>) -> Result<Evaluation> {
    let n_classes = model.config.n_classes;
    let (mut loss_sum, mut adv_loss_sum, mut pred, mut adv_pred) = (0.0, 0.0, Vec::with_capacity(y.len()), Vec::new());
    for rows in batches(seqs.len(), batch_size, None) {
        let b = make_batch(seqs, Some(y), &rows, model.device)?;
        let logits = tch::no_grad(|| model.net.forward(&b.x, &b.lengths, &b.mask, false));
        loss_sum += tch::no_grad(|| loss_of(&logits, &b, None)).double_value(&[]) * rows.len() as f64;
        pred.extend(argmax(&logits)?);
        if let Some(a) = adv {
            let xa = perturb(model, &b, a);
            let adv_logits = tch::no_grad(|| model.net.forward(&xa, &b.lengths, &b.mask, false));
            adv_loss_sum += tch::no_grad(|| loss_of(&adv_logits, &b, None)).double_value(&[]) * rows.len() as f64;
            adv_pred.extend(argmax(&adv_logits)?);
        }
    }
    let adv_scores = match adv {
        Some(_) => Some((adv_loss_sum / y.len() as f64, metrics::accuracy(y, &adv_pred, n_classes)?, metrics::balanced_accuracy(y, &adv_pred, n_classes)?)),
        None => None,
    };
    Ok(Evaluation {
        loss: loss_sum / y.len() as f64,
        accuracy: metrics::accuracy(y, &pred, n_classes)?,
        uar: metrics::balanced_accuracy(y, &pred, n_classes)?,
        adv: adv_scores,
    })
}

/// The best validation epoch so far and a copy of its weights.
struct Best {
    figure: f64,
    epoch: usize,
    weights: Vec<(String, Tensor)>,
}

/// The number of optimiser steps `fit` will take at most (for a progress bar).
pub fn total_steps(cfg: &FitConfig, n_train: usize) -> usize {
    cfg.train.epochs * n_train.div_ceil(cfg.train.batch_size.max(1))
}

/// Trains a classifier. `config.model.n_features` is taken from the data. Reports each optimiser
/// step in `progress.done` and stops with an error when `progress.cancel` is set.
pub fn fit(config: &FitConfig, train: Labelled, val: Option<Labelled>, progress: &Progress) -> Result<Fitted> {
    fit_observed(config, train, val, progress, &mut |_| {})
}

/// `fit`, calling `after_step` after each optimiser step on the training thread itself, so that a
/// caller can report progress or set `progress.cancel` without moving training to another thread
/// (libtorch then allocates from a secondary glibc arena and page-faults far more).
pub fn fit_observed(config: &FitConfig, train: Labelled, val: Option<Labelled>, progress: &Progress, after_step: &mut dyn FnMut(&Progress)) -> Result<Fitted> {
    let n_features = check_sequences(train.x, "X")?;
    let mut config = config.clone();
    config.model.n_features = n_features;
    config.validate()?;
    let tc = &config.train;
    check_labels(train.y, train.x.len(), config.model.n_classes, "X")?;
    let mut counts = vec![0usize; config.model.n_classes];
    train.y.iter().for_each(|&k| counts[k] += 1);
    ensure(counts.iter().filter(|&&c| c > 0).count() >= 2, || "y holds one class only: a classifier needs at least two distinct labels".into())?;
    if let Some(v) = &val {
        let f = check_sequences(v.x, "X_val")?;
        ensure(f == n_features, || format!("X_val has {f} features per frame but X has {n_features}"))?;
        check_labels(v.y, v.x.len(), config.model.n_classes, "X_val")?;
    }
    ensure(tc.patience.is_none() || val.is_some(), || "patience (early stopping) needs validation data: pass X_val/y_val or a validation_fraction".into())?;
    let device = tc.torch_device()?;

    let threads = tc.n_threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    tch::set_num_threads(threads as i32);
    tch::manual_seed(tc.seed as i64);
    if device != Device::Cpu {
        tch::Cuda::manual_seed_all(tc.seed);
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(tc.seed);

    let scaler = Scaler::fit(train.x)?;
    let model = Classifier::new(config.model.clone(), scaler, device)?;
    let seqs = model.standardise(train.x, "X")?;
    let val_seqs = val.map(|v| model.standardise(v.x, "X_val")).transpose()?;
    let weights = class_weights(train.y, config.model.n_classes, &tc.class_weight)?
        .map(|w| Tensor::from_slice(&w.iter().map(|&v| v as f32).collect::<Vec<_>>()).to_device(device));

    let mut opt = match tc.optimizer {
        OptimizerKind::Adam => nn::Adam { wd: tc.weight_decay, ..Default::default() }.build(&model.vs, tc.lr),
        OptimizerKind::Adamw => nn::AdamW { wd: tc.weight_decay, ..Default::default() }.build(&model.vs, tc.lr),
    }
    .map_err(torch_error)?;

    let adv = config.adversarial.filter(AdversarialConfig::is_active);
    let mut average = tc.ema_decay.map(|d| WeightAverage::new(model.vs.variables(), d));
    let mut history = Vec::with_capacity(tc.epochs);
    let mut best: Option<Best> = None;
    for epoch in 0..tc.epochs {
        let start = Instant::now();
        let lr = tc.schedule.lr(tc.lr, epoch, tc.epochs);
        opt.set_lr(lr);
        let (mut loss_sum, mut adv_sum, mut pred, mut truth) = (0.0, 0.0, Vec::new(), Vec::new());
        for rows in batches(seqs.len(), tc.batch_size, Some(&mut rng)) {
            if progress.cancel.load(Ordering::Relaxed) {
                return Err(interrupted());
            }
            let b = make_batch(&seqs, Some(train.y), &rows, device)?;
            let logits = model.net.forward(&b.x, &b.lengths, &b.mask, true);
            let clean = loss_of(&logits, &b, weights.as_ref());
            let loss = match &adv {
                None => clean.shallow_clone(),
                Some(a) => {
                    let xa = perturb(&model, &b, a);
                    let adv_logits = model.net.forward(&xa, &b.lengths, &b.mask, true);
                    if a.attack == Attack::Trades {
                        let kl = kl_from(&logits.softmax(-1, Kind::Float), &adv_logits);
                        adv_sum += kl.double_value(&[]) * rows.len() as f64;
                        &clean + kl * a.beta
                    } else {
                        let adv_loss = loss_of(&adv_logits, &b, weights.as_ref());
                        adv_sum += adv_loss.double_value(&[]) * rows.len() as f64;
                        &clean * (1.0 - a.ratio) + adv_loss * a.ratio
                    }
                }
            };
            ensure(loss.double_value(&[]).is_finite(), || format!("the training loss became non-finite in epoch {}: lower lr or set clip_grad_norm", epoch + 1))?;
            opt.zero_grad();
            loss.backward();
            if let Some(c) = tc.clip_grad_norm {
                opt.clip_grad_norm(c);
            }
            opt.step();
            if let Some(a) = &mut average {
                a.update();
            }
            loss_sum += clean.double_value(&[]) * rows.len() as f64;
            pred.extend(argmax(&logits)?);
            truth.extend(rows.iter().map(|&i| train.y[i]));
            progress.done.fetch_add(1, Ordering::Relaxed);
            after_step(progress);
        }
        let n = seqs.len() as f64;
        let k = config.model.n_classes;
        let mut rec = EpochRecord {
            epoch: epoch + 1,
            lr,
            train_loss: loss_sum / n,
            train_accuracy: metrics::accuracy(&truth, &pred, k)?,
            train_uar: metrics::balanced_accuracy(&truth, &pred, k)?,
            train_adv_loss: adv.map(|_| adv_sum / n),
            ..Default::default()
        };
        if let (Some(vs), Some(v)) = (&val_seqs, &val) {
            // Validation sees the averaged weights, which are what the fitted model will hold.
            let live = average.as_ref().map(|a| {
                let live = model.snapshot();
                model.restore(&a.weights());
                live
            });
            let e = evaluate(&model, vs, v.y, tc.batch_size, adv.as_ref())?;
            rec.val_loss = Some(e.loss);
            rec.val_accuracy = Some(e.accuracy);
            rec.val_uar = Some(e.uar);
            rec.val_adv_loss = e.adv.map(|s| s.0);
            rec.val_adv_accuracy = e.adv.map(|s| s.1);
            rec.val_adv_uar = e.adv.map(|s| s.2);
            // Lower is better for every monitored figure; validation already checked that the
            // adversarial ones exist.
            let adv = e.adv.unwrap_or((f64::NAN, f64::NAN, f64::NAN));
            let figure = match tc.monitor {
                Monitor::Loss => e.loss,
                Monitor::Uar => -e.uar,
                Monitor::AdvLoss => adv.0,
                Monitor::AdvUar => -adv.2,
            };
            if best.as_ref().is_none_or(|b| figure < b.figure) {
                // Copies are only needed when the best weights will be restored.
                let weights = if tc.patience.is_some() { model.snapshot() } else { Vec::new() };
                best = Some(Best { figure, epoch: epoch + 1, weights });
            }
            if let Some(live) = live {
                model.restore(&live);
            }
        }
        rec.seconds = start.elapsed().as_secs_f64();
        history.push(rec);
        if let (Some(p), Some(b)) = (tc.patience, &best) {
            if epoch + 1 - b.epoch >= p {
                break;
            }
        }
    }
    let best_epoch = match (&best, tc.patience) {
        (Some(b), Some(_)) => {
            model.restore(&b.weights);
            b.epoch
        }
        _ => {
            if let Some(a) = &average {
                model.restore(&a.weights());
            }
            history.len()
        }
    };
    Ok(Fitted { model, history, best_epoch })
}

#[cfg(test)]
mod tests {
    use super::super::config::tests::small;
    use super::super::config::{AdversarialConfig, Arch, Attack, Cell, ClassWeight, Pooling, Schedule, TrainConfig};
    use super::*;

    /// Sequences of random length whose class shifts the mean of feature 0.
    fn toy(n: usize, seed: u64) -> (Vec<Array2<f32>>, Vec<usize>) {
        use rand::Rng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for i in 0..n {
            let k = i % 3;
            let t = rng.random_range(3..12);
            xs.push(Array2::from_shape_fn((t, 4), |(_, j)| rng.random_range(-1.0f32..1.0) + if j == 0 { k as f32 * 1.5 } else { 0.0 }));
            ys.push(k);
        }
        (xs, ys)
    }

    fn views(x: &[Array2<f32>]) -> Vec<ArrayView2<'_, f32>> {
        x.iter().map(|a| a.view()).collect()
    }

    #[test]
    fn training_learns_a_mean_shift_and_is_reproducible() {
        let _rng = crate::model::torch_rng_lock();
        let (x, y) = toy(60, 1);
        let (xv, yv) = toy(30, 2);
        let (xs, xvs) = (views(&x), views(&xv));
        let mut cfg = small(Arch::Rnn, 4, 3);
        cfg.train.epochs = 8;
        cfg.train.schedule = Schedule::Cosine;
        cfg.train.clip_grad_norm = Some(1.0);
        cfg.train.class_weight = ClassWeight::Balanced;
        let run = || fit(&cfg, Labelled { x: &xs, y: &y }, Some(Labelled { x: &xvs, y: &yv }), &Progress::default()).unwrap();
        let a = run();
        let last = a.history.last().unwrap();
        assert!(last.val_accuracy.unwrap() > 0.8, "validation accuracy {:?}", last.val_accuracy);
        assert!(a.history[0].train_loss > last.train_loss);
        let b = run();
        let timeless = |h: &[EpochRecord]| h.iter().map(|r| EpochRecord { seconds: 0.0, ..r.clone() }).collect::<Vec<_>>();
        assert_eq!(timeless(&a.history), timeless(&b.history));
        let pa = a.model.predict_proba(&xvs, 7).unwrap();
        assert_eq!(pa, b.model.predict_proba(&xvs, 7).unwrap());
        // Batch composition (hence padding) does not change predictions.
        let pb = b.model.predict_proba(&xvs, 16).unwrap();
        assert!(pa.iter().zip(&pb).all(|(p, q)| (p - q).abs() < 1e-5));
        assert!(pa.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-5));
    }

    #[test]
    fn every_architecture_and_attack_trains() {
        let _rng = crate::model::torch_rng_lock();
        let (x, y) = toy(24, 3);
        let xs = views(&x);
        for (arch, attack) in [(Arch::Mlp, Attack::Noise), (Arch::Cnn1d, Attack::Fgsm), (Arch::Cnn2d, Attack::Pgd), (Arch::Crnn, Attack::Pgd), (Arch::Rnn, Attack::Trades)] {
            let mut cfg = small(arch, 4, 3);
            cfg.model.cell = Cell::Gru;
            cfg.model.pooling = Pooling::Attention;
            cfg.model.dropout = 0.1;
            cfg.adversarial = Some(AdversarialConfig { attack, epsilon: 0.1, steps: 2, step_size: None, random_start: true, ratio: 0.5, beta: 6.0 });
            cfg.train.epochs = 2;
            let f = fit(&cfg, Labelled { x: &xs, y: &y }, Some(Labelled { x: &xs, y: &y }), &Progress::default()).unwrap();
            assert!(f.history.iter().all(|r| r.train_adv_loss.unwrap().is_finite() && r.val_adv_uar.is_some()), "{arch:?}");
        }
    }

    #[test]
    fn early_stopping_restores_the_best_epoch() {
        let _rng = crate::model::torch_rng_lock();
        let (x, y) = toy(30, 4);
        let (xv, yv) = toy(12, 5);
        let (xs, xvs) = (views(&x), views(&xv));
        let mut cfg = small(Arch::Rnn, 4, 3);
        cfg.train.epochs = 40;
        cfg.train.lr = 0.05;
        cfg.train.patience = Some(2);
        let f = fit(&cfg, Labelled { x: &xs, y: &y }, Some(Labelled { x: &xvs, y: &yv }), &Progress::default()).unwrap();
        let best = f.history.iter().map(|r| r.val_loss.unwrap()).fold(f64::INFINITY, f64::min);
        assert_eq!(f.history[f.best_epoch - 1].val_loss.unwrap(), best);
        assert!(f.history.len() < 40 || f.best_epoch + 2 > 40);
        let loss = evaluate(&f.model, &f.model.standardise(&xvs, "X").unwrap(), &yv, 5, None).unwrap().loss;
        assert!((loss - best).abs() < 1e-5, "restored weights give val loss {loss}, best was {best}");
    }

    #[test]
    fn the_weight_average_is_the_bias_corrected_exponential_mean() {
        let live = Tensor::from_slice(&[0.0f32, 0.0]);
        let mut avg = WeightAverage::new([("w".to_string(), live.shallow_clone())], 0.5);
        assert_eq!(Vec::<f32>::try_from(&avg.weights()[0].1).unwrap(), vec![0.0, 0.0], "no update yet: the live weights");
        for value in [1.0, 2.0, 4.0] {
            let _ = tch::no_grad(|| live.shallow_clone().fill_(value));
            avg.update();
        }
        // (0.25 * 1 + 0.5 * 2 + 1 * 4) / (0.25 + 0.5 + 1): the weights of 1 - 0.5^3 = 0.875, rescaled.
        let expected = (0.25 + 1.0 + 4.0) / 1.75;
        let got = Vec::<f32>::try_from(&avg.weights()[0].1).unwrap();
        assert!(got.iter().all(|g| (*g as f64 - expected).abs() < 1e-6), "{got:?} vs {expected}");
    }

    #[test]
    fn weight_averaging_leaves_the_trajectory_alone_and_the_average_is_what_is_kept() {
        let _rng = crate::model::torch_rng_lock();
        let (x, y) = toy(30, 7);
        let (xv, yv) = toy(12, 8);
        let (xs, xvs) = (views(&x), views(&xv));
        let mut cfg = small(Arch::Rnn, 4, 3);
        cfg.train.epochs = 6;
        cfg.train.lr = 0.05;
        let run = |c: &FitConfig| fit(c, Labelled { x: &xs, y: &y }, Some(Labelled { x: &xvs, y: &yv }), &Progress::default()).unwrap();
        let plain = run(&cfg);
        let averaged = run(&FitConfig { train: TrainConfig { ema_decay: Some(0.9), ..cfg.train.clone() }, ..cfg.clone() });
        let train_figures = |f: &Fitted| f.history.iter().map(|r| (r.train_loss, r.train_accuracy)).collect::<Vec<_>>();
        assert_eq!(train_figures(&plain), train_figures(&averaged), "averaging must not change the training steps");
        let val = |f: &Fitted| f.history.last().unwrap().val_loss.unwrap();
        assert!((val(&plain) - val(&averaged)).abs() > 1e-4, "validation should see the averaged weights");
        let kept = evaluate(&averaged.model, &averaged.model.standardise(&xvs, "X").unwrap(), &yv, 5, None).unwrap().loss;
        assert!((kept - val(&averaged)).abs() < 1e-5, "the fitted model gives val loss {kept}, its last validation {}", val(&averaged));
        // A vanishing decay averages nothing: the plain run, to rounding.
        let tiny = run(&FitConfig { train: TrainConfig { ema_decay: Some(1e-9), ..cfg.train.clone() }, ..cfg.clone() });
        assert!((val(&plain) - val(&tiny)).abs() < 1e-5);
    }

    #[test]
    fn bad_training_data_is_refused() {
        let _rng = crate::model::torch_rng_lock();
        let (x, y) = toy(6, 6);
        let xs = views(&x);
        let cfg = small(Arch::Rnn, 4, 3);
        let p = Progress::default();
        assert!(fit(&cfg, Labelled { x: &xs, y: &y[..5] }, None, &p).err().unwrap().message().contains("6 samples but 5 labels"));
        assert!(fit(&cfg, Labelled { x: &xs, y: &[0; 6] }, None, &p).err().unwrap().message().contains("one class"));
        let mut patient = cfg.clone();
        patient.train.patience = Some(1);
        assert!(fit(&patient, Labelled { x: &xs, y: &y }, None, &p).err().unwrap().message().contains("validation"));
        p.cancel.store(true, Ordering::Relaxed);
        assert!(fit(&cfg, Labelled { x: &xs, y: &y }, None, &p).err().unwrap().message().contains("interrupted"));
    }
}
