/**
 * The scheduler service: drives the TickScheduler on a short real-time loop, re-reading
 * the scheduled bots when a bot changes. Any number of replicas may run.
 */
import type { ServiceSchema } from 'moleculer';
import { ACTION, ACTIONS, SERVICES } from '../../libs/contracts/actions.ts';
import { EVENTS } from '../../libs/contracts/events.ts';
import { STREAMS, tickMessageId, type StreamPayloads } from '../../libs/contracts/streams.ts';
import type { Bus } from '../../libs/bus/bus.ts';
import type { BotRepository } from '../../libs/db/bot.repository.ts';
import type { MarketClockRepository } from '../../libs/db/market-clock.repository.ts';
import type { MarketData } from '../../libs/market/market-data.ts';
import type { Clock } from '../../libs/platform/clock.ts';
import { TickScheduler, DEFAULT_TICK_SCHEDULER_OPTIONS, type TickSchedulerOptions } from '../../libs/trading/tick-scheduler.ts';

export interface SchedulerServiceDeps {
  readonly bus: Bus<StreamPayloads>;
  readonly bots: BotRepository;
  readonly clocks: MarketClockRepository;
  readonly marketData: MarketData;
  readonly clock: Clock;
  /** Real milliseconds between passes. */
  readonly stepMs?: number;
  /** A clock with no heartbeat for this long was stopped: it resumes where it stood. */
  readonly clockStaleAfterMs?: number;
  readonly options?: Partial<TickSchedulerOptions>;
}

export function createSchedulerService(deps: SchedulerServiceDeps): ServiceSchema {
  const stepMs = deps.stepMs ?? 100;
  const staleAfterMs = deps.clockStaleAfterMs ?? 5_000;
  let scheduler: TickScheduler | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  return {
    name: SERVICES.scheduler,
    events: {
      [EVENTS.botChanged]: {
        handler() {
          scheduler?.invalidateBots();
        },
      },
    },
    actions: {
      [ACTION.scheduler.clocks]: {
        visibility: 'public',
        async handler() {
          const clocks = await deps.clocks.list();
          return clocks.map((row) => ({ clockId: row.clockId, virtualTime: new Date(row.heartbeatVirtualTime).toISOString(), speed: row.speed }));
        },
      },
    },
    async started() {
      const broker = this.broker;
      const logger = this.logger;
      scheduler = new TickScheduler(
        {
          marketData: deps.marketData,
          clock: deps.clock,
          scheduledBots: () => deps.bots.scheduled(),
          anchorClock: (clockId, startTime, speed, realNow) => deps.clocks.anchor(clockId, startTime, speed, realNow, staleAfterMs),
          heartbeat: (clockId, virtualTime, realNow) => deps.clocks.heartbeat(clockId, virtualTime, realNow),
          publishTick: (botId, candleTime) => deps.bus.publish(STREAMS.ticks, botId, { botId, candleTime }, tickMessageId(botId, candleTime)),
          dailyReset: async (day) => {
            await broker.call(ACTIONS.bots.dailyReset, { day });
          },
        },
        { ...DEFAULT_TICK_SCHEDULER_OPTIONS, ...deps.options },
      );
      const active = scheduler;
      const pass = async () => {
        try {
          await active.step();
        } catch (error) {
          logger.error({ err: error }, 'scheduler pass failed; retrying next pass');
        }
      };
      const loop = () => {
        running = pass().finally(() => {
          running = undefined;
          if (timer !== undefined) timer = setTimeout(loop, stepMs);
        });
      };
      timer = setTimeout(loop, 0);
    },
    async stopped() {
      const pending = timer;
      timer = undefined;
      if (pending) clearTimeout(pending);
      await running;
    },
  };
}
