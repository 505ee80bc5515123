/**
 * Where an accelerated market clock stands, shared by every scheduler replica. A clock
 * that nobody advanced for a while resumes from its last virtual time (it pauses while
 * the platform is down) so a restart skips and repeats no candle.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const MarketClockEntity = defineEntity({
  name: 'MarketClock',
  tableName: 'market_clocks',
  properties: {
    clockId: p.string().length(128).primary(),
    anchorVirtualTime: p.bigint('number'),
    anchorRealTime: p.bigint('number'),
    speed: p.double(),
    /** Virtual time last seen by a running scheduler, and when (real time). */
    heartbeatVirtualTime: p.bigint('number'),
    heartbeatRealTime: p.bigint('number'),
  },
});
