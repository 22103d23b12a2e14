// The contract between the network kernels (assembly/network.ts, assembly/optimizers.ts) and TypeScript,
// declared once: AssemblyScript imports this very file, and so do src/network and both backends. Plain
// integer constants only, so that the file is valid in both languages; test/contract.test.ts checks
// that the compiled WASM reads every field where TypeScript writes it.

// Activations: the hidden layers' (desc[DESC_HIDDEN]) and the output layer's (desc[DESC_OUTPUT]).
export const ACT_SIGMOID = 0;
export const ACT_TANH = 1;
export const ACT_RELU = 2;
export const ACT_SOFTMAX = 3;

// Costs (desc[DESC_COST]). Cross-entropy is the sigmoid's or the tanh unit's, by the output activation.
export const COST_CROSS_ENTROPY = 0;
export const COST_QUADRATIC = 1;
export const COST_LOG_LIKELIHOOD = 2;

// Optimisers (CFG_OPTIMIZER). OPT_GRADIENT updates nothing: it adds Σ_x ∂C_x/∂θ into the state's first array.
export const OPT_SGD = 0;
export const OPT_NESTEROV = 1;
export const OPT_ADAM = 2;
export const OPT_GRADIENT = 3;

// Regularisation (CFG_REGULARIZATION).
export const REG_NONE = 0;
export const REG_L2 = 1;
export const REG_L1 = 2;

// The network descriptor (i32 slots): [L, hidden act, output act, cost, s_0, …, s_L].
export const DESC_LAYERS = 0;
export const DESC_HIDDEN = 1;
export const DESC_OUTPUT = 2;
export const DESC_COST = 3;
export const DESC_SIZES = 4;

// The training-configuration record: byte offsets of its fields.
// f32: learning rate η, λ, n (training-set size of the decay λ/n), momentum μ, dropout p, label
// smoothing s, the smoothed target's offset c (y' = y·(1 − s) + c), and the value of the units that are
// not the label's class (0, or −1 for tanh outputs).
export const CFG_ETA = 0;
export const CFG_LAMBDA = 4;
export const CFG_N = 8;
export const CFG_MOMENTUM = 12;
export const CFG_DROPOUT = 16;
export const CFG_SMOOTHING = 20;
export const CFG_SMOOTH_OFFSET = 24;
export const CFG_COLD = 28;
// i32: optimiser, regularisation, mini-batch size, work capacity (rows), the examples stored
// (augmentation draws shifted copies of them), augmentation shift (0 = none), image width and height.
export const CFG_OPTIMIZER = 32;
export const CFG_REGULARIZATION = 36;
export const CFG_BATCH = 40;
export const CFG_CAP = 44;
export const CFG_STORED = 48;
export const CFG_SHIFT = 52;
export const CFG_WIDTH = 56;
export const CFG_HEIGHT = 60;
// i32 addresses (0 = absent): inputs, labels (u8), dense targets (f32), class weights (f32, one per
// output), the epoch's order (i32), the dropout generator's state (u32); and the inputs' element type.
export const CFG_INPUTS = 64;
export const CFG_LABELS = 68;
export const CFG_TARGETS = 72;
export const CFG_CLASS_WEIGHTS = 76;
export const CFG_ORDER = 80;
export const CFG_RNG = 84;
export const CFG_INPUT_BYTES = 88;
// f64: Adam's β₁, β₂ and ε.
export const CFG_BETA1 = 96;
export const CFG_BETA2 = 104;
export const CFG_EPSILON = 112;
export const CFG_BYTES = 120;

// The optimiser state (one device buffer): a header, then the optimiser's arrays of one float per
// parameter (velocity; Nesterov's buffer; Adam's m then v; the gradient sums).
export const STATE_STEP = 0; // u32: mini-batches taken so far (t)
export const STATE_HEADER_BYTES = 16;

// What networkTrain returns when every mini-batch stayed finite.
export const TRAIN_FINITE = -1;
