/** Shapes of the API's answers the UI reads (see GET /api/openapi.json). Money is a decimal string. */

export type BotStatus = 'created' | 'running' | 'paused' | 'stopped' | 'error';

export interface RiskSettings {
  stakeAmount: string;
  maxPositionAmount: string;
  stopLossPercent: number | null;
  takeProfitPercent: number | null;
}

export interface Bot {
  id: string;
  name: string;
  exchange: string;
  exchangeAccountId?: string | null;
  marketSource: string;
  market: string;
  timeframe: string;
  strategy: { name: string; params: Record<string, number> };
  risk: RiskSettings;
  quoteBalance: string;
  status: BotStatus;
  statusReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface FleetBot extends Bot {
  position: { quantity: string; lastPrice: string | null; realizedProfit: string; unrealizedProfit: string } | null;
  equity: string | null;
  totalProfit: string | null;
  lastDecision: { candleTime: string; signal: string; outcome: string; reason: string; recordedAt: string } | null;
}

export interface Decision {
  candleTime: string;
  signal: 'buy' | 'sell' | 'hold';
  price: string | null;
  indicators: Record<string, number | null>;
  outcome: 'hold' | 'ordered' | 'denied' | 'skipped' | 'no-data';
  reason: string;
  orderId: string | null;
  recordedAt: string;
}

export interface Order {
  id: string;
  side: 'buy' | 'sell';
  type: string;
  quantity: string;
  status: string;
  filledQuantity: string;
  averageFillPrice: string | null;
  fee: string;
  feeCurrency: string | null;
  referencePrice: string;
  candleTime: string;
  reason: string;
  statusReason: string | null;
  createdAt: string;
}

export interface Trade {
  id: string;
  orderId: string;
  side: 'buy' | 'sell';
  price: string;
  quantity: string;
  fee: string;
  feeCurrency: string;
  realizedProfit: string;
  executedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Position {
  market: string;
  quantity: string;
  averageEntryPrice: string | null;
  costBasis: string;
  lastPrice: string | null;
  unrealizedProfit: string;
  realizedProfit: string;
  feesPaid: string;
  quoteBalance: string;
  baseBalance: string;
  equity: string;
  initialBalance: string;
  totalProfit: string;
  tradesToday: number;
  realizedProfitToday: string;
  lastCandleTime: string | null;
}

export interface ParameterSchema {
  type: 'integer' | 'number';
  default: number;
  minimum?: number;
  maximum?: number;
  description?: string;
}

export interface Strategy {
  name: string;
  title: string;
  description: string;
  parameters: { properties: Record<string, ParameterSchema> };
}

export interface MarketSourceList {
  items: { source: string; markets: string[] }[];
}

export interface ChartData {
  market: string;
  timeframe: string;
  candles: { time: number; open: number; high: number; low: number; close: number; volume: number }[];
  indicators: { name: string; pane: 'price' | 'oscillator'; points: { time: number; value: number }[] }[];
  markers: { time: number; side: 'buy' | 'sell'; text: string }[];
  equity: { time: number; value: number }[];
}

export interface BacktestMetrics {
  trades: number;
  openTrade: boolean;
  fills: number;
  wins: number;
  losses: number;
  winRate: number | null;
  totalReturn: number;
  annualisedReturn: number | null;
  maxDrawdown: number;
  sharpe: number | null;
  sortino: number | null;
  exposure: number;
  buyAndHoldReturn: number | null;
  initialBalance: string;
  finalEquity: string;
  finalQuoteBalance: string;
  finalBaseBalance: string;
  feesPaid: string;
  candles: number;
  firstCandleTime: number;
  lastCandleTime: number;
}

export interface BacktestRequest {
  strategy: { name: string; params: Record<string, number> };
  data: { source: string; market: string; timeframe: string; from: string; to: string };
  quoteBalance: string;
  risk: RiskSettings;
  feeRate: string;
  slippageRate: string;
}

export interface Backtest {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  progress: number;
  request: BacktestRequest;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** In lists: the report's metrics once completed. */
  metrics?: BacktestMetrics | null;
  result?: {
    metrics: BacktestMetrics;
    trades: { entryTime: string; exitTime: string | null; entries: number; quantity: string; cost: string; proceeds: string; profit: string; returnPercent: number }[];
    equity: { time: string; equity: number }[];
  } | null;
}

export interface ExchangeAccount {
  id: string;
  name?: string;
  label?: string;
  exchange: string;
  sandbox?: boolean;
  apiKeyHint?: string;
  createdAt?: string;
}
