// Mode numbers shared with assembly/losses.ts (kernels take them as i32 arguments).

/** Binary cross-entropy on probabilities. */
export const BceMode = { xent: 0, torch: 1, clip: 2 } as const;

/** Categorical cross-entropy: how the input row becomes log-probabilities. */
export const CeMode = { logits: 0, xent: 1, raw: 2, keras: 3, sklearn: 4, logProbs: 5 } as const;

/** Information measures of two distributions. */
export const CrossKind = { crossEntropy: 0, kl: 1 } as const;
