//! How a sequence of frame features becomes one vector per utterance: masked mean, masked
//! mean and standard deviation, or additive attention. All weigh real frames only.
//! Variables (attention only): `att_proj`, `att_score`, beside the network's head.

use super::super::config::Pooling;
use tch::nn::{self, Module};
use tch::{Kind, Tensor};

/// A pooling layer over frames, with the variables attention needs.
pub enum Pool {
    Mean,
    /// Masked mean and standard deviation over frames, concatenated (statistics pooling).
    Stats,
    /// Additive attention (Bahdanau et al. 2015) over frames: `softmax_t(v . tanh(W h_t))`, with
    /// padded frames given weight 0.
    Attention { proj: nn::Linear, score: nn::Linear },
}

fn masked_mean(h: &Tensor, mask: &Tensor) -> Tensor {
    let m = mask.unsqueeze(-1);
    (h * &m).sum_dim_intlist(1, false, Kind::Float) / m.sum_dim_intlist(1, false, Kind::Float)
}

/// Masked mean and standard deviation over frames, concatenated: `(B, 2 * H)`.
fn masked_stats(h: &Tensor, mask: &Tensor) -> Tensor {
    let mean = masked_mean(h, mask);
    let m = mask.unsqueeze(-1);
    let centred = (h - mean.unsqueeze(1)) * &m;
    let var = centred.square().sum_dim_intlist(1, false, Kind::Float) / m.sum_dim_intlist(1, false, Kind::Float);
    // The floor keeps the gradient of sqrt finite for a one-frame sequence.
    Tensor::cat(&[mean, (var + 1e-5).sqrt()], 1)
}

impl Pool {
    /// Pooling of `dim`-wide frames, its variables (if any) under `root`.
    pub fn new(root: &nn::Path, kind: Pooling, dim: i64) -> Pool {
        match kind {
            Pooling::Mean => Pool::Mean,
            Pooling::Stats => Pool::Stats,
            Pooling::Attention => Pool::Attention {
                proj: nn::linear(root / "att_proj", dim, dim, Default::default()),
                score: nn::linear(root / "att_score", dim, 1, nn::LinearConfig { bias: false, ..Default::default() }),
            },
        }
    }

    /// The width of the pooled vector of `dim`-wide frames.
    pub fn out_dim(&self, dim: i64) -> i64 {
        match self {
            Pool::Stats => 2 * dim,
            Pool::Mean | Pool::Attention { .. } => dim,
        }
    }

    /// `(B, T, D)` frames with their `(B, T)` mask -> `(B, out_dim)`.
    pub fn forward(&self, h: &Tensor, mask: &Tensor) -> Tensor {
        match self {
            Pool::Mean => masked_mean(h, mask),
            Pool::Stats => masked_stats(h, mask),
            Pool::Attention { proj, score } => {
                let scores = score.forward(&proj.forward(h).tanh()).squeeze_dim(-1);
                let weights = scores.masked_fill(&mask.eq(0.0), f64::NEG_INFINITY).softmax(1, Kind::Float);
                (h * weights.unsqueeze(-1)).sum_dim_intlist(1, false, Kind::Float)
            }
        }
    }
}
