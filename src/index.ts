// xent: exact cross-entropy losses, information measures and the networks they train.
export { createXent } from './xent.js';
export type {
  Xent, XentGrad, XentValueAndGrad, ValueAndGrad, XentOptions, LossValue, Gradient, Activation, RowValues, Reduced, BinaryRows,
  LogLossRows, LogLossLabels,
} from './xent.js';
export type { XentKernels } from './xent.js';
export type { GemmTile } from './backend/calibrate.js';
export type { Vector, Batch, Packed, Input, Like, Elementwise, PerRow, Product, Prediction } from './tensor.js';
export type { OnnxExportOptions } from './interop/onnx.js';
export type { SafetensorsOptions } from './interop/safetensors-read.js';
export type { InfoOptions } from './info.js';
export type { BinaryOptions } from './losses/binary.js';
export type { CategoricalOptions, SparseOptions, Labels } from './losses/categorical.js';
export type { QuadraticOptions } from './losses/quadratic.js';
export type { LogLossOptions } from './losses/logloss.js';
export type { Reduction, Compat } from './losses/options.js';
export type { MatmulOptions } from './matmul.js';
export type { Dataset } from './data/dataset.js';
export type { Network, NetworkOptions, CostName, HiddenActivation, OutputName } from './network/network.js';
export type { TrainOptions, TrainingHistory, EpochReport, Monitor, StopReason } from './network/train.js';
export type { OptimizerName } from './network/optimizers.js';
export type { MonitorName } from './network/stop-policy.js';
export type { Checkpoint } from './network/checkpoint.js';
export type { NetworkJSON } from './network/format.js';
export type { GradientCheckOptions, GradientCheckResult, GradientEntry } from './network/gradcheck.js';
