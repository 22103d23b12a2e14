// Progress on a terminal (stderr only, so stdout stays machine-readable): the current phase ("loading
// MNIST…", "evaluating…") or the epoch's bar with elapsed time, ETA, examples per second and the running
// training loss. Redrawn at most ten times a second; cleared before anything else is printed.

/** Where progress is drawn; `enabled` false makes every method a no-op (not a terminal, or --quiet). */
export interface ProgressOptions {
  stream: NodeJS.WritableStream;
  enabled: boolean;
}

/** One mini-batch progress report, as train()'s onProgress gives it, plus what the CLI knows. */
export interface EpochProgress {
  epoch: number;
  epochs: number;
  done: number;
  total: number;
  batchSize: number;
  /** Mean data cost of a sample of training examples at this moment, when measured. */
  loss?: number;
}

const clock = (s: number): string => {
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const ss = String(t % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
};

/** A one-line live display on a terminal. */
export class Progress {
  private readonly started = performance.now();
  private epochStarted = performance.now();
  private currentEpoch = 0;
  private lastDraw = 0;
  private shown = false;
  /** Seconds of the epochs finished so far (for the run's ETA). */
  private epochSeconds: number[] = [];

  constructor(private readonly options: ProgressOptions) {}

  /** Whether anything is drawn. */
  enabledFor(): boolean {
    return this.options.enabled;
  }

  /** Shows a phase, e.g. "loading MNIST…". */
  phase(text: string): void {
    this.draw(`${text}  ${clock(this.elapsed())} elapsed`, true);
  }

  /** Shows the epoch's bar; throttled unless the epoch is done. */
  epoch(p: EpochProgress): void {
    if (!this.options.enabled) return;
    const now = performance.now();
    if (p.epoch !== this.currentEpoch) {
      this.currentEpoch = p.epoch;
      this.epochStarted = now;
    }
    if (p.done < p.total && now - this.lastDraw < 100) return;
    const seconds = (now - this.epochStarted) / 1000;
    const examples = p.done * p.batchSize;
    const rate = seconds > 0 ? examples / seconds : 0;
    const epochEta = p.done > 0 ? (seconds * (p.total - p.done)) / p.done : NaN;
    const perEpoch = this.epochSeconds.length ? this.epochSeconds.reduce((s, x) => s + x, 0) / this.epochSeconds.length : seconds + epochEta;
    const runEta = epochEta + perEpoch * (p.epochs - p.epoch);
    const width = 20;
    const fill = Math.round((p.done / p.total) * width);
    const parts = [
      `epoch ${p.epoch}/${p.epochs} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${Math.round((100 * p.done) / p.total)}%`,
      `${clock(this.elapsed())} elapsed`,
      `ETA ${Number.isFinite(runEta) ? clock(runEta) : '?'}`,
      `${Math.round(rate).toLocaleString('en-US')} ex/s`,
    ];
    if (p.loss !== undefined) parts.push(`loss ${p.loss.toFixed(4)}`);
    this.draw(parts.join('  '), false);
    if (p.done === p.total) {
      this.epochSeconds.push(seconds);
      this.phase('evaluating…');
    }
  }

  /** Removes the line (before printing a result). */
  clear(): void {
    if (!this.options.enabled || !this.shown) return;
    this.options.stream.write('\r\x1b[K');
    this.shown = false;
  }

  private elapsed(): number {
    return (performance.now() - this.started) / 1000;
  }

  private draw(text: string, force: boolean): void {
    if (!this.options.enabled) return;
    const now = performance.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.options.stream.write(`\r\x1b[K${text}`);
    this.shown = true;
  }
}
