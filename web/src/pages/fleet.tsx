/**
 * The fleet: every bot of the user with state, market, strategy, position, profit and last
 * decision; filters, sorting, and start / pause / stop of one bot or of all selected.
 * Refreshed live.
 */
import { useMemo, useState } from 'react';
import { api, ApiError } from '../api.ts';
import { ago, amount, profitClass, signed } from '../format.ts';
import { Link, navigate } from '../router.tsx';
import type { BotStatus, FleetBot } from '../types.ts';
import { compareValues, Empty, Show, SortHeader, StatusBadge, useNow, useResource } from '../components/ui.tsx';

export type BotCommand = 'start' | 'pause' | 'stop';

/** Which commands a bot in `status` accepts (the API answers 409 to the others). */
export function commandsFor(status: BotStatus): BotCommand[] {
  switch (status) {
    case 'running':
      return ['pause', 'stop'];
    case 'paused':
      return ['start', 'stop'];
    case 'created':
    case 'stopped':
    case 'error':
      return ['start'];
  }
}

export const COMMAND_LABELS: Record<BotCommand, string> = { start: 'Start', pause: 'Pause', stop: 'Stop' };

type SortKey = 'name' | 'status' | 'market' | 'strategy' | 'position' | 'realized' | 'unrealized' | 'total' | 'decision';

const sortValue: Record<SortKey, (bot: FleetBot) => unknown> = {
  name: (bot) => bot.name.toLowerCase(),
  status: (bot) => bot.status,
  market: (bot) => bot.market,
  strategy: (bot) => bot.strategy.name,
  position: (bot) => bot.position?.quantity ?? null,
  realized: (bot) => bot.position?.realizedProfit ?? null,
  unrealized: (bot) => bot.position?.unrealizedProfit ?? null,
  total: (bot) => bot.totalProfit,
  decision: (bot) => (bot.lastDecision ? Date.parse(bot.lastDecision.recordedAt) : null),
};

const STATUSES: BotStatus[] = ['running', 'paused', 'created', 'stopped', 'error'];

export function FleetPage() {
  const fleet = useResource(() => api<{ items: FleetBot[] }>('GET', '/fleet'), [], () => true);
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<'' | BotStatus>('');
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'name', descending: false });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  const now = useNow();

  const bots = useMemo(() => {
    const text = search.trim().toLowerCase();
    const shown = (fleet.data?.items ?? []).filter(
      (bot) => (!status || bot.status === status) && (!text || [bot.name, bot.market, bot.strategy.name, bot.marketSource].some((value) => value.toLowerCase().includes(text))),
    );
    const direction = sort.descending ? -1 : 1;
    return shown.sort((a, b) => direction * compareValues(sortValue[sort.key](a), sortValue[sort.key](b)) || a.name.localeCompare(b.name));
  }, [fleet.data, search, status, sort]);

  const selectedBots = bots.filter((bot) => selected.has(bot.id));

  async function run(command: BotCommand, targets: FleetBot[]) {
    setBusy(true);
    setNotice(undefined);
    const eligible = targets.filter((bot) => commandsFor(bot.status).includes(command));
    const results = await Promise.allSettled(eligible.map((bot) => api('POST', `/bots/${bot.id}/${command}`)));
    const failures = results.flatMap((result, index) => (result.status === 'rejected' ? [`${eligible[index]!.name}: ${(result.reason as ApiError).message}`] : []));
    const skipped = targets.length - eligible.length;
    setNotice(
      [
        `${COMMAND_LABELS[command]}: ${eligible.length - failures.length} of ${targets.length} bot${targets.length === 1 ? '' : 's'} done`,
        skipped > 0 ? `${skipped} already ${command === 'start' ? 'running' : command === 'pause' ? 'paused or not running' : 'stopped'}` : '',
        ...failures,
      ]
        .filter(Boolean)
        .join('. '),
    );
    setBusy(false);
    fleet.reload();
  }

  const toggle = (id: string) => setSelected((previous) => {
    const next = new Set(previous);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });
  const allShownSelected = bots.length > 0 && bots.every((bot) => selected.has(bot.id));

  return (
    <section aria-labelledby="fleet-title">
      <div className="page-head">
        <h1 id="fleet-title">Your fleet</h1>
        <button type="button" onClick={() => navigate('/bots/new')}>
          New bot
        </button>
      </div>
      <Show resource={fleet} what="your bots">
        {(data) =>
          data.items.length === 0 ? (
            <Empty title="No bots yet.">
              A bot trades one market with one strategy. <Link to="/bots/new">Create your first bot</Link> — paper trading needs no exchange account.
            </Empty>
          ) : (
            <>
              <FleetSummary bots={data.items} />
              <div className="toolbar">
                <input type="search" placeholder="Search name, market, strategy" aria-label="Search bots" value={search} onChange={(event) => setSearch(event.target.value)} />
                <select aria-label="Filter by status" value={status} onChange={(event) => setStatus(event.target.value as '' | BotStatus)}>
                  <option value="">All states</option>
                  {STATUSES.map((value) => (
                    <option key={value} value={value}>
                      {value} ({data.items.filter((bot) => bot.status === value).length})
                    </option>
                  ))}
                </select>
                <div className="bulk" aria-label="Selected bots">
                  <span className="muted">{selectedBots.length} selected</span>
                  {(['start', 'pause', 'stop'] as const).map((command) => (
                    <button key={command} type="button" className="secondary small" disabled={busy || selectedBots.length === 0} onClick={() => run(command, selectedBots)}>
                      {COMMAND_LABELS[command]} selected
                    </button>
                  ))}
                </div>
              </div>
              {notice ? (
                <div className="state info" role="status">
                  {notice}
                </div>
              ) : null}
              {bots.length === 0 ? (
                <Empty title="No bot matches these filters." />
              ) : (
                <table className="fleet responsive">
                  <thead>
                    <tr>
                      <th className="check">
                        <input
                          type="checkbox"
                          aria-label="Select every bot shown"
                          checked={allShownSelected}
                          onChange={() => setSelected(allShownSelected ? new Set() : new Set(bots.map((bot) => bot.id)))}
                        />
                      </th>
                      <SortHeader label="Bot" sortKey="name" sort={sort} onSort={setSort} />
                      <SortHeader label="State" sortKey="status" sort={sort} onSort={setSort} />
                      <SortHeader label="Market" sortKey="market" sort={sort} onSort={setSort} />
                      <SortHeader label="Strategy" sortKey="strategy" sort={sort} onSort={setSort} />
                      <SortHeader label="Position" sortKey="position" sort={sort} onSort={setSort} className="number" />
                      <SortHeader label="Realized" sortKey="realized" sort={sort} onSort={setSort} className="number" />
                      <SortHeader label="Unrealized" sortKey="unrealized" sort={sort} onSort={setSort} className="number" />
                      <SortHeader label="Total profit" sortKey="total" sort={sort} onSort={setSort} className="number" />
                      <SortHeader label="Last decision" sortKey="decision" sort={sort} onSort={setSort} />
                      <th>Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {bots.map((bot) => (
                      <tr key={bot.id} data-bot-id={bot.id} data-status={bot.status}>
                        <td className="check">
                          <input type="checkbox" aria-label={`Select ${bot.name}`} checked={selected.has(bot.id)} onChange={() => toggle(bot.id)} />
                        </td>
                        <td data-label="Bot">
                          <Link to={`/bots/${bot.id}`} className="bot-name">
                            {bot.name}
                          </Link>
                        </td>
                        <td data-label="State">
                          <StatusBadge status={bot.status} />
                          {bot.statusReason ? <div className="reason" title={bot.statusReason}>{bot.statusReason}</div> : null}
                        </td>
                        <td data-label="Market">
                          {bot.market} <span className="muted">{bot.timeframe} · {bot.exchangeAccountId ? 'exchange' : 'paper'} · {bot.marketSource}</span>
                        </td>
                        <td data-label="Strategy">
                          {bot.strategy.name} <span className="muted">{Object.values(bot.strategy.params).join('/')}</span>
                        </td>
                        <td data-label="Position" className="number">{amount(bot.position?.quantity ?? '0')}</td>
                        <td data-label="Realized" className={`number ${profitClass(bot.position?.realizedProfit)}`}>{signed(bot.position?.realizedProfit ?? '0')}</td>
                        <td data-label="Unrealized" className={`number ${profitClass(bot.position?.unrealizedProfit)}`}>{signed(bot.position?.unrealizedProfit ?? '0')}</td>
                        <td data-label="Total profit" className={`number ${profitClass(bot.totalProfit)}`}>{signed(bot.totalProfit)}</td>
                        <td data-label="Last decision" className="last-decision">
                          {bot.lastDecision ? (
                            <>
                              <span className={`signal signal-${bot.lastDecision.signal}`}>{bot.lastDecision.signal}</span> <span className={`outcome outcome-${bot.lastDecision.outcome}`}>{bot.lastDecision.outcome}</span>{' '}
                              <span className="muted" title={bot.lastDecision.reason}>{ago(bot.lastDecision.recordedAt, now)}</span>
                            </>
                          ) : (
                            <span className="muted">none yet</span>
                          )}
                        </td>
                        <td data-label="Actions" className="actions">
                          {commandsFor(bot.status).map((command) => (
                            <button key={command} type="button" className="secondary small" disabled={busy} onClick={() => run(command, [bot])} aria-label={`${COMMAND_LABELS[command]} ${bot.name}`}>
                              {COMMAND_LABELS[command]}
                            </button>
                          ))}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )
        }
      </Show>
    </section>
  );
}

function FleetSummary({ bots }: { bots: FleetBot[] }) {
  const running = bots.filter((bot) => bot.status === 'running').length;
  // Totals per quote currency: adding BTC profit to USDT profit would mean nothing.
  const byQuote = new Map<string, number>();
  for (const bot of bots) {
    const quote = bot.market.split('/')[1] ?? '';
    byQuote.set(quote, (byQuote.get(quote) ?? 0) + Number(bot.totalProfit ?? 0));
  }
  return (
    <div className="stats">
      <div>
        <span className="label">Bots</span>
        <span className="value">{bots.length}</span>
      </div>
      <div>
        <span className="label">Running</span>
        <span className="value">{running}</span>
      </div>
      {[...byQuote].map(([quote, total]) => (
        <div key={quote}>
          <span className="label">Profit in {quote}</span>
          <span className={`value ${profitClass(total)}`}>{signed(total)}</span>
        </div>
      ))}
    </div>
  );
}
