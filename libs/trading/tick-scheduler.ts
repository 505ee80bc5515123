/**
 * The clock of the platform: at every candle close of a market, a tick for each running
 * (or paused) bot on it. Runs on each market's own clock: real time for live markets,
 * accelerated virtual time (shared by all scheduler replicas through an anchor in the
 * database) for the simulated and replayed markets. Stateless between replicas: every
 * replica publishes the same ticks with the same ids and the bus keeps one, so there is
 * no leader to elect and a dying replica loses nothing.
 *
 * Framework-free; the scheduler service supplies the ports.
 */
import { lastClosedCandleOpenTime, timeframeMs, utcDay, type Timeframe } from '../domain/timeframe.ts';
import type { MarketData } from '../market/market-data.ts';
import type { MarketClockSpec } from '../market/market-source.ts';
import { acceleratedClock, type Clock, type ClockAnchor } from '../platform/clock.ts';

export interface ScheduledBotRef {
  readonly id: string;
  readonly marketSource: string;
  readonly market: string;
  readonly timeframe: Timeframe;
}

export interface TickSchedulerPorts {
  readonly marketData: MarketData;
  /** Real time. */
  readonly clock: Clock;
  scheduledBots(): Promise<readonly ScheduledBotRef[]>;
  anchorClock(clockId: string, startTime: number, speed: number, realNow: number): Promise<ClockAnchor>;
  heartbeat(clockId: string, virtualTime: number, realNow: number): Promise<void>;
  publishTick(botId: string, candleTime: number): Promise<void>;
  /** A new UTC day began on a market clock. */
  dailyReset(day: string): Promise<void>;
}

export interface TickSchedulerOptions {
  /** How often the list of scheduled bots is re-read (bot changes also invalidate it). */
  readonly refreshBotsMs: number;
  /** How often accelerated clocks record where they stand. */
  readonly heartbeatMs: number;
  /** Closed candles published per market in one step when the scheduler fell behind; older ones are caught up by the strategy. */
  readonly maxBackfill: number;
}

export const DEFAULT_TICK_SCHEDULER_OPTIONS: TickSchedulerOptions = { refreshBotsMs: 1_000, heartbeatMs: 1_000, maxBackfill: 5 };

interface MarketClock {
  readonly id: string;
  readonly clock: Clock;
  readonly accelerated: boolean;
  /** Real time the anchor was read; re-read now and then in case another replica re-anchored. */
  readonly anchoredAt: number;
}

/** How long a replica trusts an anchor it read before reading it again. */
const ANCHOR_REFRESH_MS = 10_000;

/** The id of the clock a market runs on: markets whose accelerated clocks start together share one. */
export function clockIdOf(sourceId: string, spec: MarketClockSpec): string {
  return spec.kind === 'wall' ? 'wall' : `${sourceId}@${spec.startTime}x${spec.speed}${spec.endTime === undefined ? '' : `-${spec.endTime}`}`;
}

export class TickScheduler {
  readonly #ports: TickSchedulerPorts;
  readonly #options: TickSchedulerOptions;
  #bots: readonly ScheduledBotRef[] = [];
  #botsReadAt = Number.NEGATIVE_INFINITY;
  readonly #clocks = new Map<string, MarketClock>();
  readonly #lastPublished = new Map<string, number>();
  readonly #lastDay = new Map<string, string>();
  readonly #lastHeartbeat = new Map<string, number>();
  /** Ticks published since start (for tests and metrics). */
  published = 0;

  constructor(ports: TickSchedulerPorts, options: TickSchedulerOptions = DEFAULT_TICK_SCHEDULER_OPTIONS) {
    this.#ports = ports;
    this.#options = options;
  }

  /** Forces the next step to re-read the scheduled bots (a bot was started or stopped). */
  invalidateBots(): void {
    this.#botsReadAt = Number.NEGATIVE_INFINITY;
  }

  async #clockFor(sourceId: string, spec: MarketClockSpec): Promise<MarketClock> {
    const id = clockIdOf(sourceId, spec);
    const realNow = this.#ports.clock.now();
    const known = this.#clocks.get(id);
    if (known && (!known.accelerated || realNow - known.anchoredAt < ANCHOR_REFRESH_MS)) return known;
    let marketClock: MarketClock;
    if (spec.kind === 'wall') {
      marketClock = { id, clock: this.#ports.clock, accelerated: false, anchoredAt: realNow };
    } else {
      const anchor = await this.#ports.anchorClock(id, spec.startTime, spec.speed, realNow);
      marketClock = { id, clock: acceleratedClock(anchor, spec.speed, this.#ports.clock, spec.endTime), accelerated: true, anchoredAt: realNow };
    }
    this.#clocks.set(id, marketClock);
    return marketClock;
  }

  /** One pass: publishes every tick that came due since the last pass. Returns ticks published. */
  async step(): Promise<number> {
    const realNow = this.#ports.clock.now();
    if (realNow - this.#botsReadAt >= this.#options.refreshBotsMs) {
      this.#bots = await this.#ports.scheduledBots();
      this.#botsReadAt = realNow;
    }
    const groups = new Map<string, { bot: ScheduledBotRef; botIds: string[] }>();
    for (const bot of this.#bots) {
      const key = `${bot.marketSource}|${bot.market}|${bot.timeframe}`;
      const group = groups.get(key);
      if (group) group.botIds.push(bot.id);
      else groups.set(key, { bot, botIds: [bot.id] });
    }
    let published = 0;
    const clocksSeen = new Map<string, MarketClock>();
    for (const [key, { bot, botIds }] of groups) {
      const source = this.#ports.marketData.source(bot.marketSource);
      if (!source || !source.hasMarket(bot.market)) continue;
      const marketClock = await this.#clockFor(source.id, source.clock(bot.market));
      clocksSeen.set(marketClock.id, marketClock);
      const latest = lastClosedCandleOpenTime(marketClock.clock.now(), bot.timeframe);
      const due = this.#dueCandles(key, latest, bot.timeframe);
      for (const candleTime of due) {
        await Promise.all(botIds.map((botId) => this.#ports.publishTick(botId, candleTime)));
        published += botIds.length;
      }
    }
    for (const marketClock of clocksSeen.values()) await this.#keepTime(marketClock, realNow);
    this.published += published;
    return published;
  }

  #dueCandles(key: string, latest: number, timeframe: Timeframe): number[] {
    const last = this.#lastPublished.get(key);
    if (last !== undefined && latest <= last) return [];
    this.#lastPublished.set(key, latest);
    if (last === undefined) return [latest];
    const step = timeframeMs(timeframe);
    const first = Math.max(last + step, latest - (this.#options.maxBackfill - 1) * step);
    const due: number[] = [];
    for (let time = first; time <= latest; time += step) due.push(time);
    return due;
  }

  /** Daily reset when the clock enters a new UTC day, and heartbeats of accelerated clocks. */
  async #keepTime(marketClock: MarketClock, realNow: number): Promise<void> {
    const virtualNow = marketClock.clock.now();
    const day = utcDay(virtualNow);
    const previousDay = this.#lastDay.get(marketClock.id);
    this.#lastDay.set(marketClock.id, day);
    if (previousDay !== undefined && day > previousDay) await this.#ports.dailyReset(day);
    if (!marketClock.accelerated) return;
    const lastBeat = this.#lastHeartbeat.get(marketClock.id) ?? Number.NEGATIVE_INFINITY;
    if (realNow - lastBeat >= this.#options.heartbeatMs) {
      this.#lastHeartbeat.set(marketClock.id, realNow);
      await this.#ports.heartbeat(marketClock.id, virtualNow, realNow);
    }
  }
}
