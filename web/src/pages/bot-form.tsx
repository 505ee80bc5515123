/**
 * Create a bot, or edit one's configuration: paper or one of the user's exchange
 * accounts, market, timeframe, strategy with a parameter form generated from its schema,
 * risk settings and starting balance. The API's field errors appear next to their field.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { defaultParams, DEFAULT_RISK_VALUES, defaultStrategy, Field, inputProps, MarketFields, paramsForApi, riskForApi, RiskForm, StrategyChoice, type FieldErrors, type ParamValues, type RiskValues } from '../components/fields.tsx';
import { requestSchema, SchemaFields, schemaValuesForApi, schemaValuesFrom, type JsonSchema, type SchemaValues } from '../components/schema-form.tsx';
import { ErrorNotice, FormError, Loading } from '../components/ui.tsx';
import { Link, navigate } from '../router.tsx';
import type { Bot, ExchangeAccount, MarketSourceList, Strategy } from '../types.ts';

/** What the form needs from the platform; exchange accounts are optional (older platforms have none). */
interface FormCatalog {
  strategies: Strategy[];
  markets: MarketSourceList['items'];
  accounts: ExchangeAccount[] | undefined;
  bot: Bot | undefined;
  /** Risk settings beyond the four every platform has (sizing modes, protections...), as the API describes them. */
  moreRisk: JsonSchema | undefined;
  /** Bot settings beyond those this form knows (e.g. what happens to open orders on stop). */
  moreBot: JsonSchema | undefined;
}

/** Fields this form lays out itself; anything else the API takes is generated from its schema. */
const CORE_RISK = ['stakeAmount', 'maxPositionAmount', 'stopLossPercent', 'takeProfitPercent'];
const CORE_BOT = ['name', 'exchange', 'exchangeAccountId', 'marketSource', 'market', 'timeframe', 'strategy', 'risk', 'quoteBalance'];

function without(schema: JsonSchema | undefined, names: readonly string[]): JsonSchema | undefined {
  const properties = Object.fromEntries(Object.entries(schema?.properties ?? {}).filter(([name]) => !names.includes(name)));
  return Object.keys(properties).length > 0 ? { ...schema, properties, required: (schema?.required ?? []).filter((name) => name in properties) } : undefined;
}

async function loadCatalog(botId: string | undefined): Promise<FormCatalog> {
  const [strategies, markets, accounts, bot, botSchema] = await Promise.all([
    api<{ items: Strategy[] }>('GET', '/strategies'),
    api<MarketSourceList>('GET', '/markets'),
    api<{ items: ExchangeAccount[] }>('GET', '/exchange-accounts').then(
      (answer) => answer.items,
      (error: ApiError) => (error.status === 404 ? undefined : Promise.reject(error)),
    ),
    botId ? api<Bot>('GET', `/bots/${botId}`) : Promise.resolve(undefined),
    requestSchema('/api/bots', 'post'),
  ]);
  return {
    strategies: strategies.items, markets: markets.items, accounts, bot,
    moreRisk: without(botSchema?.properties?.['risk'], CORE_RISK),
    moreBot: without(botSchema, CORE_BOT),
  };
}

export function accountLabel(account: ExchangeAccount): string {
  return `${account.name ?? account.label ?? account.exchange} (${account.exchange}${account.sandbox ? ', sandbox' : ''})`;
}

export function BotFormPage({ botId }: { botId?: string }) {
  const [catalog, setCatalog] = useState<FormCatalog | undefined>();
  const [loadError, setLoadError] = useState<Error | undefined>();
  const load = () => {
    setLoadError(undefined);
    loadCatalog(botId).then(setCatalog, setLoadError);
  };
  useEffect(load, [botId]);
  if (loadError) return <ErrorNotice error={loadError} retry={load} />;
  if (!catalog) return <Loading what="strategies and markets" />;
  return <BotForm catalog={catalog} />;
}

function BotForm({ catalog }: { catalog: FormCatalog }) {
  const { bot, strategies, markets, accounts, moreRisk, moreBot } = catalog;
  const editing = bot !== undefined;
  const [name, setName] = useState(bot?.name ?? '');
  const [account, setAccount] = useState(bot?.exchangeAccountId ?? '');
  const [marketSource, setMarketSource] = useState(bot?.marketSource ?? 'simulated');
  const [market, setMarket] = useState(bot?.market ?? markets.find((item) => item.source === 'simulated')?.markets[0] ?? 'BTC/USDT');
  const [timeframe, setTimeframe] = useState(bot?.timeframe ?? '1m');
  const [strategyName, setStrategyName] = useState(bot?.strategy.name ?? defaultStrategy(strategies));
  const strategy = strategies.find((item) => item.name === strategyName);
  const [params, setParams] = useState<ParamValues>(() => defaultParams(strategy, bot?.strategy.params));
  const [risk, setRisk] = useState<RiskValues>(
    bot
      ? { stakeAmount: bot.risk.stakeAmount, maxPositionAmount: bot.risk.maxPositionAmount, stopLossPercent: bot.risk.stopLossPercent === null ? '' : String(bot.risk.stopLossPercent), takeProfitPercent: bot.risk.takeProfitPercent === null ? '' : String(bot.risk.takeProfitPercent) }
      : DEFAULT_RISK_VALUES,
  );
  const [quoteBalance, setQuoteBalance] = useState(bot?.quoteBalance ?? '1000');
  const [riskMore, setRiskMore] = useState<SchemaValues>(() => (moreRisk ? schemaValuesFrom(moreRisk, bot?.risk as unknown as Record<string, unknown>) : {}));
  const [botMore, setBotMore] = useState<SchemaValues>(() => (moreBot ? schemaValuesFrom(moreBot, bot as unknown as Record<string, unknown>) : {}));
  const [startNow, setStartNow] = useState(!editing);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const sourceMarkets = markets.find((item) => item.source === marketSource)?.markets ?? [];

  function chooseStrategy(next: string) {
    setStrategyName(next);
    setParams(defaultParams(strategies.find((item) => item.name === next)));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(undefined);
    const body = {
      name: name.trim(),
      marketSource,
      market: market.trim().toUpperCase(),
      timeframe,
      strategy: { name: strategyName, params: paramsForApi(params) },
      risk: { ...riskForApi(risk), ...(moreRisk ? schemaValuesForApi(moreRisk, riskMore) : {}) },
      quoteBalance: quoteBalance.trim(),
      ...(moreBot ? schemaValuesForApi(moreBot, botMore) : {}),
      ...(account ? { exchangeAccountId: account } : {}),
    };
    try {
      // A running bot can only be renamed: the API refuses any other change while it trades.
      const saved = editing ? await api<Bot>('PATCH', `/bots/${bot.id}`, bot.status === 'running' ? { name: body.name } : body) : await api<Bot>('POST', '/bots', body);
      if (startNow && saved.status !== 'running') await api('POST', `/bots/${saved.id}/start`);
      navigate(`/bots/${saved.id}`);
    } catch (error) {
      const apiError = error as ApiError;
      if (apiError.field && document.querySelector(`[data-field="${CSS.escape(apiError.field)}"]`)) {
        setErrors({ [apiError.field]: apiError.message });
        requestAnimationFrame(() => document.getElementById(`field-${apiError.field}`)?.focus());
      } else {
        setFormError(apiError.message);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="bot-form-title">
      <div className="page-head">
        <h1 id="bot-form-title">{editing ? `Configure ${bot.name}` : 'New bot'}</h1>
        <Link to={editing ? `/bots/${bot.id}` : '/'}>Cancel</Link>
      </div>
      {editing && bot.status === 'running' ? <div className="state info">A running bot can only be renamed; stop or pause it to change anything else.</div> : null}
      <form className="card form" onSubmit={submit} noValidate aria-label={editing ? 'Bot configuration' : 'New bot'}>
        <FormError message={formError} />
        <fieldset>
          <legend>Bot</legend>
          <div className="grid">
            <Field label="Name" name="name" errors={errors}>
              <input {...inputProps('name', errors)} required maxLength={100} placeholder="e.g. BTC trend follower" value={name} onChange={(event) => setName(event.target.value)} />
            </Field>
            <Field label="Account" name="exchangeAccountId" errors={errors} hint={accounts === undefined ? 'Paper trading: simulated fills with fees and slippage.' : accounts.length === 0 ? <>Paper trading. <Link to="/accounts">Add an exchange account</Link> to trade for real.</> : 'Paper, or one of your exchange accounts.'}>
              <select {...inputProps('exchangeAccountId', errors)} value={account} onChange={(event) => setAccount(event.target.value)}>
                <option value="">Paper (simulated)</option>
                {(accounts ?? []).map((item) => (
                  <option key={item.id} value={item.id}>
                    {accountLabel(item)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Starting balance" name="quoteBalance" errors={errors} hint="Paper balance in the quote currency (USDT for BTC/USDT).">
              <input {...inputProps('quoteBalance', errors)} inputMode="decimal" value={quoteBalance} onChange={(event) => setQuoteBalance(event.target.value)} />
            </Field>
          </div>
        </fieldset>
        <fieldset>
          <legend>Market</legend>
          <div className="grid">
            <Field label="Market data" name="marketSource" errors={errors}>
              <select {...inputProps('marketSource', errors)} value={marketSource} onChange={(event) => {
                setMarketSource(event.target.value);
                const first = markets.find((item) => item.source === event.target.value)?.markets[0];
                if (first) setMarket(first);
              }}>
                {markets.map((item) => (
                  <option key={item.source} value={item.source}>
                    {item.source}
                  </option>
                ))}
              </select>
            </Field>
            <MarketFields prefix="" markets={sourceMarkets} market={market} onMarket={setMarket} timeframe={timeframe} onTimeframe={setTimeframe} errors={errors} marketHint={marketSource === 'simulated' ? 'Any BASE/QUOTE symbol works on the simulated market.' : undefined} />
          </div>
        </fieldset>
        <fieldset>
          <legend>Strategy</legend>
          <StrategyChoice strategies={strategies} name={strategyName} onChoose={chooseStrategy} params={params} onParams={setParams} errors={errors} />
        </fieldset>
        <fieldset>
          <legend>Risk</legend>
          <RiskForm values={risk} onChange={setRisk} errors={errors} />
          {moreRisk || moreBot ? (
            <details className="more" open={Object.keys(errors).some((field) => (field.startsWith('risk.') && !CORE_RISK.includes(field.slice(5))) || !CORE_BOT.includes(field.split('.')[0]!)) || undefined}>
              <summary>More risk settings: sizing, protections, stops</summary>
              {moreRisk ? <SchemaFields schema={moreRisk} values={riskMore} onChange={setRiskMore} errors={errors} prefix="risk" /> : null}
              {moreBot ? <SchemaFields schema={moreBot} values={botMore} onChange={setBotMore} errors={errors} prefix="" /> : null}
            </details>
          ) : null}
        </fieldset>
        <div className="form-actions">
          {bot?.status !== 'running' ? (
            <label className="checkbox">
              <input type="checkbox" checked={startNow} onChange={(event) => setStartNow(event.target.checked)} /> Start it {editing ? 'after saving' : 'at once'}
            </label>
          ) : null}
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : editing ? 'Save configuration' : 'Create bot'}
          </button>
        </div>
      </form>
    </section>
  );
}
