/**
 * Backtests: pick strategy, parameters, data and fees; run one, or a parameter sweep
 * (every combination of the values given, queued a few at a time within the platform's
 * limit of unfinished backtests per user); watch progress; sort and compare runs; open a
 * run's report with its chart.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { LineChart, PriceChart } from '../components/chart.tsx';
import { defaultParams, DEFAULT_RISK_VALUES, defaultStrategy, Field, inputProps, MarketFields, paramsForApi, riskForApi, RiskForm, StrategyChoice, type FieldErrors, type ParamValues, type RiskValues } from '../components/fields.tsx';
import { compareValues, Empty, FormError, Loading, Show, SortHeader, StatusBadge, useResource } from '../components/ui.tsx';
import { amount, percent, profitClass, ratio, signed, utcTime } from '../format.ts';
import { Link, navigate } from '../router.tsx';
import type { Backtest, ChartData, MarketSourceList, Strategy } from '../types.ts';
import { MAX_SWEEP_RUNS, parseValues, sweepCombinations } from '../sweep.ts';

const UNFINISHED = new Set(['queued', 'running']);
const POLL_MS = 1_000;
const SWEEPS_KEY = 'tradebot.sweeps';

interface Sweep {
  readonly id: string;
  readonly label: string;
  readonly backtestIds: string[];
  readonly total: number;
}

function storedSweeps(): Sweep[] {
  try {
    return JSON.parse(localStorage.getItem(SWEEPS_KEY) ?? '[]') as Sweep[];
  } catch {
    return [];
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Completed backtests' reports, fetched once each (a completed run never changes), for comparisons. */
const reports = new Map<string, Backtest>();

async function report(id: string): Promise<Backtest> {
  const known = reports.get(id);
  if (known) return known;
  const fetched = await api<Backtest>('GET', `/backtests/${id}`);
  if (fetched.status === 'completed') reports.set(id, fetched);
  return fetched;
}

const metricsOf = (run: Backtest) => run.metrics ?? run.result?.metrics;

export function BacktestsPage() {
  const list = useResource(async () => (await api<{ items: Backtest[] }>('GET', '/backtests?limit=200')).items, []);
  const [sweeps, setSweeps] = useState<Sweep[]>(storedSweeps);
  const unfinished = (list.data ?? []).some((item) => UNFINISHED.has(item.status));
  const running = useRef(false);
  // Progress is not an event the platform streams: poll while anything is queued or running.
  useEffect(() => {
    if (!unfinished && !running.current) return;
    const timer = setInterval(list.reload, POLL_MS);
    return () => clearInterval(timer);
  }, [unfinished, list.reload]);
  useEffect(() => localStorage.setItem(SWEEPS_KEY, JSON.stringify(sweeps.slice(0, 20))), [sweeps]);

  return (
    <section aria-labelledby="backtests-title">
      <div className="page-head">
        <h1 id="backtests-title">Backtests</h1>
      </div>
      <BacktestForm
        onQueued={list.reload}
        onSweep={(sweep) => setSweeps((previous) => [sweep, ...previous.filter((item) => item.id !== sweep.id)])}
        running={running}
      />
      <Show resource={list} what="your backtests">
        {(items) => (items.length === 0 ? <Empty title="No backtests yet.">Pick a strategy and data above and run one: it takes seconds.</Empty> : <RunTable items={items} sweeps={sweeps} />)}
      </Show>
    </section>
  );
}

interface Catalog {
  strategies: Strategy[];
  markets: MarketSourceList['items'];
}

function BacktestForm({ onQueued, onSweep, running }: { onQueued: () => void; onSweep: (sweep: Sweep) => void; running: { current: boolean } }) {
  const catalog = useResource(async (): Promise<Catalog> => {
    const [strategies, markets] = await Promise.all([api<{ items: Strategy[] }>('GET', '/strategies'), api<MarketSourceList>('GET', '/markets')]);
    return { strategies: strategies.items, markets: markets.items };
  }, []);
  return <Show resource={catalog} what="strategies">{(data) => <BacktestFormFields catalog={data} onQueued={onQueued} onSweep={onSweep} running={running} />}</Show>;
}

function BacktestFormFields({ catalog, onQueued, onSweep, running }: { catalog: Catalog; onQueued: () => void; onSweep: (sweep: Sweep) => void; running: { current: boolean } }) {
  const replayMarkets = catalog.markets.find((item) => item.source === 'replay')?.markets ?? [];
  const [strategyName, setStrategyName] = useState(defaultStrategy(catalog.strategies));
  const strategy = catalog.strategies.find((item) => item.name === strategyName);
  const [params, setParams] = useState<ParamValues>(() => defaultParams(strategy));
  const [sweepOn, setSweepOn] = useState(false);
  const [grid, setGrid] = useState<Record<string, string>>({});
  const [source, setSource] = useState(replayMarkets.length > 0 ? 'replay' : 'simulated');
  const sourceMarkets = source === 'replay' ? replayMarkets : (catalog.markets.find((item) => item.source === 'simulated')?.markets ?? []);
  const [market, setMarket] = useState(sourceMarkets[0] ?? 'BTC/USDT');
  const [timeframe, setTimeframe] = useState('1m');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [quoteBalance, setQuoteBalance] = useState('1000');
  const [feeRate, setFeeRate] = useState('0.001');
  const [slippageRate, setSlippageRate] = useState('0.0005');
  const [risk, setRisk] = useState<RiskValues>(DEFAULT_RISK_VALUES);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | undefined>();
  const [progress, setProgress] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  function body(paramsGiven: Record<string, number>) {
    const isoOrUndefined = (text: string) => (text ? new Date(`${text}Z`).toISOString() : undefined);
    return {
      strategy: { name: strategyName, params: paramsGiven },
      data: { source, market: market.trim().toUpperCase(), timeframe, ...(from ? { from: isoOrUndefined(from) } : {}), ...(to ? { to: isoOrUndefined(to) } : {}) },
      quoteBalance: quoteBalance.trim(),
      risk: riskForApi(risk),
      feeRate: feeRate.trim(),
      slippageRate: slippageRate.trim(),
    };
  }

  function showError(error: unknown) {
    const apiError = error as ApiError;
    if (apiError.field && document.querySelector(`[data-field="${CSS.escape(apiError.field)}"]`)) setErrors({ [apiError.field]: apiError.message });
    else setFormError(apiError.message);
  }

  /** Queues one run, waiting for a free slot while the platform answers 429 (too many unfinished). */
  async function queue(paramsGiven: Record<string, number>): Promise<Backtest> {
    for (;;) {
      try {
        return await api<Backtest>('POST', '/backtests', body(paramsGiven));
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 429) throw error;
        await sleep(POLL_MS);
      }
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    setFormError(undefined);
    setProgress(undefined);
    const base = paramsForApi(params);
    if (!sweepOn) {
      setBusy(true);
      try {
        const created = await api<Backtest>('POST', '/backtests', body(base));
        onQueued();
        navigate(`/backtests/${created.id}`);
      } catch (error) {
        if (error instanceof ApiError && error.status === 429) setFormError(`${error.message}. Runs in progress are listed below.`);
        else showError(error);
      } finally {
        setBusy(false);
      }
      return;
    }
    const parsed: Record<string, number[]> = {};
    for (const [name, text] of Object.entries(grid)) {
      if (!text.trim()) continue;
      const values = parseValues(text);
      if (!values) return setErrors({ [`sweep.${name}`]: 'Give numbers separated by commas (8, 12, 16) or a range with a step (8-16/4).' });
      parsed[name] = values;
    }
    if (Object.keys(parsed).length === 0) return setFormError('Give at least one parameter several values to sweep.');
    const combinations = sweepCombinations(parsed, base);
    if (combinations.length > MAX_SWEEP_RUNS) return setFormError(`That is ${combinations.length} combinations; at most ${MAX_SWEEP_RUNS} per sweep.`);
    setBusy(true);
    running.current = true;
    const sweep: Sweep = {
      id: crypto.randomUUID(),
      label: `${strategyName} on ${market} ${timeframe}: ${Object.entries(parsed).map(([name, values]) => `${name} ${values.join('/')}`).join(', ')}`,
      backtestIds: [],
      total: combinations.length,
    };
    try {
      // The first run checks the request; a bad field is shown before the others are tried.
      for (const [index, combination] of combinations.entries()) {
        setProgress(`Sweep: queued ${index} of ${combinations.length}${index > 0 ? ' (the platform runs a few at a time)' : ''}…`);
        const created = await queue(combination);
        sweep.backtestIds.push(created.id);
        onSweep({ ...sweep, backtestIds: [...sweep.backtestIds] });
        onQueued();
      }
      setProgress(`Sweep: all ${combinations.length} runs queued. Sort the table below by any column.`);
    } catch (error) {
      showError(error);
      setProgress(sweep.backtestIds.length > 0 ? `Sweep stopped after ${sweep.backtestIds.length} runs.` : undefined);
    } finally {
      running.current = false;
      setBusy(false);
    }
  }

  return (
    <form className="card form" onSubmit={submit} noValidate aria-label="New backtest">
      <h2>New backtest</h2>
      <FormError message={formError} />
      <fieldset>
        <legend>Strategy</legend>
        <StrategyChoice
          strategies={catalog.strategies}
          name={strategyName}
          onChoose={(name) => {
            setStrategyName(name);
            setParams(defaultParams(catalog.strategies.find((item) => item.name === name)));
            setGrid({});
          }}
          params={params}
          onParams={setParams}
          errors={errors}
        />
        <label className="checkbox">
          <input type="checkbox" checked={sweepOn} onChange={(event) => setSweepOn(event.target.checked)} /> Parameter sweep: try several values
        </label>
        {sweepOn && strategy ? (
          <div className="grid">
            {Object.keys(strategy.parameters.properties).map((name) => (
              <Field key={name} label={`${name}: values to try`} name={`sweep.${name}`} errors={errors} hint="e.g. 8, 12, 16 or 8-16/4; blank keeps the value above.">
                <input {...inputProps(`sweep.${name}`, errors)} value={grid[name] ?? ''} onChange={(event) => setGrid({ ...grid, [name]: event.target.value })} />
              </Field>
            ))}
          </div>
        ) : null}
      </fieldset>
      <fieldset>
        <legend>Data</legend>
        <div className="grid">
          <Field label="Source" name="data.source" errors={errors} hint={source === 'replay' ? 'Recorded exchange candles the platform serves.' : 'The seeded simulated market (a week by default).'}>
            <select {...inputProps('data.source', errors)} value={source} onChange={(event) => {
              setSource(event.target.value);
              const first = event.target.value === 'replay' ? replayMarkets[0] : 'BTC/USDT';
              if (first) setMarket(first);
            }}>
              {replayMarkets.length > 0 ? <option value="replay">replay</option> : null}
              <option value="simulated">simulated</option>
            </select>
          </Field>
          <MarketFields prefix="data." markets={sourceMarkets} market={market} onMarket={setMarket} timeframe={timeframe} onTimeframe={setTimeframe} errors={errors} />
          <Field label="From (UTC)" name="data.from" errors={errors} hint="Blank: from the start of the data.">
            <input {...inputProps('data.from', errors)} type="datetime-local" value={from} onChange={(event) => setFrom(event.target.value)} />
          </Field>
          <Field label="To (UTC)" name="data.to" errors={errors} hint="Blank: to the end of the data.">
            <input {...inputProps('data.to', errors)} type="datetime-local" value={to} onChange={(event) => setTo(event.target.value)} />
          </Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>Account and costs</legend>
        <div className="grid">
          <Field label="Starting balance" name="quoteBalance" errors={errors}>
            <input {...inputProps('quoteBalance', errors)} inputMode="decimal" value={quoteBalance} onChange={(event) => setQuoteBalance(event.target.value)} />
          </Field>
          <Field label="Fee rate" name="feeRate" errors={errors} hint="Per fill, as a fraction: 0.001 is 0.1%.">
            <input {...inputProps('feeRate', errors)} inputMode="decimal" value={feeRate} onChange={(event) => setFeeRate(event.target.value)} />
          </Field>
          <Field label="Slippage" name="slippageRate" errors={errors} hint="Price moved against each fill, as a fraction.">
            <input {...inputProps('slippageRate', errors)} inputMode="decimal" value={slippageRate} onChange={(event) => setSlippageRate(event.target.value)} />
          </Field>
        </div>
        <RiskForm values={risk} onChange={setRisk} errors={errors} />
      </fieldset>
      <div className="form-actions">
        {progress ? (
          <span className="muted" role="status">
            {progress}
          </span>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Queuing…' : sweepOn ? 'Run sweep' : 'Run backtest'}
        </button>
      </div>
    </form>
  );
}

type RunSortKey = 'created' | 'strategy' | 'market' | 'status' | 'return' | 'drawdown' | 'sharpe' | 'sortino' | 'trades' | 'winRate';

const runValue: Record<RunSortKey, (run: Backtest) => unknown> = {
  created: (run) => run.createdAt,
  strategy: (run) => `${run.request.strategy.name} ${JSON.stringify(run.request.strategy.params)}`,
  market: (run) => run.request.data.market,
  status: (run) => run.status,
  return: (run) => metricsOf(run)?.totalReturn ?? null,
  drawdown: (run) => metricsOf(run)?.maxDrawdown ?? null,
  sharpe: (run) => metricsOf(run)?.sharpe ?? null,
  sortino: (run) => metricsOf(run)?.sortino ?? null,
  trades: (run) => metricsOf(run)?.trades ?? null,
  winRate: (run) => metricsOf(run)?.winRate ?? null,
};

function paramsText(params: Record<string, number>): string {
  return Object.entries(params).map(([name, value]) => `${name} ${value}`).join(', ');
}

function RunTable({ items, sweeps }: { items: Backtest[]; sweeps: Sweep[] }) {
  const [sort, setSort] = useState<{ key: RunSortKey; descending: boolean }>({ key: 'created', descending: true });
  const [sweepId, setSweepId] = useState('');
  const [compare, setCompare] = useState<ReadonlySet<string>>(new Set());
  const knownSweeps = sweeps.filter((sweep) => sweep.backtestIds.some((id) => items.some((item) => item.id === id)));
  const rows = useMemo(() => {
    const sweep = knownSweeps.find((item) => item.id === sweepId);
    const shown = sweep ? items.filter((item) => sweep.backtestIds.includes(item.id)) : [...items];
    const direction = sort.descending ? -1 : 1;
    // Unfinished runs have no metrics yet: they sort last whatever the direction.
    return shown.sort((a, b) => {
      const [valueA, valueB] = [runValue[sort.key](a), runValue[sort.key](b)];
      if (valueA === null || valueB === null) return valueA === valueB ? 0 : valueA === null ? 1 : -1;
      return direction * compareValues(valueA, valueB);
    });
  }, [items, sort, sweepId, knownSweeps]);
  const compared = items.filter((item) => compare.has(item.id) && item.status === 'completed');
  const toggle = (id: string) => setCompare((previous) => {
    const next = new Set(previous);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });

  return (
    <div className="card">
      <div className="card-head">
        <h2>Runs</h2>
        {knownSweeps.length > 0 ? (
          <select aria-label="Show one sweep" value={sweepId} onChange={(event) => setSweepId(event.target.value)}>
            <option value="">All runs</option>
            {knownSweeps.map((sweep) => (
              <option key={sweep.id} value={sweep.id}>
                Sweep: {sweep.label} ({sweep.backtestIds.length}/{sweep.total})
              </option>
            ))}
          </select>
        ) : null}
      </div>
      {compared.length >= 2 ? <Comparison runs={compared} onClear={() => setCompare(new Set())} /> : <p className="muted">Tick two or more completed runs to compare them.</p>}
      <table className="responsive runs" aria-label="Backtest runs">
        <thead>
          <tr>
            <th className="check">Compare</th>
            <SortHeader label="Queued" sortKey="created" sort={sort} onSort={setSort} />
            <SortHeader label="Strategy" sortKey="strategy" sort={sort} onSort={setSort} />
            <SortHeader label="Data" sortKey="market" sort={sort} onSort={setSort} />
            <SortHeader label="Status" sortKey="status" sort={sort} onSort={setSort} />
            <SortHeader label="Return" sortKey="return" sort={sort} onSort={setSort} className="number" />
            <SortHeader label="Max drawdown" sortKey="drawdown" sort={sort} onSort={setSort} className="number" />
            <SortHeader label="Sharpe" sortKey="sharpe" sort={sort} onSort={setSort} className="number" />
            <SortHeader label="Sortino" sortKey="sortino" sort={sort} onSort={setSort} className="number" />
            <SortHeader label="Trades" sortKey="trades" sort={sort} onSort={setSort} className="number" />
            <SortHeader label="Win rate" sortKey="winRate" sort={sort} onSort={setSort} className="number" />
          </tr>
        </thead>
        <tbody>
          {rows.map((run) => {
            const metrics = metricsOf(run);
            return (
              <tr key={run.id} data-backtest-id={run.id} data-status={run.status}>
                <td className="check">
                  <input type="checkbox" aria-label="Compare this run" disabled={run.status !== 'completed'} checked={compare.has(run.id)} onChange={() => toggle(run.id)} />
                </td>
                <td data-label="Queued">
                  <Link to={`/backtests/${run.id}`}>{utcTime(run.createdAt)}</Link>
                </td>
                <td data-label="Strategy">
                  {run.request.strategy.name} <span className="muted">{paramsText(run.request.strategy.params)}</span>
                </td>
                <td data-label="Data">
                  {run.request.data.market} <span className="muted">{run.request.data.timeframe} · {run.request.data.source}</span>
                </td>
                <td data-label="Status">
                  <RunStatus run={run} />
                </td>
                <td data-label="Return" className={`number ${profitClass(metrics?.totalReturn)}`}>{percent(metrics?.totalReturn)}</td>
                <td data-label="Max drawdown" className="number">{percent(metrics?.maxDrawdown)}</td>
                <td data-label="Sharpe" className="number">{ratio(metrics?.sharpe)}</td>
                <td data-label="Sortino" className="number">{ratio(metrics?.sortino)}</td>
                <td data-label="Trades" className="number">{metrics ? metrics.trades : '—'}</td>
                <td data-label="Win rate" className="number">{percent(metrics?.winRate, 1)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function RunStatus({ run }: { run: Backtest }) {
  if (run.status === 'failed') return <span className="badge status-error" title={run.error ?? ''}>failed</span>;
  if (UNFINISHED.has(run.status))
    return (
      <span className="progress-cell">
        <StatusBadge status={run.status} />
        <progress max={1} value={run.progress} aria-label="Progress" /> {Math.round(run.progress * 100)}%
      </span>
    );
  return <StatusBadge status={run.status} />;
}

function Comparison({ runs: listed, onClear }: { runs: Backtest[]; onClear: () => void }) {
  const ids = listed.map((run) => run.id).join(',');
  const reportsOf = useResource(() => Promise.all(listed.map((run) => report(run.id))), [ids]);
  return <Show resource={reportsOf} what="the reports to compare">{(runs) => <ComparisonTable runs={runs} onClear={onClear} />}</Show>;
}

function ComparisonTable({ runs, onClear }: { runs: Backtest[]; onClear: () => void }) {
  const rows: [string, (run: Backtest) => string][] = [
    ['Parameters', (run) => paramsText(run.request.strategy.params)],
    ['Data', (run) => `${run.request.data.market} ${run.request.data.timeframe}`],
    ['Return', (run) => percent(run.result!.metrics.totalReturn)],
    ['Annualised', (run) => percent(run.result!.metrics.annualisedReturn)],
    ['Max drawdown', (run) => percent(run.result!.metrics.maxDrawdown)],
    ['Sharpe', (run) => ratio(run.result!.metrics.sharpe)],
    ['Sortino', (run) => ratio(run.result!.metrics.sortino)],
    ['Trades', (run) => String(run.result!.metrics.trades)],
    ['Win rate', (run) => percent(run.result!.metrics.winRate, 1)],
    ['Exposure', (run) => percent(run.result!.metrics.exposure, 1)],
    ['Buy and hold', (run) => percent(run.result!.metrics.buyAndHoldReturn)],
    ['Fees paid', (run) => amount(run.result!.metrics.feesPaid)],
  ];
  const series = useMemo(
    () => runs.map((run, index) => ({ name: `#${index + 1} ${run.request.strategy.name} ${paramsText(run.request.strategy.params)}`, points: run.result!.equity.map((point) => ({ time: Date.parse(point.time), value: point.equity })) })),
    [runs],
  );
  return (
    <div className="comparison" aria-label="Comparison">
      <div className="card-head">
        <h3>Comparing {runs.length} runs</h3>
        <button type="button" className="secondary small" onClick={onClear}>
          Clear
        </button>
      </div>
      <div className="scroll">
        <table>
          <thead>
            <tr>
              <th />
              {runs.map((run, index) => (
                <th key={run.id}>
                  <Link to={`/backtests/${run.id}`}>#{index + 1} {run.request.strategy.name}</Link>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map(([label, value]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                {runs.map((run) => (
                  <td key={run.id}>{value(run)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <LineChart series={series} height={220} label="Equity curves" />
    </div>
  );
}

export function BacktestPage({ backtestId }: { backtestId: string }) {
  const backtest = useResource(() => api<Backtest>('GET', `/backtests/${backtestId}`), [backtestId]);
  const unfinished = backtest.data !== undefined && UNFINISHED.has(backtest.data.status);
  useEffect(() => {
    if (!unfinished) return;
    const timer = setInterval(backtest.reload, POLL_MS);
    return () => clearInterval(timer);
  }, [unfinished, backtest.reload]);
  return (
    <Show resource={backtest} what="the backtest">
      {(run) => (
        <section aria-labelledby="backtest-title" data-backtest-id={run.id} data-status={run.status}>
          <div className="page-head">
            <div>
              <h1 id="backtest-title">
                {run.request.strategy.name} on {run.request.data.market} <RunStatus run={run} />
              </h1>
              <p className="muted">
                {paramsText(run.request.strategy.params)} · {run.request.data.timeframe} {run.request.data.source} {utcTime(run.request.data.from)} to {utcTime(run.request.data.to)} · fee {run.request.feeRate}, slippage{' '}
                {run.request.slippageRate} · stake {run.request.risk.stakeAmount}, stop-loss {run.request.risk.stopLossPercent ?? 'off'}%, take-profit {run.request.risk.takeProfitPercent ?? 'off'}%
              </p>
            </div>
            <Link to="/backtests">All backtests</Link>
          </div>
          {run.status === 'failed' ? <div className="state error" role="alert">The backtest failed: {run.error}</div> : null}
          {UNFINISHED.has(run.status) ? <Loading what={`the report (${run.status}, ${Math.round(run.progress * 100)}% done)`} /> : null}
          {run.result ? <Report run={run} /> : null}
        </section>
      )}
    </Show>
  );
}

const TRADES_SHOWN = 50;

function Report({ run }: { run: Backtest }) {
  const metrics = run.result!.metrics;
  const [allTrades, setAllTrades] = useState(false);
  const trades = allTrades ? run.result!.trades : run.result!.trades.slice(0, TRADES_SHOWN);
  const chart = useResource(() => api<ChartData>('GET', `/backtests/${run.id}/chart`), [run.id]);
  const tiles: [string, string, string?][] = [
    ['Return', percent(metrics.totalReturn), profitClass(metrics.totalReturn)],
    ['Annualised', percent(metrics.annualisedReturn)],
    ['Max drawdown', percent(metrics.maxDrawdown)],
    ['Sharpe', ratio(metrics.sharpe)],
    ['Sortino', ratio(metrics.sortino)],
    ['Trades', `${metrics.trades}${metrics.openTrade ? ' + 1 open' : ''}`],
    ['Win rate', percent(metrics.winRate, 1)],
    ['Exposure', percent(metrics.exposure, 1)],
    ['Buy and hold', percent(metrics.buyAndHoldReturn)],
    ['Final equity', amount(metrics.finalEquity)],
    ['Fees paid', amount(metrics.feesPaid)],
    ['Candles', metrics.candles.toLocaleString('en-US')],
  ];
  return (
    <>
      <div className="stats report" aria-label="Report">
        {tiles.map(([label, value, className]) => (
          <div key={label}>
            <span className="label">{label}</span>
            <span className={`value ${className ?? ''}`}>{value}</span>
          </div>
        ))}
      </div>
      <div className="card">
        <h2>Chart</h2>
        <Show resource={chart} what="the chart">
          {(data) => <PriceChart data={data} label={`${data.market} candles with the backtest's entries and exits`} />}
        </Show>
        <LineChart series={[{ name: 'equity', points: run.result!.equity.map((point) => ({ time: Date.parse(point.time), value: point.equity })) }]} height={180} label="Equity" />
      </div>
      <div className="card">
        <h2>Trades</h2>
        {run.result!.trades.length === 0 ? (
          <Empty title="No trades.">The strategy never entered on this data with these parameters.</Empty>
        ) : (
          <table className="responsive" aria-label="Backtest trades">
            <thead>
              <tr>
                <th>Entry</th>
                <th>Exit</th>
                <th className="number">Entries</th>
                <th className="number">Cost</th>
                <th className="number">Proceeds</th>
                <th className="number">Profit</th>
                <th className="number">Return</th>
              </tr>
            </thead>
            <tbody>
              {trades.map((trade) => (
                <tr key={trade.entryTime}>
                  <td data-label="Entry">{utcTime(trade.entryTime)}</td>
                  <td data-label="Exit">{trade.exitTime ? utcTime(trade.exitTime) : 'open'}</td>
                  <td data-label="Entries" className="number">{trade.entries}</td>
                  <td data-label="Cost" className="number">{amount(trade.cost)}</td>
                  <td data-label="Proceeds" className="number">{amount(trade.proceeds)}</td>
                  <td data-label="Profit" className={`number ${profitClass(trade.profit)}`}>{signed(trade.profit)}</td>
                  <td data-label="Return" className={`number ${profitClass(trade.returnPercent)}`}>{trade.returnPercent.toFixed(2)}%</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {trades.length < run.result!.trades.length ? (
          <button type="button" className="secondary" onClick={() => setAllTrades(true)}>
            Show all {run.result!.trades.length} trades
          </button>
        ) : null}
      </div>
    </>
  );
}

