//! The network: an architecture's body (see [`super::arch`], one file each) turns a padded
//! batch into frame features, pooling over the real frames makes one vector per utterance, and
//! a linear head gives the logits. Padding never changes a sequence's logits (the test below).

use super::arch::pooling::Pool;
use super::arch::Architecture;
use super::config::ModelConfig;
use crate::error::Result;
use tch::nn::{self, Module};
use tch::Tensor;

/// A network built from a [`ModelConfig`]; its variables live in the VarStore it was built in.
pub struct Net {
    body: Box<dyn Architecture>,
    pool: Pool,
    head: nn::Linear,
    dropout: f64,
}

impl Net {
    /// Builds the body, the pooling and the head under `p`, in that order (the order their
    /// initial weights are drawn in).
    pub fn new(p: &nn::Path, c: &ModelConfig) -> Result<Net> {
        c.validate()?;
        let body = c.arch.build(p, c);
        let pool = Pool::new(p, c.pooling, body.out_dim());
        let head = nn::linear(p / "head", pool.out_dim(body.out_dim()), c.n_classes as i64, Default::default());
        Ok(Net { body, pool, head, dropout: c.dropout })
    }

    /// Logits `(B, n_classes)` of a padded batch. `train` turns dropout on.
    pub fn forward(&self, x: &Tensor, lengths: &Tensor, mask: &Tensor, train: bool) -> Tensor {
        let h = self.body.forward_t(x, lengths, mask, train);
        self.head.forward(&self.pool.forward(&h, mask).dropout(self.dropout, train))
    }

    /// The architecture that reads the frames.
    pub fn body(&self) -> &dyn Architecture {
        self.body.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::tests::small;
    use super::super::config::{Arch, Cell, Pooling};
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
}
