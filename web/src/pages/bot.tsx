/**
 * One bot: its state and controls, the chart of its market with the strategy's indicators
 * and every entry and exit, its equity curve, position and profit, and its decision log
 * (indicator values and denial reasons), orders and trades. Refreshed live.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { api } from '../api.ts';
import { LineChart, PriceChart } from '../components/chart.tsx';
import { Empty, ErrorNotice, Show, StatusBadge, useNow, useResource } from '../components/ui.tsx';
import { ago, amount, profitClass, signed, utcTime } from '../format.ts';
import { subscribeLive, type LiveEvent } from '../live.ts';
import { humanLabel } from '../schema-values.ts';
import { navigate } from '../router.tsx';
import type { Bot, ChartData, Decision, Order, Page, Position, Trade } from '../types.ts';
import { COMMAND_LABELS, commandsFor, type BotCommand } from './fleet.tsx';

const CHART_SIZES = [100, 300, 1000] as const;
/** The chart is the heaviest read: redrawn at most every 2 s however fast candles close. */
const CHART_REFRESH_MS = 2_000;

export function BotPage({ botId }: { botId: string }) {
  const concerns = (event: LiveEvent) => event.name === 'poll' || event.botId === botId;
  const bot = useResource(() => api<Bot>('GET', `/bots/${botId}`), [botId], concerns);
  const [commandError, setCommandError] = useState<Error | undefined>();
  const protection = useProtectionNotice(botId);
  const [busy, setBusy] = useState(false);

  async function command(name: BotCommand | 'delete') {
    setBusy(true);
    setCommandError(undefined);
    try {
      if (name === 'delete') {
        if (!window.confirm('Delete this bot? Its history is kept for audit but it leaves your fleet.')) return;
        await api('DELETE', `/bots/${botId}`);
        navigate('/');
        return;
      }
      await api('POST', `/bots/${botId}/${name}`);
      bot.reload();
    } catch (error) {
      setCommandError(error as Error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Show resource={bot} what="the bot">
      {(data) => (
        <section aria-labelledby="bot-title" data-bot-id={data.id}>
          <div className="page-head">
            <div>
              <h1 id="bot-title">
                {data.name} <StatusBadge status={data.status} />
              </h1>
              <p className="muted">
                {data.market} · {data.timeframe} · {data.marketSource} · {data.exchangeAccountId ? 'exchange account' : 'paper'} · {data.strategy.name}{' '}
                {Object.entries(data.strategy.params).map(([key, value]) => `${key} ${value}`).join(', ')}
              </p>
              {data.statusReason ? <p className="state error">{data.statusReason}</p> : null}
            </div>
            <div className="actions">
              {commandsFor(data.status).map((name) => (
                <button key={name} type="button" disabled={busy} onClick={() => command(name)} className={name === 'stop' ? 'danger' : ''}>
                  {COMMAND_LABELS[name]}
                </button>
              ))}
              <button type="button" className="secondary" onClick={() => navigate(`/bots/${botId}/edit`)}>
                Edit configuration
              </button>
              {data.status !== 'running' && data.status !== 'paused' ? (
                <button type="button" className="secondary danger" disabled={busy} onClick={() => command('delete')}>
                  Delete
                </button>
              ) : null}
            </div>
          </div>
          {commandError ? <ErrorNotice error={commandError} /> : null}
          {protection ? (
            <div className="state info" role="status">
              Entries paused by {protection.protection}
              {protection.until ? ` until ${utcTime(protection.until)}` : ''}: {protection.reason}
            </div>
          ) : null}
          <PositionPanel botId={botId} concerns={concerns} />
          <ChartPanel botId={botId} concerns={concerns} />
          <History botId={botId} concerns={concerns} />
          <details className="card">
            <summary>Risk settings</summary>
            <dl className="pairs">
              {settingRows(data.risk as unknown as Record<string, unknown>).map(([name, value]) => (
                <div key={name} className="pair">
                  <dt>{name}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
              <div className="pair">
                <dt>Starting balance</dt>
                <dd>{data.quoteBalance}</dd>
              </div>
            </dl>
          </details>
        </section>
      )}
    </Show>
  );
}

/** Every risk setting the bot has, nested ones flattened ("Protections · cooldown minutes"); null reads "off". */
function settingRows(settings: Record<string, unknown>, prefix = ''): [string, string][] {
  return Object.entries(settings).flatMap(([name, value]): [string, string][] => {
    const label = prefix ? `${prefix} · ${humanLabel(name).toLowerCase()}` : humanLabel(name);
    if (value !== null && typeof value === 'object') return settingRows(value as Record<string, unknown>, label);
    return [[label, value === null || value === undefined ? 'off' : String(value)]];
  });
}

/** The latest protection that paused this bot's entries, as the event stream announced it. */
function useProtectionNotice(botId: string) {
  const [notice, setNotice] = useState<{ protection: string; until?: string; reason: string } | undefined>();
  useEffect(() => {
    setNotice(undefined);
    return subscribeLive((event) => {
      if (event.name !== 'bot.protection' || event.botId !== botId) return;
      const { protection, until, reason } = event.data as { protection?: string; until?: string; reason?: string };
      setNotice({ protection: protection ?? 'a protection', ...(until ? { until } : {}), reason: reason ?? '' });
    });
  }, [botId]);
  // A pause that has ended says nothing any more.
  if (notice?.until && Date.parse(notice.until) < Date.now()) return undefined;
  return notice;
}

function PositionPanel({ botId, concerns }: { botId: string; concerns: (event: LiveEvent) => boolean }) {
  const position = useResource(() => api<Position>('GET', `/bots/${botId}/position`), [botId], concerns);
  return (
    <Show resource={position} what="the position">
      {(data) => (
        <div className="stats" aria-label="Position and profit">
          <div>
            <span className="label">Position</span>
            <span className="value">{amount(data.quantity)}</span>
            <span className="muted">avg entry {amount(data.averageEntryPrice)}</span>
          </div>
          <div>
            <span className="label">Last price</span>
            <span className="value">{amount(data.lastPrice)}</span>
          </div>
          <div>
            <span className="label">Realized</span>
            <span className={`value ${profitClass(data.realizedProfit)}`}>{signed(data.realizedProfit)}</span>
          </div>
          <div>
            <span className="label">Unrealized</span>
            <span className={`value ${profitClass(data.unrealizedProfit)}`}>{signed(data.unrealizedProfit)}</span>
          </div>
          <div>
            <span className="label">Equity</span>
            <span className="value">{amount(data.equity)}</span>
            <span className={`muted ${profitClass(data.totalProfit)}`}>{signed(data.totalProfit)} total</span>
          </div>
          <div>
            <span className="label">Today</span>
            <span className="value">{data.tradesToday} trades</span>
            <span className={`muted ${profitClass(data.realizedProfitToday)}`}>{signed(data.realizedProfitToday)}</span>
          </div>
        </div>
      )}
    </Show>
  );
}

function ChartPanel({ botId, concerns }: { botId: string; concerns: (event: LiveEvent) => boolean }) {
  const [size, setSize] = useState<number>(300);
  // A new candle or a fill changes the chart; order and state changes do not.
  const chart = useResource(() => api<ChartData>('GET', `/bots/${botId}/chart?candles=${size}`), [botId, size], (event) => concerns(event) && event.name !== 'bot.order' && event.name !== 'bot.changed', CHART_REFRESH_MS);
  return (
    <div className="card">
      <div className="card-head">
        <h2>Chart</h2>
        <div className="segmented" role="group" aria-label="Candles shown">
          {CHART_SIZES.map((option) => (
            <button key={option} type="button" className={option === size ? 'active' : ''} aria-pressed={option === size} onClick={() => setSize(option)}>
              {option}
            </button>
          ))}
        </div>
      </div>
      <Show resource={chart} what="the chart">
        {(data) =>
          data.candles.length === 0 ? (
            <Empty title="No candles yet.">The chart fills in once the bot has decided its first candle: start it and it appears within seconds.</Empty>
          ) : (
            <>
              <PriceChart data={data} label={`${data.market} price with indicators, entries and exits`} />
              <LineChart series={[{ name: 'equity', points: data.equity }]} height={160} label="Equity (quote currency, marked to each close)" />
            </>
          )
        }
      </Show>
    </div>
  );
}

type Tab = 'decisions' | 'orders' | 'trades';

function History({ botId, concerns }: { botId: string; concerns: (event: LiveEvent) => boolean }) {
  const [tab, setTab] = useState<Tab>('decisions');
  return (
    <div className="card">
      <div className="tabs" role="tablist">
        {(['decisions', 'orders', 'trades'] as const).map((name) => (
          <button key={name} type="button" role="tab" aria-selected={tab === name} className={tab === name ? 'active' : ''} onClick={() => setTab(name)}>
            {name[0]!.toUpperCase() + name.slice(1)}
          </button>
        ))}
      </div>
      {tab === 'decisions' ? <DecisionLog botId={botId} concerns={concerns} /> : tab === 'orders' ? <OrderList botId={botId} concerns={concerns} /> : <TradeList botId={botId} concerns={concerns} />}
    </div>
  );
}

/** Newest page live, older pages on demand. */
function usePaged<T>(botId: string, kind: Tab, concerns: (event: LiveEvent) => boolean) {
  const newest = useResource(() => api<Page<T>>('GET', `/bots/${botId}/${kind}?limit=50`), [botId, kind], concerns);
  const [older, setOlder] = useState<{ items: T[]; cursor: string | null } | undefined>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<Error | undefined>();
  const cursor = older ? older.cursor : (newest.data?.nextCursor ?? null);
  async function more() {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const page = await api<Page<T>>('GET', `/bots/${botId}/${kind}?limit=100&cursor=${encodeURIComponent(cursor)}`);
      setOlder({ items: [...(older?.items ?? []), ...page.items], cursor: page.nextCursor });
    } catch (error) {
      setMoreError(error as Error);
    } finally {
      setLoadingMore(false);
    }
  }
  return { newest, older: older?.items ?? [], hasMore: cursor !== null, more, loadingMore, moreError };
}

function MoreButton({ paged }: { paged: { hasMore: boolean; more: () => void; loadingMore: boolean; moreError: Error | undefined } }) {
  return (
    <>
      {paged.moreError ? <ErrorNotice error={paged.moreError} /> : null}
      {paged.hasMore ? (
        <button type="button" className="secondary" disabled={paged.loadingMore} onClick={paged.more}>
          {paged.loadingMore ? 'Loading…' : 'Older'}
        </button>
      ) : null}
    </>
  );
}

function IndicatorValues({ values }: { values: Record<string, number | null> }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <span className="indicators">
      {entries.map(([name, value]) => (
        <span key={name}>
          {name} <b>{value === null ? 'warming up' : amount(value, 6)}</b>
        </span>
      ))}
    </span>
  );
}

interface Column<T> {
  readonly label: string;
  readonly number?: boolean;
  readonly cell: (row: T) => ReactNode;
  readonly className?: (row: T) => string;
}

/** A history list: newest page live, older pages on demand, its empty state, and a table that turns into cards on a phone. */
function HistoryTable<T>(props: {
  paged: ReturnType<typeof usePaged<T>>;
  what: string;
  label: string;
  empty: { title: string; text?: string };
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  rowData?: (row: T) => Record<string, string>;
  filter?: { label: string; keep: (row: T) => boolean };
}) {
  const [filtered, setFiltered] = useState(false);
  const { paged, filter } = props;
  return (
    <Show resource={paged.newest} what={props.what}>
      {(page) => {
        // Older pages were read before newer rows pushed the newest page down: a row may be in both.
        const keys = new Set<string>();
        const all = [...page.items, ...paged.older].filter((row) => !keys.has(props.rowKey(row)) && keys.add(props.rowKey(row)));
        if (all.length === 0) return <Empty title={props.empty.title}>{props.empty.text}</Empty>;
        const rows = filter && filtered ? all.filter(filter.keep) : all;
        return (
          <>
            {filter ? (
              <label className="checkbox">
                <input type="checkbox" checked={filtered} onChange={(event) => setFiltered(event.target.checked)} /> {filter.label}
              </label>
            ) : null}
            <table className="responsive" aria-label={props.label}>
              <thead>
                <tr>
                  {props.columns.map((column) => (
                    <th key={column.label} className={column.number ? 'number' : undefined}>
                      {column.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={props.rowKey(row)} {...Object.fromEntries(Object.entries(props.rowData?.(row) ?? {}).map(([key, value]) => [`data-${key}`, value]))}>
                    {props.columns.map((column) => (
                      <td key={column.label} data-label={column.label} className={[column.number ? 'number' : '', column.className?.(row) ?? ''].join(' ').trim() || undefined}>
                        {column.cell(row)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            <MoreButton paged={paged} />
          </>
        );
      }}
    </Show>
  );
}

const signalCell = (signal: string) => <span className={`signal signal-${signal}`}>{signal}</span>;

function DecisionLog({ botId, concerns }: { botId: string; concerns: (event: LiveEvent) => boolean }) {
  const paged = usePaged<Decision>(botId, 'decisions', (event) => concerns(event) && (event.name === 'poll' || event.name === 'bot.decision'));
  const now = useNow(5_000);
  return (
    <HistoryTable
      paged={paged}
      what="decisions"
      label="Decision log"
      empty={{ title: 'No decisions yet.', text: 'A running bot decides on every closed candle; each decision shows here with the indicator values behind it.' }}
      filter={{ label: 'Only buys, sells and denials', keep: (decision) => decision.signal !== 'hold' || decision.outcome !== 'hold' }}
      rowKey={(decision) => decision.candleTime}
      rowData={(decision) => ({ outcome: decision.outcome, signal: decision.signal })}
      columns={[
        { label: 'Candle', cell: (decision) => <>{utcTime(decision.candleTime)} <span className="muted">{ago(decision.recordedAt, now)}</span></> },
        { label: 'Signal', cell: (decision) => signalCell(decision.signal) },
        { label: 'Outcome', cell: (decision) => <span className={`outcome outcome-${decision.outcome}`}>{decision.outcome}</span> },
        { label: 'Price', number: true, cell: (decision) => amount(decision.price) },
        { label: 'Indicators', cell: (decision) => <IndicatorValues values={decision.indicators} /> },
        { label: 'Reason', cell: (decision) => decision.reason, className: (decision) => (decision.outcome === 'denied' ? 'denial' : '') },
      ]}
    />
  );
}

function OrderList({ botId, concerns }: { botId: string; concerns: (event: LiveEvent) => boolean }) {
  const paged = usePaged<Order>(botId, 'orders', concerns);
  return (
    <HistoryTable
      paged={paged}
      what="orders"
      label="Orders"
      empty={{ title: 'No orders yet.', text: 'An order is placed when a decision to buy or sell passes the risk checks.' }}
      rowKey={(order) => order.id}
      columns={[
        { label: 'Candle', cell: (order) => utcTime(order.candleTime) },
        { label: 'Side', cell: (order) => signalCell(order.side) },
        { label: 'Status', cell: (order) => <>{order.status}{order.statusReason ? <div className="reason">{order.statusReason}</div> : null}</> },
        { label: 'Quantity', number: true, cell: (order) => `${amount(order.filledQuantity)} / ${amount(order.quantity)}` },
        { label: 'Filled at', number: true, cell: (order) => amount(order.averageFillPrice) },
        { label: 'Fee', number: true, cell: (order) => `${amount(order.fee)} ${order.feeCurrency ?? ''}` },
        { label: 'Why', cell: (order) => order.reason },
      ]}
    />
  );
}

function TradeList({ botId, concerns }: { botId: string; concerns: (event: LiveEvent) => boolean }) {
  const paged = usePaged<Trade>(botId, 'trades', (event) => concerns(event) && (event.name === 'poll' || event.name === 'bot.fill'));
  return (
    <HistoryTable
      paged={paged}
      what="trades"
      label="Trades"
      empty={{ title: 'No trades yet.' }}
      rowKey={(trade) => trade.id}
      rowData={(trade) => ({ side: trade.side })}
      columns={[
        { label: 'Executed', cell: (trade) => utcTime(trade.executedAt) },
        { label: 'Side', cell: (trade) => signalCell(trade.side) },
        { label: 'Price', number: true, cell: (trade) => amount(trade.price) },
        { label: 'Quantity', number: true, cell: (trade) => amount(trade.quantity) },
        { label: 'Fee', number: true, cell: (trade) => `${amount(trade.fee)} ${trade.feeCurrency}` },
        { label: 'Realized profit', number: true, cell: (trade) => (trade.side === 'sell' ? signed(trade.realizedProfit) : '—'), className: (trade) => profitClass(trade.realizedProfit) },
      ]}
    />
  );
}

