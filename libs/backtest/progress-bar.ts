/**
 * Progress of long work on a terminal: a bar redrawn in place on a TTY, or a line per
 * tenth done when the output is a file or a pipe (so logs stay readable).
 */

export interface ProgressOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const WIDTH = 30;
/** Redraws at most this often on a terminal. */
const REDRAW_MS = 100;

export class ProgressBar {
  readonly #output: ProgressOutput;
  readonly #label: string;
  readonly #unit: string;
  readonly #now: () => number;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #lastTenth = -1;
  #finished = false;

  /** `now` is a monotonic clock in milliseconds (performance.now by default). */
  constructor(output: ProgressOutput, label: string, unit: string, now: () => number = () => performance.now()) {
    this.#output = output;
    this.#label = label;
    this.#unit = unit;
    this.#now = now;
  }

  update(done: number, total: number): void {
    if (this.#finished || total <= 0) return;
    const share = Math.min(1, done / total);
    const counts = `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${this.#unit}`;
    if (this.#output.isTTY === true) {
      const now = this.#now();
      if (now - this.#lastDraw < REDRAW_MS && done < total) return;
      this.#lastDraw = now;
      const filled = Math.round(share * WIDTH);
      this.#output.write(`\r${this.#label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${counts}`);
    } else {
      const tenth = Math.floor(share * 10);
      if (tenth === this.#lastTenth) return;
      this.#lastTenth = tenth;
      this.#output.write(`${this.#label}: ${tenth * 10}% ${counts}\n`);
    }
    if (done >= total) this.finish();
  }

  /** Ends the bar's line. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#output.isTTY === true) this.#output.write('\n');
  }
}
