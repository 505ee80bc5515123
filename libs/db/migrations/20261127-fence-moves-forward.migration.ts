/**
 * The per-bot fence as a database rule: `bot_states.sequence` and `last_candle_time` only
 * move forward. The trading code already writes them with a compare-and-set in the same
 * transaction as the decisions and orders they stand for (a redelivered tick or a zombie
 * replica finds the fence moved and writes nothing); this makes a writer that forgot the
 * compare-and-set fail loudly instead of rewinding a bot into deciding candles twice.
 */
import { Migration } from '@mikro-orm/migrations';

export class FenceMovesForwardMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function bot_fence_moves_forward() returns trigger language plpgsql as $$
      begin
        if new.sequence < old.sequence then
          raise exception 'bot % fence: sequence may not move back from % to %', old.bot_id, old.sequence, new.sequence using errcode = 'check_violation';
        end if;
        if old.last_candle_time is not null and (new.last_candle_time is null or new.last_candle_time < old.last_candle_time) then
          raise exception 'bot % fence: last decided candle may not move back from % to %', old.bot_id, old.last_candle_time, new.last_candle_time using errcode = 'check_violation';
        end if;
        return new;
      end
    $$`);
    this.addSql(`create trigger bot_states_fence_moves_forward before update of sequence, last_candle_time on bot_states
      for each row execute function bot_fence_moves_forward()`);
  }
}
