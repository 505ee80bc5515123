/**
 * A worker thread that runs backtests (see worker-pool.ts): one job at a time, posting
 * progress while it runs and the report when done. It keeps the last candles it loaded
 * and their indicator series, so the jobs of a sweep share them.
 */
import { parentPort } from 'node:worker_threads';
import { CandleFileError } from '../market/candle-file.ts';
import { BacktestInputError } from './backtest.ts';
import { JobCache, runJob, type BacktestJob } from './backtest-job.ts';
import type { WorkerReply, WorkerRequest } from './worker-pool.ts';

if (!parentPort) throw new Error('backtest-worker.ts runs as a worker thread');
const port = parentPort;
const cache = new JobCache();

/** Progress messages at most this often, so a fast job does not flood its parent. */
const PROGRESS_EVERY_MS = 200;

port.on('message', (request: WorkerRequest) => {
  void handle(request.id, request.job);
});

async function handle(id: number, job: BacktestJob): Promise<void> {
  let lastProgress = 0;
  try {
    const { report } = await runJob(job, cache, (done, total) => {
      const now = performance.now();
      if (now - lastProgress < PROGRESS_EVERY_MS && done < total) return;
      lastProgress = now;
      port.postMessage({ type: 'progress', id, done, total } satisfies WorkerReply);
    });
    port.postMessage({ type: 'result', id, report } satisfies WorkerReply);
  } catch (error) {
    const invalidInput = error instanceof BacktestInputError || error instanceof CandleFileError || error instanceof RangeError;
    port.postMessage({ type: 'error', id, message: error instanceof Error ? error.message : String(error), invalidInput } satisfies WorkerReply);
  }
}
