/**
 * A pool of worker threads running backtests, so a backtest never runs on the event
 * loop that serves requests and a sweep uses every core. Jobs queue in order; each worker
 * takes one at a time. A worker that dies takes only its own job down: the job fails with
 * the reason and a fresh worker replaces it.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BacktestJob } from './backtest-job.ts';
import type { BacktestReport } from './report.ts';

export interface WorkerRequest {
  readonly id: number;
  readonly job: BacktestJob;
}

export type WorkerReply =
  | { readonly type: 'progress'; readonly id: number; readonly done: number; readonly total: number }
  | { readonly type: 'result'; readonly id: number; readonly report: BacktestReport }
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly invalidInput: boolean };

/** A job the worker refused: bad input (a client error), or a failure (a crash, a bug). */
export class BacktestJobError extends Error {
  readonly invalidInput: boolean;
  constructor(message: string, invalidInput: boolean) {
    super(message);
    this.name = 'BacktestJobError';
    this.invalidInput = invalidInput;
  }
}

interface Pending {
  readonly id: number;
  readonly job: BacktestJob;
  readonly onProgress: ((done: number, total: number) => void) | undefined;
  resolve(report: BacktestReport): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  current: Pending | undefined;
}

const WORKER_FILE = new URL('./backtest-worker.ts', import.meta.url);

/** Threads worth running on this machine: one per core. */
export function defaultPoolSize(): number {
  return availableParallelism();
}

/** Threads start on the first job that needs one, so an idle pool costs nothing. */
export class BacktestWorkerPool {
  readonly #size: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  #nextId = 1;
  #closed = false;

  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`a backtest pool needs at least one worker, got ${size}`);
    this.#size = size;
  }

  /** Most threads this pool runs. */
  get size(): number {
    return this.#size;
  }

  /** Jobs waiting for a free thread. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Runs `job` on the next free worker; `onProgress` hears candles done and to do. */
  run(job: BacktestJob, onProgress?: (done: number, total: number) => void): Promise<BacktestReport> {
    if (this.#closed) return Promise.reject(new Error('the backtest pool is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, job, onProgress, resolve, reject });
      this.#dispatch();
    });
  }

  /** Stops every worker; queued and running jobs fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of this.#queue.splice(0)) pending.reject(new Error('the backtest pool closed before the job ran'));
    await Promise.all(this.#slots.map(async (slot) => {
      slot.current?.reject(new Error('the backtest pool closed while the job ran'));
      slot.current = undefined;
      await slot.worker.terminate();
    }));
  }

  #startSlot(): Slot {
    const slot: Slot = { worker: new Worker(WORKER_FILE), current: undefined };
    slot.worker.unref();
    slot.worker.on('message', (reply: WorkerReply) => this.#onReply(slot, reply));
    slot.worker.on('error', (error) => this.#onDeath(slot, `the backtest worker failed: ${error.message}`));
    slot.worker.on('exit', (code) => {
      if (!this.#closed) this.#onDeath(slot, `the backtest worker stopped (exit code ${code})`);
    });
    return slot;
  }

  #onReply(slot: Slot, reply: WorkerReply): void {
    const pending = slot.current;
    if (!pending || pending.id !== reply.id) return;
    if (reply.type === 'progress') {
      pending.onProgress?.(reply.done, reply.total);
      return;
    }
    slot.current = undefined;
    slot.worker.unref();
    if (reply.type === 'result') pending.resolve(reply.report);
    else pending.reject(new BacktestJobError(reply.message, reply.invalidInput));
    this.#dispatch();
  }

  #onDeath(slot: Slot, reason: string): void {
    const index = this.#slots.indexOf(slot);
    if (index === -1) return;
    slot.current?.reject(new BacktestJobError(reason, false));
    slot.current = undefined;
    void slot.worker.terminate();
    if (this.#closed) return;
    this.#slots[index] = this.#startSlot();
    this.#dispatch();
  }

  #dispatch(): void {
    while (this.#queue.length > 0 && this.#slots.length < this.#size && this.#slots.every((slot) => slot.current !== undefined)) {
      this.#slots.push(this.#startSlot());
    }
    for (const slot of this.#slots) {
      if (slot.current !== undefined) continue;
      const next = this.#queue.shift();
      if (!next) return;
      slot.current = next;
      // A busy worker keeps the process alive until its job is done.
      slot.worker.ref();
      slot.worker.postMessage({ id: next.id, job: next.job } satisfies WorkerRequest);
    }
  }
}
