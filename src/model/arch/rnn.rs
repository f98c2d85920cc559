//! The recurrent network (LSTM or GRU layers, optionally bidirectional), which also serves as the
//! back of the CRNN. Variables: `rnn.l{i}` and, when bidirectional, `rnn.l{i}_reverse`.

use super::super::config::{Cell, ModelConfig};
use super::Architecture;
use crate::error::{ensure, Result, SerError};
use tch::nn::{self, RNN};
use tch::{Kind, Tensor};

/// The VarStore scope of the recurrent layers.
pub const SCOPE: &str = "rnn";

/// One single-direction recurrent layer. The op's `train` flag is always on: dropout is applied
/// here between layers, and cuDNN needs training mode for the backward pass that adversarial
/// examples take through an RNN even in evaluation.
enum Recurrent {
    Lstm(nn::LSTM),
    Gru(nn::GRU),
}

/// What one layer carries from a chunk to the next.
enum LayerState {
    Lstm(nn::LSTMState),
    Gru(nn::GRUState),
}

impl LayerState {
    /// The hidden state `(1, B, H)`.
    fn h(&self) -> &Tensor {
        match self {
            LayerState::Lstm(s) => &(s.0).0,
            LayerState::Gru(s) => &s.0,
        }
    }
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

    fn zero_state(&self, batch: i64) -> LayerState {
        match self {
            Recurrent::Lstm(l) => LayerState::Lstm(l.zero_state(batch)),
            Recurrent::Gru(g) => LayerState::Gru(g.zero_state(batch)),
        }
    }

    /// `x` read on from `state`: the outputs and the state after the last frame.
    fn run_from(&self, x: &Tensor, state: &LayerState) -> Result<(Tensor, LayerState)> {
        match (self, state) {
            (Recurrent::Lstm(l), LayerState::Lstm(s)) => {
                let (out, s) = l.seq_init(x, s);
                Ok((out, LayerState::Lstm(s)))
            }
            (Recurrent::Gru(g), LayerState::Gru(s)) => {
                let (out, s) = g.seq_init(x, s);
                Ok((out, LayerState::Gru(s)))
            }
            _ => Err(SerError::parameter("the recurrent state comes from a network with another cell (LSTM vs GRU): pass the state this network returned")),
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

/// Stacked recurrent layers, each a forward layer and, when bidirectional, a backward one whose
/// outputs are concatenated; dropout between layers.
pub struct Rnn {
    layers: Vec<(Recurrent, Option<Recurrent>)>,
    dropout: f64,
    input: i64,
    hidden: i64,
    out_dim: i64,
}

/// The hidden state of each layer of a unidirectional [`Rnn`] after the frames it has read, as
/// [`Rnn::step`] returns it for the next chunk.
pub struct RecurrentState(Vec<LayerState>);

impl Rnn {
    /// Layers under `p` reading `input` values per frame.
    pub fn stack(p: &nn::Path, c: &ModelConfig, input: i64) -> Rnn {
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
        Rnn { layers, dropout: c.dropout, input, hidden, out_dim: hidden * dirs }
    }

    fn is_bidirectional(&self) -> bool {
        self.layers.iter().any(|l| l.1.is_some())
    }

    /// `(B, T, D)` -> `(B, T, out_dim)`; values on padded frames are meaningless (masked later).
    fn run(&self, x: &Tensor, lengths: &Tensor, train: bool) -> Tensor {
        let index = self.is_bidirectional().then(|| reversal_index(lengths, x.size()[1]));
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

    /// Reads one chunk `x` `(B, T, D)` of `B` streams (real frames only, no padding) on from
    /// `state` (None: the streams start here), in evaluation mode. Returns the chunk's outputs
    /// `(B, T, out_dim)` and the state after its last frame: chunk after chunk gives what
    /// [`Architecture::forward_t`] gives on the whole sequence.
    ///
    /// # Errors
    /// A ParameterError for a bidirectional network (its backward direction needs the frames
    /// still to come), an `x` of another shape, or a state from another network or batch size.
    pub fn step(&self, x: &Tensor, state: Option<&RecurrentState>) -> Result<(Tensor, RecurrentState)> {
        ensure(!self.is_bidirectional(), || {
            "a bidirectional RNN reads each utterance backwards from its end, so it cannot stream: train it with bidirectional=False".into()
        })?;
        let size = x.size();
        ensure(size.len() == 3 && size[2] == self.input, || format!("a chunk must have shape (streams, frames, {}), got {size:?}", self.input))?;
        let fresh;
        let states = match state {
            Some(s) => &s.0,
            None => {
                fresh = self.layers.iter().map(|(fwd, _)| fwd.zero_state(size[0])).collect::<Vec<_>>();
                &fresh
            }
        };
        ensure(states.len() == self.layers.len(), || format!("the state has {} layers, this network {}: pass the state it returned", states.len(), self.layers.len()))?;
        let mut h = x.shallow_clone();
        let mut next = Vec::with_capacity(states.len());
        for ((fwd, _), s) in self.layers.iter().zip(states) {
            let want = [1, size[0], self.hidden];
            ensure(s.h().size() == want, || format!("the state has shape {:?} where this chunk needs {want:?}: one state per stream, from this network", s.h().size()))?;
            let (out, s) = fwd.run_from(&h, s)?;
            h = out;
            next.push(s);
        }
        Ok((h, RecurrentState(next)))
    }
}

impl Architecture for Rnn {
    fn new(root: &nn::Path, c: &ModelConfig) -> Rnn {
        Rnn::stack(&(root / SCOPE), c, c.n_features as i64)
    }

    fn forward_t(&self, x: &Tensor, lengths: &Tensor, _mask: &Tensor, train: bool) -> Tensor {
        self.run(x, lengths, train)
    }

    fn out_dim(&self) -> i64 {
        self.out_dim
    }

    fn streaming(&self) -> Option<&Rnn> {
        (!self.is_bidirectional()).then_some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::config::tests::small;
    use super::super::super::config::Arch;
    use super::*;
    use tch::Device;

    #[test]
    fn reversal_stays_within_each_length() {
        let idx = reversal_index(&Tensor::from_slice(&[3i64, 1]), 4);
        assert_eq!(Vec::<i64>::try_from(idx.flatten(0, -1)).unwrap(), vec![2, 1, 0, 3, 0, 1, 2, 3]);
    }

    fn rnn(cell: Cell, bidirectional: bool) -> (nn::VarStore, Rnn) {
        let mut c = small(Arch::Rnn, 6, 3).model;
        (c.cell, c.bidirectional, c.num_layers) = (cell, bidirectional, 2);
        let vs = nn::VarStore::new(Device::Cpu);
        let r = Rnn::new(&vs.root(), &c);
        (vs, r)
    }

    #[test]
    fn stepping_through_chunks_gives_the_whole_sequences_outputs() {
        let _rng = crate::model::torch_rng_lock();
        tch::manual_seed(5);
        let x = Tensor::randn([2, 9, 6], (Kind::Float, Device::Cpu));
        let (lengths, mask) = (Tensor::from_slice(&[9i64, 9]), Tensor::ones([2, 9], (Kind::Float, Device::Cpu)));
        for cell in [Cell::Lstm, Cell::Gru] {
            let (_vs, r) = rnn(cell, false);
            assert!(r.streaming().is_some());
            let whole = tch::no_grad(|| r.forward_t(&x, &lengths, &mask, false));
            let mut state = None;
            let mut chunks = Vec::new();
            for (start, len) in [(0, 4), (4, 1), (5, 4)] {
                let (out, s) = tch::no_grad(|| r.step(&x.narrow(1, start, len), state.as_ref())).unwrap();
                chunks.push(out);
                state = Some(s);
            }
            let worst = (Tensor::cat(&chunks, 1) - &whole).abs().max().double_value(&[]);
            assert!(worst < 1e-6, "{cell:?}: chunked outputs differ by {worst}");
        }
    }

    #[test]
    fn stepping_refuses_what_cannot_stream() {
        let _rng = crate::model::torch_rng_lock();
        let chunk = Tensor::zeros([2, 3, 6], (Kind::Float, Device::Cpu));
        let (_vs, bi) = rnn(Cell::Lstm, true);
        assert!(bi.streaming().is_none());
        assert!(bi.step(&chunk, None).err().unwrap().message().contains("bidirectional=False"));
        let (_vs, lstm) = rnn(Cell::Lstm, false);
        let (_vs2, gru) = rnn(Cell::Gru, false);
        assert!(lstm.step(&Tensor::zeros([2, 3, 5], (Kind::Float, Device::Cpu)), None).err().unwrap().message().contains("(streams, frames, 6)"));
        let (_, state) = lstm.step(&chunk, None).unwrap();
        assert!(gru.step(&chunk, Some(&state)).err().unwrap().message().contains("another cell"));
        assert!(lstm.step(&chunk.narrow(0, 0, 1), Some(&state)).err().unwrap().message().contains("one state per stream"));
    }
}
