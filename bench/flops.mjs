// Floating-point operations of one training epoch of a fully connected sigmoid network with the
// cross-entropy cost (the benchmark's MNIST epoch), counted exactly, so that the epoch can be set
// against its floor: FLOPs ÷ the measured WASM SIMD peak (bench/peak.mjs). Counting rules:
//   - a multiply-add is 2 FLOPs; z = W·a + b for one example is 2·in·out (in multiplies, in − 1 adds,
//     one bias add);
//   - backward: δ_L = a_L − y (s_L subtractions; cross-entropy on sigmoid outputs); per hidden layer,
//     δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ σ'(z_l) with σ' = a(1 − a): 2·out·in for the product, 3 per unit;
//     weight gradient δᵀ·a summed over the mini-batch: 2·in·out per example; bias gradient: s_l adds per
//     example; nothing is propagated into the input layer;
//   - update, once per mini-batch: W ← W − (η/m)·∇W, 2 FLOPs per weight and bias (λ = 0: no decay term);
//   - each σ (an exp and a division) is counted as one evaluation, not in FLOPs (`sigmoids`);
//   - gathering and converting the examples' bytes is data movement, not FLOPs.

/** FLOPs of one epoch of `sizes` over n examples in mini-batches of `batch`: { total, products, elementwise, update, sigmoids }. */
export function epochFlops(sizes, n, batch) {
  let products = 0; // per example
  let elementwise = 0; // per example
  let params = 0;
  const L = sizes.length - 1;
  for (let l = 0; l < L; l++) {
    const [i, o] = [sizes[l], sizes[l + 1]];
    products += 2 * i * o; // forward z = W·a + b
    products += 2 * i * o; // weight gradient δᵀ·a
    elementwise += o; // bias gradient
    if (l > 0) products += 2 * i * o; // δ of layer l (the input layer gets none)
    if (l < L - 1) elementwise += 3 * o; // ⊙ σ'(z) = a(1 − a)
    params += i * o + o;
  }
  elementwise += sizes[L]; // δ_L = a_L − y
  const batches = Math.ceil(n / batch);
  const sigmoids = n * sizes.slice(1).reduce((s, x) => s + x, 0);
  const update = batches * 2 * params;
  return { total: n * (products + elementwise) + update, products: n * products, elementwise: n * elementwise, update, sigmoids };
}
