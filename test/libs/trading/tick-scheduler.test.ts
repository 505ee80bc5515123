import t from 'tap';
import { TestClock, type ClockAnchor } from '../../../libs/platform/clock.ts';
import { MarketData } from '../../../libs/market/market-data.ts';
import { TickScheduler, type ScheduledBotRef, type TickSchedulerPorts } from '../../../libs/trading/tick-scheduler.ts';
import { candlesFromCloses } from '../../support/builders.ts';
import { memorySource } from '../../support/builders.ts';

const START = Date.UTC(2026, 0, 1, 23, 50);
const MINUTE = 60_000;

function harness(bots: ScheduledBotRef[]) {
  const clock = new TestClock(1_000_000);
  const source = memorySource('memory', 'ETH/BTC', '1m', candlesFromCloses(Array(100).fill(1), START));
  const ticks: [string, number][] = [];
  const resets: string[] = [];
  const anchors = new Map<string, ClockAnchor>();
  const ports: TickSchedulerPorts = {
    marketData: new MarketData([source]),
    clock,
    scheduledBots: async () => bots,
    anchorClock: async (clockId, startTime, _speed, realNow) => {
      const anchor = anchors.get(clockId) ?? { virtualTime: startTime, realTime: realNow };
      anchors.set(clockId, anchor);
      return anchor;
    },
    heartbeat: async () => undefined,
    publishTick: async (botId, candleTime) => { ticks.push([botId, candleTime]); },
    dailyReset: async (day) => { resets.push(day); },
  };
  return { clock, ports, ticks, resets };
}

const bot = (id: string): ScheduledBotRef => ({ id, marketSource: 'memory', market: 'ETH/BTC', timeframe: '1m' });

t.test('each closed candle is ticked once per bot, on the market clock (60x: one candle per second)', async (t) => {
  const { clock, ports, ticks } = harness([bot('a'), bot('b')]);
  const scheduler = new TickScheduler(ports);
  await scheduler.step();
  t.same(ticks, [['a', START - MINUTE], ['b', START - MINUTE]], 'first pass: the last closed candle');
  await scheduler.step();
  t.equal(ticks.length, 2, 'nothing new until the next candle closes');
  clock.advance(1_000);
  await scheduler.step();
  t.same(ticks.slice(2), [['a', START], ['b', START]]);
});

t.test('a scheduler that fell behind publishes every candle it missed, up to the backfill limit', async (t) => {
  const { clock, ports, ticks } = harness([bot('a')]);
  const scheduler = new TickScheduler(ports, { refreshBotsMs: 0, heartbeatMs: 1_000, maxBackfill: 5 });
  await scheduler.step();
  clock.advance(3_000);
  await scheduler.step();
  t.same(ticks.map(([, time]) => (time - START) / MINUTE), [-1, 0, 1, 2], 'three missed candles, in order');
  clock.advance(20_000);
  await scheduler.step();
  t.same(ticks.slice(4).map(([, time]) => (time - START) / MINUTE), [18, 19, 20, 21, 22], 'older ones are left to the strategy to catch up');
});

t.test('a new UTC day on the market clock triggers the daily reset once', async (t) => {
  const { clock, ports, resets } = harness([bot('a')]);
  const scheduler = new TickScheduler(ports);
  await scheduler.step();
  clock.advance(5 * 60_000 / 60);
  await scheduler.step();
  t.same(resets, []);
  clock.advance(10 * 60_000 / 60);
  await scheduler.step();
  await scheduler.step();
  t.same(resets, ['2026-01-02']);
});

t.test('bots not on a known market are not ticked, and no bots means no ticks', async (t) => {
  const { ports, ticks } = harness([{ id: 'x', marketSource: 'memory', market: 'DOGE/EUR', timeframe: '1m' }, { id: 'y', marketSource: 'nowhere', market: 'ETH/BTC', timeframe: '1m' }]);
  await new TickScheduler(ports).step();
  t.same(ticks, []);
});
