/**
 * Runs the queue of API backtests on a worker pool: claims queued runs from the database
 * while a thread is free, heartbeats their progress, and records the report or the
 * failure. Any number of replicas may run one; the database hands each run to one of
 * them, and a run whose replica died (no heartbeat) is claimed again, a few times at most.
 *
 * Framework-free; the strategy service supplies the ports.
 */
import type { ClaimedBacktest } from '../db/backtest.repository.ts';
import type { Clock } from '../platform/clock.ts';
import type { BacktestJob } from './backtest-job.ts';
import type { BacktestReport } from './report.ts';
import type { BacktestWorkerPool } from './worker-pool.ts';

export interface BacktestRunnerPorts {
  claimNext(now: Date, staleBefore: Date): Promise<ClaimedBacktest | undefined>;
  heartbeat(id: string, progress: number, now: Date): Promise<boolean>;
  complete(id: string, report: BacktestReport, now: Date): Promise<void>;
  fail(id: string, error: string, now: Date): Promise<void>;
  /** The job of a stored request; throws when it can no longer run (its data is gone). */
  jobFor(request: Record<string, unknown>): BacktestJob;
  readonly clock: Clock;
  readonly logger: { info(context: object, message: string): void; warn(context: object, message: string): void; error(context: object, message: string): void };
}

export interface BacktestRunnerOptions {
  /** How often the queue is looked at when nothing announced new work. */
  readonly pollMs: number;
  /** How often a running backtest records its progress and that it lives. */
  readonly heartbeatMs: number;
  /** A run with no heartbeat for this long is taken to be dead and claimed again. */
  readonly staleAfterMs: number;
  /** Starts of one run before it is given up. */
  readonly maxAttempts: number;
}

export const DEFAULT_BACKTEST_RUNNER_OPTIONS: BacktestRunnerOptions = { pollMs: 1_000, heartbeatMs: 1_000, staleAfterMs: 30_000, maxAttempts: 3 };

export class BacktestRunner {
  readonly #ports: BacktestRunnerPorts;
  readonly #pool: BacktestWorkerPool;
  readonly #options: BacktestRunnerOptions;
  #active = 0;
  #filling: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  readonly #running = new Set<Promise<void>>();

  constructor(ports: BacktestRunnerPorts, pool: BacktestWorkerPool, options: BacktestRunnerOptions = DEFAULT_BACKTEST_RUNNER_OPTIONS) {
    this.#ports = ports;
    this.#pool = pool;
    this.#options = options;
  }

  start(): void {
    this.#stopped = false;
    this.#timer = setInterval(() => this.kick(), this.#options.pollMs);
    this.#timer.unref();
    this.kick();
  }

  /** Looks for work now (a backtest was just queued). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#filling) {
      this.#again = true;
      return;
    }
    this.#filling = this.#fill().finally(() => {
      this.#filling = undefined;
      if (this.#again) {
        this.#again = false;
        this.kick();
      }
    });
  }

  /**
   * Stops claiming and stops the pool. Runs in progress are left as they are in the
   * database: their heartbeat stops, so a live replica claims them again.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#filling;
    await this.#pool.close();
    await Promise.allSettled([...this.#running]);
  }

  async #fill(): Promise<void> {
    try {
      while (!this.#stopped && this.#active < this.#pool.size) {
        const now = this.#ports.clock.now();
        const claimed = await this.#ports.claimNext(new Date(now), new Date(now - this.#options.staleAfterMs));
        if (!claimed) return;
        this.#active += 1;
        const running = this.#run(claimed).finally(() => {
          this.#active -= 1;
          this.#running.delete(running);
          this.kick();
        });
        this.#running.add(running);
      }
    } catch (error) {
      this.#ports.logger.error({ err: error }, 'could not claim a backtest; trying again later');
    }
  }

  async #run(claimed: ClaimedBacktest): Promise<void> {
    const { id } = claimed;
    const now = () => new Date(this.#ports.clock.now());
    if (claimed.attempts > this.#options.maxAttempts) {
      await this.#settle(() => this.#ports.fail(id, `given up: its worker stopped ${claimed.attempts - 1} times before finishing`, now()));
      return;
    }
    let job: BacktestJob;
    try {
      job = this.#ports.jobFor(claimed.request);
    } catch (error) {
      await this.#settle(() => this.#ports.fail(id, error instanceof Error ? error.message : String(error), now()));
      return;
    }
    let progress = 0;
    const heartbeat = setInterval(() => {
      this.#ports.heartbeat(id, progress, now()).catch((error: unknown) => this.#ports.logger.warn({ err: error, backtestId: id }, 'backtest heartbeat failed'));
    }, this.#options.heartbeatMs);
    heartbeat.unref();
    this.#ports.logger.info({ backtestId: id, userId: claimed.userId, strategy: job.strategy, attempt: claimed.attempts }, 'backtest started');
    try {
      const report = await this.#pool.run(job, (done, total) => {
        progress = done / total;
      });
      await this.#settle(() => this.#ports.complete(id, report, now()));
      this.#ports.logger.info({ backtestId: id, candles: report.metrics.candles, trades: report.metrics.trades }, 'backtest completed');
    } catch (error) {
      // A stopping replica leaves its runs to be claimed again rather than failing them.
      if (this.#stopped) return;
      const message = error instanceof Error ? error.message : String(error);
      this.#ports.logger.warn({ backtestId: id, reason: message }, 'backtest failed');
      await this.#settle(() => this.#ports.fail(id, message, now()));
    } finally {
      clearInterval(heartbeat);
    }
  }

  async #settle(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.#ports.logger.error({ err: error }, 'could not record the outcome of a backtest; it will be claimed again');
    }
  }
}
