/**
 * Form fields that show the API's errors next to the field they concern, and the strategy
 * parameter form generated from the strategy's JSON Schema (defaults, bounds, descriptions).
 */
import type { ReactNode } from 'react';
import type { Strategy } from '../types.ts';

/** Field errors by the API's field name (e.g. "strategy.params.slow"). */
export type FieldErrors = Readonly<Record<string, string>>;

export function Field(props: { label: string; name: string; errors: FieldErrors; hint?: ReactNode; children: ReactNode; wide?: boolean }) {
  const error = props.errors[props.name];
  return (
    <div className={`field${error ? ' invalid' : ''}${props.wide ? ' wide' : ''}`} data-field={props.name}>
      <label htmlFor={`field-${props.name}`}>{props.label}</label>
      {props.children}
      {props.hint ? <small className="hint">{props.hint}</small> : null}
      {error ? (
        <small className="field-error" role="alert" id={`error-${props.name}`}>
          {error}
        </small>
      ) : null}
    </div>
  );
}

/** Input props tying an input to its Field (id, name, aria-invalid, aria-describedby). */
export function inputProps(name: string, errors: FieldErrors) {
  return { id: `field-${name}`, name, 'aria-invalid': errors[name] ? true : undefined, 'aria-describedby': errors[name] ? `error-${name}` : undefined } as const;
}

/** Values of a strategy's parameters as typed (strings, so a half-typed number is kept). */
export type ParamValues = Record<string, string>;

export function defaultParams(strategy: Strategy | undefined, given?: Record<string, number>): ParamValues {
  if (!strategy) return {};
  return Object.fromEntries(Object.entries(strategy.parameters.properties).map(([name, schema]) => [name, String(given?.[name] ?? schema.default)]));
}

/** Parameters as numbers for the API; an empty field is left out, so the strategy's default applies. */
export function paramsForApi(values: ParamValues): Record<string, number> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value.trim() !== '').map(([name, value]) => [name, Number(value)]));
}

export function StrategyParamsForm(props: { strategy: Strategy; values: ParamValues; onChange: (values: ParamValues) => void; errors: FieldErrors; prefix?: string }) {
  const prefix = props.prefix ?? 'strategy.params';
  const entries = Object.entries(props.strategy.parameters.properties);
  if (entries.length === 0) return <p className="muted">This strategy takes no parameters.</p>;
  return (
    <div className="grid">
      {entries.map(([name, schema]) => {
        const field = `${prefix}.${name}`;
        const bounds = [schema.minimum !== undefined ? `min ${schema.minimum}` : '', schema.maximum !== undefined ? `max ${schema.maximum}` : ''].filter(Boolean).join(', ');
        return (
          <Field key={name} label={name} name={field} errors={props.errors} hint={`${schema.description ?? ''} Default ${schema.default}${bounds ? `; ${bounds}` : ''}.`}>
            <input
              {...inputProps(field, props.errors)}
              type="number"
              inputMode={schema.type === 'integer' ? 'numeric' : 'decimal'}
              step={schema.type === 'integer' ? 1 : 'any'}
              min={schema.minimum}
              max={schema.maximum}
              placeholder={String(schema.default)}
              value={props.values[name] ?? ''}
              onChange={(event) => props.onChange({ ...props.values, [name]: event.target.value })}
            />
          </Field>
        );
      })}
    </div>
  );
}

/** Risk settings as typed; blank stop-loss or take-profit means "off" (null). */
export interface RiskValues {
  stakeAmount: string;
  maxPositionAmount: string;
  stopLossPercent: string;
  takeProfitPercent: string;
}

export const DEFAULT_RISK_VALUES: RiskValues = { stakeAmount: '100', maxPositionAmount: '1000', stopLossPercent: '5', takeProfitPercent: '10' };

export function riskForApi(values: RiskValues) {
  const percentOrNull = (text: string) => (text.trim() === '' ? null : Number(text));
  return {
    stakeAmount: values.stakeAmount.trim(),
    maxPositionAmount: values.maxPositionAmount.trim(),
    stopLossPercent: percentOrNull(values.stopLossPercent),
    takeProfitPercent: percentOrNull(values.takeProfitPercent),
  };
}

export function RiskForm(props: { values: RiskValues; onChange: (values: RiskValues) => void; errors: FieldErrors }) {
  const { values, errors } = props;
  const set = (key: keyof RiskValues) => (event: { target: { value: string } }) => props.onChange({ ...values, [key]: event.target.value });
  return (
    <div className="grid">
      <Field label="Stake per entry" name="risk.stakeAmount" errors={errors} hint="Quote currency committed per entry.">
        <input {...inputProps('risk.stakeAmount', errors)} inputMode="decimal" value={values.stakeAmount} onChange={set('stakeAmount')} />
      </Field>
      <Field label="Largest position" name="risk.maxPositionAmount" errors={errors} hint="By entry cost, in quote currency.">
        <input {...inputProps('risk.maxPositionAmount', errors)} inputMode="decimal" value={values.maxPositionAmount} onChange={set('maxPositionAmount')} />
      </Field>
      <Field label="Stop-loss %" name="risk.stopLossPercent" errors={errors} hint="Exit this far under the break-even entry; blank turns it off.">
        <input {...inputProps('risk.stopLossPercent', errors)} type="number" step="any" min={0.01} max={99} value={values.stopLossPercent} onChange={set('stopLossPercent')} />
      </Field>
      <Field label="Take-profit %" name="risk.takeProfitPercent" errors={errors} hint="Exit this far over the break-even entry; blank turns it off.">
        <input {...inputProps('risk.takeProfitPercent', errors)} type="number" step="any" min={0.01} max={1000} value={values.takeProfitPercent} onChange={set('takeProfitPercent')} />
      </Field>
    </div>
  );
}

export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;

/** The strategy a new form starts with: the classic EMA crossover when the platform has it. */
export function defaultStrategy(strategies: readonly Strategy[]): string {
  return (strategies.find((strategy) => strategy.name === 'ema-cross') ?? strategies[0])?.name ?? '';
}

/** A strategy choice with its description, and its parameter form under it. */
export function StrategyChoice(props: { strategies: readonly Strategy[]; name: string; onChoose: (name: string) => void; params: ParamValues; onParams: (values: ParamValues) => void; errors: FieldErrors }) {
  const strategy = props.strategies.find((item) => item.name === props.name);
  return (
    <>
      <Field label="Strategy" name="strategy.name" errors={props.errors} hint={strategy?.description} wide>
        <select {...inputProps('strategy.name', props.errors)} value={props.name} onChange={(event) => props.onChoose(event.target.value)}>
          {props.strategies.map((item) => (
            <option key={item.name} value={item.name}>
              {item.title} ({item.name})
            </option>
          ))}
        </select>
      </Field>
      {strategy ? <StrategyParamsForm strategy={strategy} values={props.params} onChange={props.onParams} errors={props.errors} /> : null}
    </>
  );
}

/** A market symbol, typed or picked from the source's list, and its timeframe. */
export function MarketFields(props: { prefix: string; markets: readonly string[]; market: string; onMarket: (market: string) => void; timeframe: string; onTimeframe: (timeframe: string) => void; errors: FieldErrors; marketHint?: string }) {
  const marketField = `${props.prefix}market`;
  const timeframeField = `${props.prefix}timeframe`;
  return (
    <>
      <Field label="Market" name={marketField} errors={props.errors} hint={props.marketHint}>
        <input {...inputProps(marketField, props.errors)} list={`${marketField}-options`} placeholder="BTC/USDT" value={props.market} onChange={(event) => props.onMarket(event.target.value)} />
        <datalist id={`${marketField}-options`}>
          {props.markets.map((item) => (
            <option key={item} value={item} />
          ))}
        </datalist>
      </Field>
      <Field label="Timeframe" name={timeframeField} errors={props.errors}>
        <select {...inputProps(timeframeField, props.errors)} value={props.timeframe} onChange={(event) => props.onTimeframe(event.target.value)}>
          {TIMEFRAMES.map((item) => (
            <option key={item}>{item}</option>
          ))}
        </select>
      </Field>
    </>
  );
}
