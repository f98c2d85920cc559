//! 2-D convolutions over the `(T, F)` plane, the features as an image (e.g. a log-mel
//! spectrogram). Variables: `cnn2d.conv{i}`.

use super::super::config::ModelConfig;
use super::Architecture;
use tch::nn::{self, Module};
use tch::{Kind, Tensor};

/// The VarStore scope of the convolutions.
pub const SCOPE: &str = "cnn2d";

/// Convolutions with "same" padding and ReLU, zeroed on padded frames; frequency is halved by
/// max-pooling after each layer (time is never pooled, so masks stay frame-aligned), then
/// averaged away.
pub struct Cnn2d {
    convs: Vec<nn::Conv2D>,
    dropout: f64,
    out_dim: i64,
}

impl Architecture for Cnn2d {
    fn new(root: &nn::Path, c: &ModelConfig) -> Cnn2d {
        let p = root / SCOPE;
        let cfg = nn::ConvConfig { padding: (c.kernel_size / 2) as i64, ..Default::default() };
        let mut inp = 1;
        let convs = c
            .channels
            .iter()
            .enumerate()
            .map(|(i, &ch)| {
                let conv = nn::conv2d(&p / format!("conv{i}"), inp, ch as i64, c.kernel_size as i64, cfg);
                inp = ch as i64;
                conv
            })
            .collect();
        Cnn2d { convs, dropout: c.dropout, out_dim: inp }
    }

    fn forward_t(&self, x: &Tensor, _lengths: &Tensor, mask: &Tensor, train: bool) -> Tensor {
        let m = mask.unsqueeze(1).unsqueeze(-1);
        let mut h = x.unsqueeze(1);
        for conv in &self.convs {
            h = conv.forward(&h).relu() * &m;
            if h.size()[3] >= 2 {
                h = h.max_pool2d([1, 2], [1, 2], [0, 0], [1, 1], false);
            }
            h = h.dropout(self.dropout, train);
        }
        // (B, C, T, F') -> (B, T, C)
        h.mean_dim(3, false, Kind::Float).transpose(1, 2)
    }

    fn out_dim(&self) -> i64 {
        self.out_dim
    }
}
