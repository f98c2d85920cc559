//! The settings of a model, its training and its adversarial training, as serde structs: the
//! Python layer sends them as JSON, and a checkpoint stores them. `validate` checks values once,
//! here, naming the parameter and saying what to do.

use crate::error::{ensure, Result, SerError};
use serde::{Deserialize, Serialize};

pub use super::arch::Arch;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cell {
    Lstm,
    Gru,
}

/// How a sequence of hidden vectors becomes one vector per utterance; all ignore padding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pooling {
    Mean,
    Attention,
    /// Masked mean and standard deviation of the frames, concatenated (statistics pooling, as in
    /// Snyder et al. 2018, "X-vectors"): how much a voice varies over an utterance carries emotion.
    Stats,
}

/// Everything needed to rebuild a network's variables (a checkpoint stores it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    pub arch: Arch,
    pub n_features: usize,
    pub n_classes: usize,
    /// RNN hidden units per direction; MLP units per hidden layer.
    pub hidden_size: usize,
    /// Recurrent layers (RNN, CRNN) or hidden layers (MLP).
    pub num_layers: usize,
    pub cell: Cell,
    pub bidirectional: bool,
    /// Dropout probability between layers and before the classifier.
    pub dropout: f64,
    pub pooling: Pooling,
    /// Output channels of each convolution (CNN 1D/2D, CRNN front).
    pub channels: Vec<usize>,
    /// Odd kernel width, so "same" padding keeps frame `t` aligned with its input.
    pub kernel_size: usize,
}

impl ModelConfig {
    pub fn validate(&self) -> Result<()> {
        ensure(self.n_features > 0, || "the inputs have no features: each frame needs at least one value".into())?;
        ensure(self.n_classes >= 2, || format!("y has {} class(es): a classifier needs at least two distinct labels", self.n_classes))?;
        ensure((1..=4096).contains(&self.hidden_size), || format!("hidden_size={} must be between 1 and 4096", self.hidden_size))?;
        let needs_layers = matches!(self.arch, Arch::Rnn | Arch::Crnn);
        ensure(self.num_layers <= 16 && (self.num_layers >= 1 || !needs_layers), || {
            format!("num_layers={} must be between 1 and 16 (0 is allowed for the MLP only)", self.num_layers)
        })?;
        ensure((0.0..1.0).contains(&self.dropout), || format!("dropout={} must be in [0, 1)", self.dropout))?;
        if matches!(self.arch, Arch::Cnn1d | Arch::Cnn2d | Arch::Crnn) {
            ensure(!self.channels.is_empty() && self.channels.len() <= 16, || "channels must list 1 to 16 convolution widths, e.g. [64, 64]".into())?;
            ensure(self.channels.iter().all(|&c| (1..=4096).contains(&c)), || format!("channels={:?}: each must be between 1 and 4096", self.channels))?;
            ensure(self.kernel_size % 2 == 1 && self.kernel_size <= 63, || {
                format!("kernel_size={} must be odd and at most 63, so frames stay aligned with 'same' padding", self.kernel_size)
            })?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    /// Adam with L2 weight decay added to the gradient (Kingma & Ba 2015).
    Adam,
    /// Adam with decoupled weight decay (Loshchilov & Hutter 2019).
    Adamw,
}

/// The learning rate of epoch `e` (0-based) out of `E`, from the base rate `lr`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Schedule {
    /// `lr` throughout.
    None,
    /// Cosine annealing without restarts: `lr * (1 + cos(pi * e / E)) / 2` (Loshchilov & Hutter 2017).
    Cosine,
    /// `lr * gamma ^ floor(e / step_size)`, as torch.optim.lr_scheduler.StepLR.
    Step { step_size: usize, gamma: f64 },
}

impl Schedule {
    pub fn lr(&self, base: f64, epoch: usize, epochs: usize) -> f64 {
        match *self {
            Schedule::None => base,
            Schedule::Cosine => base * 0.5 * (1.0 + (std::f64::consts::PI * epoch as f64 / epochs.max(1) as f64).cos()),
            Schedule::Step { step_size, gamma } => base * gamma.powi((epoch / step_size.max(1)) as i32),
        }
    }
}

/// Loss weight per class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "weights", rename_all = "lowercase")]
pub enum ClassWeight {
    None,
    /// scikit-learn's "balanced": `n_samples / (n_classes * count_k)`.
    Balanced,
    /// One weight per class, in class-index order.
    Explicit(Vec<f64>),
}

/// Which validation figure early stopping watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Monitor {
    /// Lowest clean validation loss.
    Loss,
    /// Highest clean validation UAR.
    Uar,
    /// Lowest validation loss under the training perturbation: adversarially trained models
    /// overfit robustly long after their clean loss has turned (Rice et al. 2020, "Overfitting
    /// in adversarially robust deep learning"), so this keeps the most robust epoch instead.
    AdvLoss,
    /// Highest validation UAR under the training perturbation.
    AdvUar,
}

impl Monitor {
    pub fn needs_perturbation(self) -> bool {
        matches!(self, Monitor::AdvLoss | Monitor::AdvUar)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    pub epochs: usize,
    pub batch_size: usize,
    pub lr: f64,
    pub weight_decay: f64,
    pub optimizer: OptimizerKind,
    pub schedule: Schedule,
    /// Largest global gradient norm (None: no clipping).
    pub clip_grad_norm: Option<f64>,
    pub class_weight: ClassWeight,
    /// Epochs without improvement before stopping (None: train all epochs). Needs validation data.
    pub patience: Option<usize>,
    pub monitor: Monitor,
    /// Per-step decay of an exponential moving average of the weights, which then serve every
    /// validation pass and the fitted model (None: the last weights). Averaging smooths the
    /// noise of the last steps (Izmailov et al. 2018, "Averaging weights leads to wider optima
    /// and better generalization"); on RAVDESS it lifts the normally trained RNN, not the
    /// adversarially trained one, so it is off by default (README). Absent from older
    /// checkpoints, hence the default.
    #[serde(default)]
    pub ema_decay: Option<f64>,
    pub seed: u64,
    /// libtorch threads in the training thread (None: every core).
    pub n_threads: Option<usize>,
    /// "cpu", "cuda" or "cuda:N".
    pub device: String,
}

impl TrainConfig {
    pub fn validate(&self, n_classes: usize) -> Result<()> {
        ensure(self.epochs >= 1 && self.epochs <= 100_000, || format!("epochs={} must be between 1 and 100000", self.epochs))?;
        ensure(self.batch_size >= 1 && self.batch_size <= 1 << 20, || format!("batch_size={} must be a positive integer", self.batch_size))?;
        ensure(self.lr.is_finite() && self.lr > 0.0 && self.lr <= 10.0, || format!("lr={} must be a learning rate in (0, 10], e.g. 1e-3", self.lr))?;
        ensure(self.weight_decay.is_finite() && self.weight_decay >= 0.0, || format!("weight_decay={} must be >= 0", self.weight_decay))?;
        if let Some(c) = self.clip_grad_norm {
            ensure(c.is_finite() && c > 0.0, || format!("clip_grad_norm={c} must be positive, or None for no clipping"))?;
        }
        if let Schedule::Step { step_size, gamma } = self.schedule {
            ensure(step_size >= 1, || "the step schedule's step_size must be at least 1 epoch".into())?;
            ensure(gamma.is_finite() && gamma > 0.0 && gamma <= 1.0, || format!("the step schedule's gamma={gamma} must be in (0, 1]"))?;
        }
        if let ClassWeight::Explicit(w) = &self.class_weight {
            ensure(w.len() == n_classes, || format!("class_weight has {} weights for {n_classes} classes: give one per class", w.len()))?;
            ensure(w.iter().all(|v| v.is_finite() && *v >= 0.0) && w.iter().any(|v| *v > 0.0), || {
                "class_weight values must be finite, >= 0 and not all zero".into()
            })?;
        }
        if let Some(d) = self.ema_decay {
            ensure(d.is_finite() && d > 0.0 && d < 1.0, || format!("ema_decay={d} must be in (0, 1), e.g. 0.99, or None for no weight averaging"))?;
        }
        if let Some(n) = self.n_threads {
            ensure((1..=1024).contains(&n), || format!("n_threads={n} must be between 1 and 1024, or None for every core"))?;
        }
        Ok(())
    }

    /// The libtorch device, refusing CUDA when none is visible.
    pub fn torch_device(&self) -> Result<tch::Device> {
        parse_device(&self.device)
    }
}

pub fn parse_device(name: &str) -> Result<tch::Device> {
    let cuda_index = match name {
        "cpu" => return Ok(tch::Device::Cpu),
        "cuda" => 0,
        other => match other.strip_prefix("cuda:").and_then(|i| i.parse::<usize>().ok()) {
            Some(i) => i,
            None => return Err(SerError::parameter(format!("device='{name}' is not supported; use 'cpu', 'cuda' or 'cuda:N'"))),
        },
    };
    ensure(tch::Cuda::is_available(), || format!("device='{name}' was asked for but no CUDA GPU is visible to libtorch; use device='cpu'"))?;
    let count = tch::Cuda::device_count().max(0) as usize;
    ensure(cuda_index < count, || format!("device='{name}' does not exist: libtorch sees {count} GPU(s)"))?;
    Ok(tch::Device::Cuda(cuda_index))
}

/// The perturbation adversarial (or noise) training adds to a share of each batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Attack {
    /// Fast gradient sign method, one step of size epsilon (Goodfellow et al. 2015).
    Fgsm,
    /// Projected gradient descent in the L-inf ball, k steps (Madry et al. 2018).
    Pgd,
    /// Gaussian noise with standard deviation epsilon: the non-adversarial baseline.
    Noise,
    /// TRADES (Zhang et al. 2019, "Theoretically principled trade-off between robustness and
    /// accuracy"): PGD pushes the prediction away from the clean one (KL divergence), and the
    /// loss is the clean cross-entropy plus `beta` times that divergence. A training method
    /// only; robustness tables attack with FGSM or PGD.
    Trades,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdversarialConfig {
    pub attack: Attack,
    /// Radius in units of the standardised features (their std is 1).
    pub epsilon: f64,
    /// PGD iterations.
    pub steps: usize,
    /// PGD step size (None: 2.5 * epsilon / steps, Madry et al.'s choice).
    pub step_size: Option<f64>,
    /// PGD starts from a uniform point in the ball rather than the clean input.
    pub random_start: bool,
    /// Weight of the perturbed loss: `(1 - ratio) * clean + ratio * perturbed` (not TRADES).
    pub ratio: f64,
    /// TRADES's weight of the divergence term: `clean + beta * KL(clean || perturbed)`.
    #[serde(default = "default_beta")]
    pub beta: f64,
}

fn default_beta() -> f64 {
    6.0
}

impl AdversarialConfig {
    pub fn validate(&self) -> Result<()> {
        check_epsilon(self.epsilon)?;
        ensure(self.steps >= 1 && self.steps <= 1000, || format!("pgd_steps={} must be between 1 and 1000", self.steps))?;
        if let Some(a) = self.step_size {
            ensure(a.is_finite() && a > 0.0, || format!("pgd_step_size={a} must be positive, or None for 2.5 * epsilon / pgd_steps"))?;
        }
        ensure((0.0..=1.0).contains(&self.ratio), || format!("adv_ratio={} must be in [0, 1]", self.ratio))?;
        ensure(self.beta.is_finite() && (0.0..=100.0).contains(&self.beta), || format!("trades_beta={} must be in [0, 100]", self.beta))
    }

    /// Whether training perturbs anything (TRADES ignores `ratio`).
    pub fn is_active(&self) -> bool {
        self.ratio > 0.0 || self.attack == Attack::Trades
    }

    pub fn pgd_step(&self) -> f64 {
        self.step_size.unwrap_or(2.5 * self.epsilon / self.steps as f64)
    }
}

pub fn check_epsilon(eps: f64) -> Result<()> {
    ensure((0.0..=100.0).contains(&eps), || format!("epsilon={eps} must be in [0, 100] (units of the standardised features' std)"))
}

/// Everything `fit` needs besides the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitConfig {
    pub model: ModelConfig,
    pub train: TrainConfig,
    pub adversarial: Option<AdversarialConfig>,
}

impl FitConfig {
    /// Parses the JSON the Python layer sends; a malformed field is a ParameterError naming it.
    pub fn from_json(text: &str) -> Result<FitConfig> {
        serde_json::from_str(text).map_err(|e| SerError::parameter(format!("invalid training settings: {e}")))
    }

    pub fn validate(&self) -> Result<()> {
        self.model.validate()?;
        self.train.validate(self.model.n_classes)?;
        if let Some(a) = &self.adversarial {
            a.validate()?;
        }
        let perturbed = self.adversarial.as_ref().is_some_and(AdversarialConfig::is_active);
        ensure(!self.train.monitor.needs_perturbation() || perturbed, || {
            "monitor='adv_loss' and 'adv_uar' watch the validation set under the training perturbation: set adversarial \
             (with adv_ratio > 0) or monitor 'loss' or 'uar'"
                .into()
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn small(arch: Arch, n_features: usize, n_classes: usize) -> FitConfig {
        FitConfig {
            model: ModelConfig {
                arch,
                n_features,
                n_classes,
                hidden_size: 8,
                num_layers: 1,
                cell: Cell::Lstm,
                bidirectional: true,
                dropout: 0.0,
                pooling: Pooling::Mean,
                channels: vec![8],
                kernel_size: 3,
            },
            train: TrainConfig {
                epochs: 3,
                batch_size: 8,
                lr: 1e-2,
                weight_decay: 0.0,
                optimizer: OptimizerKind::Adamw,
                schedule: Schedule::None,
                clip_grad_norm: None,
                class_weight: ClassWeight::None,
                patience: None,
                monitor: Monitor::Loss,
                ema_decay: None,
                seed: 0,
                n_threads: Some(1),
                device: "cpu".into(),
            },
            adversarial: None,
        }
    }

    #[test]
    fn schedules_follow_their_formulas() {
        assert_eq!(Schedule::None.lr(0.1, 5, 10), 0.1);
        assert!((Schedule::Cosine.lr(0.1, 5, 10) - 0.05).abs() < 1e-12);
        assert_eq!(Schedule::Cosine.lr(0.1, 0, 10), 0.1);
        assert!((Schedule::Step { step_size: 2, gamma: 0.5 }.lr(1.0, 5, 10) - 0.25).abs() < 1e-12);
    }

    #[test]
    fn json_round_trips_and_bad_values_name_the_parameter() {
        let c = small(Arch::Rnn, 3, 2);
        let text = serde_json::to_string(&c).unwrap();
        assert_eq!(FitConfig::from_json(&text).unwrap(), c);
        assert!(FitConfig::from_json("{").unwrap_err().message().contains("invalid training settings"));
        let mut bad = c.clone();
        bad.train.lr = 0.0;
        assert!(bad.validate().unwrap_err().message().contains("lr=0"));
        let mut bad = c.clone();
        bad.train.epochs = 0;
        assert!(bad.validate().unwrap_err().message().contains("epochs=0"));
        let mut bad = c.clone();
        bad.model.n_classes = 1;
        assert!(bad.validate().unwrap_err().message().contains("at least two"));
        let mut bad = c;
        bad.adversarial = Some(AdversarialConfig { attack: Attack::Fgsm, epsilon: -0.1, steps: 1, step_size: None, random_start: true, ratio: 0.5, beta: 6.0 });
        assert!(bad.validate().unwrap_err().message().contains("epsilon=-0.1"));
    }

    #[test]
    fn settings_saved_before_trades_still_load() {
        let mut c = small(Arch::Rnn, 4, 3);
        c.adversarial = Some(AdversarialConfig { attack: Attack::Pgd, epsilon: 0.2, steps: 3, step_size: None, random_start: true, ratio: 0.5, beta: 6.0 });
        let mut value: serde_json::Value = serde_json::to_value(&c).unwrap();
        value["adversarial"].as_object_mut().unwrap().remove("beta");
        assert_eq!(FitConfig::from_json(&value.to_string()).unwrap(), c);
    }

    #[test]
    fn settings_saved_before_weight_averaging_still_load_and_bad_decays_are_named() {
        let c = small(Arch::Rnn, 4, 3);
        let mut value: serde_json::Value = serde_json::to_value(&c).unwrap();
        value["train"].as_object_mut().unwrap().remove("ema_decay");
        assert_eq!(FitConfig::from_json(&value.to_string()).unwrap(), c);
        for d in [0.0, 1.0, -0.5, f64::NAN] {
            let mut bad = c.clone();
            bad.train.ema_decay = Some(d);
            assert!(bad.validate().unwrap_err().message().contains("ema_decay="), "{d}");
        }
    }

    #[test]
    fn adversarial_monitors_need_a_perturbation() {
        let mut c = small(Arch::Rnn, 4, 3);
        c.train.monitor = Monitor::AdvLoss;
        assert!(c.validate().unwrap_err().message().contains("set adversarial"));
        c.adversarial = Some(AdversarialConfig { attack: Attack::Trades, epsilon: 0.2, steps: 3, step_size: None, random_start: true, ratio: 0.0, beta: 6.0 });
        assert!(c.validate().is_ok(), "TRADES perturbs whatever adv_ratio says");
        c.adversarial = Some(AdversarialConfig { attack: Attack::Pgd, ratio: 0.0, ..c.adversarial.unwrap() });
        assert!(c.validate().is_err());
    }

    #[test]
    fn cuda_without_a_gpu_is_refused_clearly() {
        assert_eq!(parse_device("cpu").unwrap(), tch::Device::Cpu);
        assert!(parse_device("tpu").unwrap_err().message().contains("not supported"));
        if !tch::Cuda::is_available() {
            assert!(parse_device("cuda").unwrap_err().message().contains("no CUDA GPU"));
        }
    }
}
