//! The architectures. Every network maps a zero-padded batch `(B, T, F)` with a `(B, T)` mask
//! to logits `(B, n_classes)`, and padding never changes a sequence's logits:
//! - recurrent layers run forward over the real frames first (padding comes after them), and the
//!   backward direction reads each sequence reversed within its own length (a gather with per-row
//!   indices), so neither direction ever consumes padding before a real frame;
//! - convolutions use "same" padding and their outputs are re-zeroed on padded frames, so a frame
//!   near the end sees zeros exactly as it would with no padding at all;
//! - pooling (masked mean, masked softmax attention, masked mean and std) only weighs real frames.

use super::config::{Arch, Cell, ModelConfig, Pooling};
use crate::error::Result;
use tch::nn::{self, Module, RNN};
use tch::{Kind, Tensor};

/// One single-direction recurrent layer. The op's `train` flag is always on: dropout is applied
/// here between layers, and cuDNN needs training mode for the backward pass that adversarial
/// examples take through an RNN even in evaluation.
enum Recurrent {
    Lstm(nn::LSTM),
    Gru(nn::GRU),
}

impl Recurrent {
    fn new(p: nn::Path, cell: Cell, input: i64, hidden: i64) -> Recurrent {
        let c = nn::RNNConfig { batch_first: true, train: true, ..Default::default() };
        match cell {
            Cell::Lstm => Recurrent::Lstm(nn::lstm(p, input, hidden, c)),
            Cell::Gru => Recurrent::Gru(nn::gru(p, input, hidden, c)),
        }
    }

    fn run(&self, x: &Tensor) -> Tensor {
        match self {
            Recurrent::Lstm(l) => l.seq(x).0,
            Recurrent::Gru(g) => g.seq(x).0,
        }
    }
}

/// For row `b` of length `L`: `t -> L - 1 - t` on real frames, padding left in place. Applying
/// it twice is the identity.
fn reversal_index(lengths: &Tensor, t_max: i64) -> Tensor {
    let t = Tensor::arange(t_max, (Kind::Int64, lengths.device())).unsqueeze(0);
    let l = lengths.unsqueeze(1);
    let reversed = &l - 1 - &t;
    reversed.where_self(&t.lt_tensor(&l), &t)
}

fn reverse_within(x: &Tensor, index: &Tensor) -> Tensor {
    let size = x.size();
    x.gather(1, &index.unsqueeze(-1).expand([size[0], size[1], size[2]], false), false)
}

struct RnnStack {
    layers: Vec<(Recurrent, Option<Recurrent>)>,
    dropout: f64,
    out_dim: i64,
}

impl RnnStack {
    fn new(p: &nn::Path, c: &ModelConfig, input: i64) -> RnnStack {
        let hidden = c.hidden_size as i64;
        let dirs = if c.bidirectional { 2 } else { 1 };
        let layers = (0..c.num_layers)
            .map(|i| {
                let inp = if i == 0 { input } else { hidden * dirs };
                let fwd = Recurrent::new(p / format!("l{i}"), c.cell, inp, hidden);
                let bwd = c.bidirectional.then(|| Recurrent::new(p / format!("l{i}_reverse"), c.cell, inp, hidden));
                (fwd, bwd)
            })
            .collect();
        RnnStack { layers, dropout: c.dropout, out_dim: hidden * dirs }
    }

    /// `(B, T, D)` -> `(B, T, out_dim)`; values on padded frames are meaningless (masked later).
    fn forward(&self, x: &Tensor, lengths: &Tensor, train: bool) -> Tensor {
        let index = self.layers.iter().any(|l| l.1.is_some()).then(|| reversal_index(lengths, x.size()[1]));
        let mut h = x.shallow_clone();
        for (i, (fwd, bwd)) in self.layers.iter().enumerate() {
            if i > 0 {
                h = h.dropout(self.dropout, train);
            }
            let f = fwd.run(&h);
            h = match (bwd, &index) {
                (Some(b), Some(idx)) => Tensor::cat(&[f, reverse_within(&b.run(&reverse_within(&h, idx)), idx)], 2),
                _ => f,
            };
        }
        h
    }
}

/// Convolutions over time with features as channels, zeroed on padded frames after each layer.
struct Conv1dStack {
    convs: Vec<nn::Conv1D>,
    dropout: f64,
    out_dim: i64,
}

impl Conv1dStack {
    fn new(p: &nn::Path, c: &ModelConfig, input: i64) -> Conv1dStack {
        let cfg = nn::ConvConfig { padding: (c.kernel_size / 2) as i64, ..Default::default() };
        let mut inp = input;
        let convs = c
            .channels
            .iter()
            .enumerate()
            .map(|(i, &ch)| {
                let conv = nn::conv1d(p / format!("conv{i}"), inp, ch as i64, c.kernel_size as i64, cfg);
                inp = ch as i64;
                conv
            })
            .collect();
        Conv1dStack { convs, dropout: c.dropout, out_dim: inp }
    }

    /// `(B, T, F)` -> `(B, T, C)`.
    fn forward(&self, x: &Tensor, mask: &Tensor, train: bool) -> Tensor {
        let m = mask.unsqueeze(1);
        let mut h = x.transpose(1, 2);
        for conv in &self.convs {
            h = (conv.forward(&h).relu() * &m).dropout(self.dropout, train);
        }
        h.transpose(1, 2)
    }
}

/// 2-D convolutions over the `(T, F)` plane; frequency is halved by max-pooling after each layer
/// (time is never pooled, so masks stay frame-aligned), then averaged away.
struct Conv2dStack {
    convs: Vec<nn::Conv2D>,
    dropout: f64,
    out_dim: i64,
}

impl Conv2dStack {
    fn new(p: &nn::Path, c: &ModelConfig) -> Conv2dStack {
        let cfg = nn::ConvConfig { padding: (c.kernel_size / 2) as i64, ..Default::default() };
        let mut inp = 1;
        let convs = c
            .channels
            .iter()
            .enumerate()
            .map(|(i, &ch)| {
                let conv = nn::conv2d(p / format!("conv{i}"), inp, ch as i64, c.kernel_size as i64, cfg);
                inp = ch as i64;
                conv
            })
            .collect();
        Conv2dStack { convs, dropout: c.dropout, out_dim: inp }
    }

    fn forward(&self, x: &Tensor, mask: &Tensor, train: bool) -> Tensor {
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
}

/// Hidden layers applied to each frame (for per-utterance vectors `T = 1`).
struct Mlp {
    layers: Vec<nn::Linear>,
    dropout: f64,
    out_dim: i64,
}

impl Mlp {
    fn new(p: &nn::Path, c: &ModelConfig, input: i64) -> Mlp {
        let mut inp = input;
        let layers = (0..c.num_layers)
            .map(|i| {
                let l = nn::linear(p / format!("fc{i}"), inp, c.hidden_size as i64, Default::default());
                inp = c.hidden_size as i64;
                l
            })
            .collect();
        Mlp { layers, dropout: c.dropout, out_dim: inp }
    }

    fn forward(&self, x: &Tensor, train: bool) -> Tensor {
        self.layers.iter().fold(x.shallow_clone(), |h, l| l.forward(&h).relu().dropout(self.dropout, train))
    }
}

/// Additive attention (Bahdanau et al. 2015) over frames: `softmax_t(v . tanh(W h_t))`, with
/// padded frames given weight 0.
struct Attention {
    proj: nn::Linear,
    score: nn::Linear,
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

enum Body {
    Rnn(RnnStack),
    Mlp(Mlp),
    Cnn1d(Conv1dStack),
    Cnn2d(Conv2dStack),
    Crnn(Conv1dStack, RnnStack),
}

/// A network built from a [`ModelConfig`]; its variables live in the VarStore it was built in.
pub struct Net {
    body: Body,
    attention: Option<Attention>,
    stats: bool,
    head: nn::Linear,
    dropout: f64,
}

impl Net {
    pub fn new(p: &nn::Path, c: &ModelConfig) -> Result<Net> {
        c.validate()?;
        let f = c.n_features as i64;
        let (body, dim) = match c.arch {
            Arch::Rnn => {
                let r = RnnStack::new(&(p / "rnn"), c, f);
                let d = r.out_dim;
                (Body::Rnn(r), d)
            }
            Arch::Mlp => {
                let m = Mlp::new(&(p / "mlp"), c, f);
                let d = m.out_dim;
                (Body::Mlp(m), d)
            }
            Arch::Cnn1d => {
                let s = Conv1dStack::new(&(p / "cnn"), c, f);
                let d = s.out_dim;
                (Body::Cnn1d(s), d)
            }
            Arch::Cnn2d => {
                let s = Conv2dStack::new(&(p / "cnn2d"), c);
                let d = s.out_dim;
                (Body::Cnn2d(s), d)
            }
            Arch::Crnn => {
                let s = Conv1dStack::new(&(p / "cnn"), c, f);
                let r = RnnStack::new(&(p / "rnn"), c, s.out_dim);
                let d = r.out_dim;
                (Body::Crnn(s, r), d)
            }
        };
        let attention = (c.pooling == Pooling::Attention).then(|| Attention {
            proj: nn::linear(p / "att_proj", dim, dim, Default::default()),
            score: nn::linear(p / "att_score", dim, 1, nn::LinearConfig { bias: false, ..Default::default() }),
        });
        let pooled_dim = if c.pooling == Pooling::Stats { 2 * dim } else { dim };
        let head = nn::linear(p / "head", pooled_dim, c.n_classes as i64, Default::default());
        Ok(Net { body, attention, stats: c.pooling == Pooling::Stats, head, dropout: c.dropout })
    }

    /// Logits `(B, n_classes)` of a padded batch. `train` turns dropout on.
    pub fn forward(&self, x: &Tensor, lengths: &Tensor, mask: &Tensor, train: bool) -> Tensor {
        let h = match &self.body {
            Body::Rnn(r) => r.forward(x, lengths, train),
            Body::Mlp(m) => m.forward(x, train),
            Body::Cnn1d(s) => s.forward(x, mask, train),
            Body::Cnn2d(s) => s.forward(x, mask, train),
            Body::Crnn(s, r) => r.forward(&s.forward(x, mask, train), lengths, train),
        };
        let pooled = match &self.attention {
            None if self.stats => masked_stats(&h, mask),
            None => masked_mean(&h, mask),
            Some(a) => {
                let scores = a.score.forward(&a.proj.forward(&h).tanh()).squeeze_dim(-1);
                let weights = scores.masked_fill(&mask.eq(0.0), f64::NEG_INFINITY).softmax(1, Kind::Float);
                (h * weights.unsqueeze(-1)).sum_dim_intlist(1, false, Kind::Float)
            }
        };
        self.head.forward(&pooled.dropout(self.dropout, train))
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::tests::small;
    use super::super::data::make_batch;
    use super::*;
    use ndarray::Array2;
    use tch::Device;

    fn sequence(t: usize, f: usize, seed: u64) -> Array2<f32> {
        Array2::from_shape_fn((t, f), |(i, j)| (((i * 7 + j * 3) as u64 + seed) as f32 * 0.37).sin())
    }

    fn logits(net: &Net, seqs: &[Array2<f32>], rows: &[usize]) -> Vec<f32> {
        let b = make_batch(seqs, None, rows, Device::Cpu).unwrap();
        let out = tch::no_grad(|| net.forward(&b.x, &b.lengths, &b.mask, false));
        Vec::<f32>::try_from(out.get(0)).unwrap()
    }

    #[test]
    fn padding_never_changes_a_sequences_logits() {
        let _rng = crate::model::torch_rng_lock();
        let variants: Vec<(Arch, Cell, bool, Pooling, usize)> = vec![
            (Arch::Rnn, Cell::Lstm, true, Pooling::Mean, 2),
            (Arch::Rnn, Cell::Lstm, true, Pooling::Attention, 1),
            (Arch::Rnn, Cell::Gru, true, Pooling::Attention, 2),
            (Arch::Rnn, Cell::Gru, false, Pooling::Mean, 1),
            (Arch::Rnn, Cell::Lstm, true, Pooling::Stats, 1),
            (Arch::Cnn1d, Cell::Lstm, false, Pooling::Stats, 1),
            (Arch::Mlp, Cell::Lstm, false, Pooling::Mean, 2),
            (Arch::Cnn1d, Cell::Lstm, false, Pooling::Attention, 1),
            (Arch::Cnn2d, Cell::Lstm, false, Pooling::Mean, 1),
            (Arch::Crnn, Cell::Gru, true, Pooling::Attention, 1),
        ];
        let seqs = vec![sequence(5, 6, 0), sequence(13, 6, 1)];
        for (arch, cell, bidirectional, pooling, layers) in variants {
            tch::manual_seed(0);
            let mut c = small(arch, 6, 3).model;
            c.cell = cell;
            c.bidirectional = bidirectional;
            c.pooling = pooling;
            c.num_layers = layers;
            c.channels = vec![4, 5];
            let vs = nn::VarStore::new(Device::Cpu);
            let net = Net::new(&vs.root(), &c).unwrap();
            let alone = logits(&net, &seqs, &[0]);
            let padded = logits(&net, &seqs, &[0, 1]);
            let worst = alone.iter().zip(&padded).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
            assert!(worst < 1e-5, "{arch:?} {cell:?} bi={bidirectional} {pooling:?}: padding changed the logits by {worst}");
        }
    }

    #[test]
    fn reversal_stays_within_each_length() {
        let idx = reversal_index(&Tensor::from_slice(&[3i64, 1]), 4);
        assert_eq!(Vec::<i64>::try_from(idx.flatten(0, -1)).unwrap(), vec![2, 1, 0, 3, 0, 1, 2, 3]);
    }
}
