//! Perturbations in the standardised feature space (so epsilon is in units of each feature's
//! training std): FGSM, PGD, Gaussian noise, and a robustness table under FGSM and PGD-k.
//!
//! Perturbations touch real frames only (padding stays zero), and adversarial examples are
//! crafted with dropout off against the plain cross-entropy of the true labels.

use super::config::{check_epsilon, AdversarialConfig, Attack};
use super::data::{batches, make_batch, Batch};
use super::train::Classifier;
use super::torch_error;
use crate::error::{ensure, Result};
use crate::metrics;
use ndarray::ArrayView2;
use tch::{Kind, Reduction, Tensor};

/// The gradient of `loss(logits)` with respect to the input `x` (no parameter gradients are
/// accumulated).
fn input_gradient(model: &Classifier, x: &Tensor, b: &Batch, loss: &dyn Fn(&Tensor) -> Tensor) -> Tensor {
    let x = x.detach().set_requires_grad(true);
    let l = loss(&model.net.forward(&x, &b.lengths, &b.mask, false));
    Tensor::run_backward(&[l], &[&x], false, false).pop().expect("one input, one gradient")
}

/// The mean cross-entropy of the batch's true labels, the loss FGSM and PGD ascend.
fn label_loss(b: &Batch) -> impl Fn(&Tensor) -> Tensor + '_ {
    let y = b.y.as_ref().expect("attacks need labels");
    move |logits: &Tensor| logits.cross_entropy_loss::<Tensor>(y, None, Reduction::Mean, -100, 0.0)
}

fn frame_mask(b: &Batch) -> Tensor {
    b.mask.unsqueeze(-1)
}

/// `steps` signed-gradient steps of size `step` up `loss` from `delta`, each projected back into
/// the L-inf ball of radius `epsilon` and onto real frames: the loop PGD and TRADES share.
fn ascend(model: &Classifier, b: &Batch, mut delta: Tensor, epsilon: f64, steps: usize, step: f64, loss: &dyn Fn(&Tensor) -> Tensor) -> Tensor {
    let m = frame_mask(b);
    for _ in 0..steps {
        let g = input_gradient(model, &(&b.x + &delta), b, loss);
        delta = ((&delta + g.sign() * step).clamp(-epsilon, epsilon) * &m).detach();
    }
    (&b.x + delta).detach()
}

/// FGSM: `x + eps * sign(grad)` (Goodfellow et al. 2015, "Explaining and harnessing adversarial
/// examples").
pub fn fgsm(model: &Classifier, b: &Batch, epsilon: f64) -> Tensor {
    let g = input_gradient(model, &b.x, b, &label_loss(b));
    (&b.x + g.sign() * epsilon * frame_mask(b)).detach()
}

/// PGD in the L-inf ball of radius `eps` around `x` (Madry et al. 2018, "Towards deep learning
/// models resistant to adversarial attacks"): `steps` signed-gradient steps of size `step`, each
/// projected back into the ball, from a uniform random start when `random_start`.
pub fn pgd(model: &Classifier, b: &Batch, epsilon: f64, steps: usize, step: f64, random_start: bool) -> Tensor {
    let start = if random_start { (b.x.rand_like() * 2.0 - 1.0) * epsilon * frame_mask(b) } else { b.x.zeros_like() };
    ascend(model, b, start, epsilon, steps, step, &label_loss(b))
}

/// Batch-mean KL divergence `KL(p || softmax(logits))` of predictions from reference
/// probabilities `p`, as TRADES uses it both to craft and to train.
pub fn kl_from(p: &Tensor, logits: &Tensor) -> Tensor {
    logits.log_softmax(-1, Kind::Float).kl_div(p, Reduction::Sum, false) / logits.size()[0] as f64
}

/// TRADES's inner maximisation: PGD steps that push the prediction away from the clean one
/// (KL divergence, no labels), from a tiny random start because the divergence has no gradient
/// at the clean input itself.
pub fn trades_pgd(model: &Classifier, b: &Batch, epsilon: f64, steps: usize, step: f64) -> Tensor {
    let p = tch::no_grad(|| model.net.forward(&b.x, &b.lengths, &b.mask, false).softmax(-1, Kind::Float));
    let start = (b.x.randn_like() * 1e-3 * frame_mask(b)).clamp(-epsilon, epsilon);
    ascend(model, b, start, epsilon, steps, step, &|logits: &Tensor| kl_from(&p, logits))
}

/// Gaussian noise with standard deviation `eps` on real frames: the non-adversarial baseline.
pub fn noise(b: &Batch, epsilon: f64) -> Tensor {
    (&b.x + b.x.randn_like() * epsilon * frame_mask(b)).detach()
}

/// The perturbed inputs adversarial training mixes in.
pub fn perturb(model: &Classifier, b: &Batch, a: &AdversarialConfig) -> Tensor {
    match a.attack {
        Attack::Fgsm => fgsm(model, b, a.epsilon),
        Attack::Pgd => pgd(model, b, a.epsilon, a.steps, a.pgd_step(), a.random_start),
        Attack::Noise => noise(b, a.epsilon),
        Attack::Trades => trades_pgd(model, b, a.epsilon, a.steps, a.pgd_step()),
    }
}

/// One row of a robustness table.
#[derive(Debug, Clone, PartialEq)]
pub struct RobustnessRow {
    /// "clean", "fgsm", "pgd-<k>" or "noise".
    pub attack: String,
    pub epsilon: f64,
    pub accuracy: f64,
    pub uar: f64,
}

/// Accuracy and UAR of `model` on `(x, y)` (raw, unscaled features) under each attack at each
/// epsilon, plus a clean row. PGD uses `steps` steps of `step_size` (None: 2.5 * eps / steps)
/// from a random start.
#[allow(clippy::too_many_arguments)]
pub fn robustness(
    model: &Classifier,
    x: &[ArrayView2<f32>],
    y: &[usize],
    attacks: &[Attack],
    epsilons: &[f64],
    steps: usize,
    step_size: Option<f64>,
    batch_size: usize,
) -> Result<Vec<RobustnessRow>> {
    ensure(!attacks.is_empty(), || "attacks is empty: name at least one of 'fgsm', 'pgd', 'noise'".into())?;
    ensure(!epsilons.is_empty(), || "epsilons is empty: give at least one radius".into())?;
    ensure(!attacks.contains(&Attack::Trades), || "TRADES is a training method: attack with 'fgsm' or 'pgd'".into())?;
    for &e in epsilons {
        check_epsilon(e)?;
    }
    ensure((1..=1000).contains(&steps), || format!("pgd_steps={steps} must be between 1 and 1000"))?;
    if let Some(a) = step_size {
        ensure(a.is_finite() && a > 0.0, || format!("pgd_step_size={a} must be positive"))?;
    }
    let seqs = model.standardise(x, "X")?;
    super::data::check_labels(y, seqs.len(), model.config.n_classes, "X")?;
    let n_classes = model.config.n_classes;
    let rows = batches(seqs.len(), batch_size, None);
    let score = |f: &dyn Fn(&Batch) -> Tensor| -> Result<(f64, f64)> {
        let mut pred = Vec::with_capacity(y.len());
        for r in &rows {
            let b = make_batch(&seqs, Some(y), r, model.device)?;
            let xa = f(&b);
            let logits = tch::no_grad(|| model.net.forward(&xa, &b.lengths, &b.mask, false));
            pred.extend(Vec::<i64>::try_from(logits.argmax(1, false).to_kind(Kind::Int64).to_device(tch::Device::Cpu)).map_err(torch_error)?.into_iter().map(|p| p as usize));
        }
        Ok((metrics::accuracy(y, &pred, n_classes)?, metrics::balanced_accuracy(y, &pred, n_classes)?))
    };
    let (acc, uar) = score(&|b: &Batch| b.x.shallow_clone())?;
    let mut table = vec![RobustnessRow { attack: "clean".into(), epsilon: 0.0, accuracy: acc, uar }];
    for attack in attacks {
        for &eps in epsilons {
            let step = step_size.unwrap_or(2.5 * eps / steps as f64);
            let (name, (accuracy, uar)) = match attack {
                Attack::Fgsm => ("fgsm".to_string(), score(&|b: &Batch| fgsm(model, b, eps))?),
                Attack::Pgd => (format!("pgd-{steps}"), score(&|b: &Batch| pgd(model, b, eps, steps, step, true))?),
                Attack::Noise => ("noise".to_string(), score(&|b: &Batch| noise(b, eps))?),
                Attack::Trades => unreachable!("refused before any attack runs"),
            };
            table.push(RobustnessRow { attack: name, epsilon: eps, accuracy, uar });
        }
    }
    Ok(table)
}
