// When a run stops, and at which η it trains: early stopping and the learning-rate schedule folded into
// one policy that watches the epoch reports. Each rule tracks its own monitored measure; early stopping
// also keeps the best epoch's weights (to restore them when training ends). The policy's state is plain
// data, so a run continues across train() calls and checkpoints with its counters and best weights.
import type { EpochReport } from './train.js';

/** Measures a rule can watch; accuracy improves upwards, costs downwards. */
export type MonitorName = 'evaluationAccuracy' | 'evaluationCost' | 'trainingCost';
export const MONITORS: readonly MonitorName[] = ['evaluationAccuracy', 'evaluationCost', 'trainingCost'];

/** Early stopping, resolved. */
export interface EarlyStoppingRule {
  patience: number | null;
  monitor: MonitorName;
  minDelta: number;
  restoreBest: boolean;
}

/** The learning-rate schedule, resolved. */
export interface ScheduleRule {
  patience: number;
  factor: number;
  minEta: number;
  monitor: MonitorName;
}

/** A watched measure's best value so far and the epochs since it improved. */
export interface Tracker {
  best: number | null;
  bestEpoch: number;
  since: number;
}

/** The policy's state between epochs (JSON-serialisable but for bestWeights). */
export interface PolicyState {
  eta: number;
  earlyStopping: Tracker | null;
  schedule: Tracker | null;
  /** The weights of earlyStopping's best epoch (when it restores them). */
  bestWeights: Float32Array | null;
}

/** Why the policy ends a run. */
export type PolicyStop = 'early-stopping' | 'schedule';

function improved(monitor: MonitorName, value: number, t: Tracker, minDelta: number): boolean {
  if (t.best === null) return true;
  return monitor === 'evaluationAccuracy' ? value > t.best + minDelta : value < t.best - minDelta;
}

/** Early stopping and the schedule of one train() call, over the run's saved state. */
export class StopPolicy {
  readonly state: PolicyState;

  constructor(
    readonly earlyStopping: EarlyStoppingRule | null,
    readonly schedule: ScheduleRule | null,
    eta: number,
    saved: PolicyState | null,
  ) {
    const fresh = (): Tracker => ({ best: null, bestEpoch: 0, since: 0 });
    this.state = {
      eta: schedule && saved ? saved.eta : eta,
      earlyStopping: earlyStopping ? saved?.earlyStopping ?? fresh() : null,
      schedule: schedule ? saved?.schedule ?? fresh() : null,
      bestWeights: earlyStopping?.restoreBest ? saved?.bestWeights ?? null : null,
    };
  }

  /** The learning rate of the next epoch. */
  get eta(): number {
    return this.state.eta;
  }

  /** The epoch whose weights a restore would bring back, or 0. */
  get bestEpoch(): number {
    return this.state.earlyStopping?.bestEpoch ?? 0;
  }

  /** Measures the rules need after every epoch. */
  monitors(): MonitorName[] {
    return [this.earlyStopping?.monitor, this.schedule?.monitor].filter((m): m is MonitorName => m !== undefined);
  }

  /**
   * Takes an epoch's report; `weights` gives the current parameters (copied only when they are a new
   * best). Returns why the run ends now, or null to go on (at `eta`).
   */
  observe(report: EpochReport, weights: () => Float32Array): PolicyStop | null {
    const { earlyStopping: es, schedule: sc, state } = this;
    if (es && state.earlyStopping) {
      const t = state.earlyStopping;
      const v = report[es.monitor]!;
      if (improved(es.monitor, v, t, es.minDelta)) {
        Object.assign(t, { best: v, bestEpoch: report.epoch, since: 0 });
        if (es.restoreBest) state.bestWeights = weights();
      } else t.since++;
      if (es.patience !== null && t.since >= es.patience) return 'early-stopping';
    }
    if (sc && state.schedule) {
      const t = state.schedule;
      const v = report[sc.monitor]!;
      if (improved(sc.monitor, v, t, 0)) Object.assign(t, { best: v, bestEpoch: report.epoch, since: 0 });
      else t.since++;
      if (t.since >= sc.patience) {
        state.eta /= sc.factor;
        t.since = 0;
        // The book's rule: stop once η has fallen to η₀/128, without training at it.
        if (state.eta <= sc.minEta) return 'schedule';
      }
    }
    return null;
  }
}
