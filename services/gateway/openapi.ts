/**
 * The OpenAPI 3.1 document, generated from the route table and from the parameter
 * schemas of the actions themselves (fastest-validator rules converted to JSON Schema),
 * so the document describes what the API really accepts.
 */
import { API_PREFIX, GATEWAY_ACTIONS, ROUTES, type RouteSpec } from './routes.ts';

type JsonSchema = Record<string, unknown>;
type Rule = string | Record<string, unknown>;

function ruleObject(rule: Rule): Record<string, unknown> {
  if (typeof rule !== 'string') return rule;
  const [type, ...flags] = rule.split('|');
  return { type, ...Object.fromEntries(flags.map((flag) => flag.split(':')).map(([key, value]) => [key, value === undefined ? true : value])) };
}

/** Converts one fastest-validator rule to JSON Schema (the subset this API uses). */
export function ruleToJsonSchema(input: Rule): JsonSchema {
  const rule = ruleObject(input);
  const description = typeof rule['description'] === 'string' ? { description: rule['description'] } : {};
  let schema: JsonSchema;
  switch (rule['type']) {
    case 'string':
      schema = {
        type: 'string',
        ...(rule['min'] !== undefined ? { minLength: rule['min'] } : {}),
        ...(rule['max'] !== undefined ? { maxLength: rule['max'] } : {}),
        ...(rule['pattern'] !== undefined ? { pattern: String(rule['pattern'] instanceof RegExp ? (rule['pattern'] as RegExp).source : rule['pattern']) } : {}),
        ...(Array.isArray(rule['enum']) ? { enum: rule['enum'] } : {}),
      };
      break;
    case 'email':
      schema = { type: 'string', format: 'email', ...(rule['max'] !== undefined ? { maxLength: rule['max'] } : {}) };
      break;
    case 'uuid':
      schema = { type: 'string', format: 'uuid' };
      break;
    case 'number':
      schema = {
        type: rule['integer'] ? 'integer' : 'number',
        ...(rule['min'] !== undefined ? { minimum: rule['min'] } : {}),
        ...(rule['max'] !== undefined ? { maximum: rule['max'] } : {}),
      };
      break;
    case 'boolean':
      schema = { type: 'boolean' };
      break;
    case 'enum':
      schema = { enum: rule['values'] };
      break;
    case 'array':
      schema = {
        type: 'array',
        ...(rule['items'] !== undefined ? { items: ruleToJsonSchema(rule['items'] as Rule) } : {}),
        ...(rule['min'] !== undefined ? { minItems: rule['min'] } : {}),
        ...(rule['max'] !== undefined ? { maxItems: rule['max'] } : {}),
      };
      break;
    case 'object':
      schema = rule['props'] ? objectSchema(rule['props'] as Record<string, Rule>, rule['strict'] === true) : { type: 'object' };
      break;
    default:
      schema = {};
  }
  if (rule['nullable'] === true) schema = { anyOf: [schema, { type: 'null' }] };
  return { ...schema, ...description };
}

function isOptional(rule: Rule): boolean {
  const object = ruleObject(rule);
  return object['optional'] === true || object['default'] !== undefined;
}

function objectSchema(props: Record<string, Rule>, strict: boolean): JsonSchema {
  const entries = Object.entries(props).filter(([key]) => !key.startsWith('$$'));
  const required = entries.filter(([, rule]) => !isOptional(rule)).map(([key]) => key);
  return {
    type: 'object',
    properties: Object.fromEntries(entries.map(([key, rule]) => [key, ruleToJsonSchema(rule)])),
    ...(required.length > 0 ? { required } : {}),
    ...(strict ? { additionalProperties: false } : {}),
  };
}

const decimal = { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$', description: 'Exact decimal number as a string.' };
const nullableDecimal = { anyOf: [decimal, { type: 'null' }] };
const time = { type: 'string', format: 'date-time' };
const nullableTime = { anyOf: [time, { type: 'null' }] };
const text = { type: 'string' };
const nullableText = { anyOf: [text, { type: 'null' }] };
const epochMs: JsonSchema = { type: 'integer', description: 'epoch milliseconds' };

function page(item: string): JsonSchema {
  return {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: { items: { type: 'array', items: { $ref: `#/components/schemas/${item}` } }, nextCursor: { anyOf: [text, { type: 'null' }] } },
  };
}

function object(properties: Record<string, JsonSchema>): JsonSchema {
  return { type: 'object', required: Object.keys(properties), properties };
}

/** Schemas of responses, by the names the route table uses. */
export const RESPONSE_SCHEMAS: Record<string, JsonSchema> = {
  Error: object({
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: text, message: text, field: text, requestId: text },
    },
  }),
  Health: object({ status: { enum: ['ok'] }, nodeID: text, services: { type: 'array', items: text }, uptimeSeconds: { type: 'number' } }),
  OpenApiDocument: { type: 'object', required: ['openapi', 'paths'] },
  User: object({ id: { type: 'string', format: 'uuid' }, email: text, role: { enum: ['user', 'admin'] }, createdAt: time }),
  Token: object({
    token: { ...text, description: 'Access token (JWT), valid 15 minutes: send as Authorization: Bearer <token>' },
    tokenType: { enum: ['Bearer'] },
    expiresAt: time,
    refreshToken: { ...text, description: 'Single use: POST /api/auth/refresh exchanges it for a new pair' },
    refreshExpiresAt: time,
    user: object({ id: text, email: text, role: { enum: ['user', 'admin'] } }),
  }),
  LoggedOut: object({ loggedOut: { const: true } }),
  Readiness: object({
    status: { enum: ['ready', 'not-ready'] },
    checks: { type: 'object', additionalProperties: { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' }, error: text } } },
  }),
  EventStream: { type: 'string', description: 'text/event-stream; each data line is the JSON payload of a bot event, which always carries botId and userId' },
  AuditEntry: object({
    id: { type: 'string', format: 'uuid' }, at: time, actorKind: { enum: ['user', 'admin', 'operator', 'anonymous'] },
    actorId: nullableText, actorLabel: nullableText, action: text, target: nullableText, outcome: { enum: ['ok', 'denied', 'failed'] },
    status: { type: ['integer', 'null'] }, ip: nullableText, userAgent: nullableText, requestId: nullableText,
  }),
  AuditPage: page('AuditEntry'),
  StrategyList: object({
    items: {
      type: 'array',
      items: object({ name: text, title: text, description: text, parameters: { type: 'object', description: 'JSON Schema of the parameters' } }),
    },
  }),
  MarketList: object({ items: { type: 'array', items: object({ source: text, markets: { type: 'array', items: text } }) } }),
  Bot: object({
    id: { type: 'string', format: 'uuid' },
    name: text,
    exchange: text,
    marketSource: text,
    market: text,
    timeframe: text,
    strategy: object({ name: text, params: { type: 'object', additionalProperties: { type: 'number' } } }),
    risk: object({ stakeAmount: decimal, maxPositionAmount: decimal, stopLossPercent: { type: ['number', 'null'] }, takeProfitPercent: { type: ['number', 'null'] } }),
    quoteBalance: decimal,
    exchangeAccountId: { type: ['string', 'null'], format: 'uuid', description: 'Exchange account the bot trades on; null: paper trading' },
    stopPolicy: { enum: ['cancel-orders', 'leave-orders'] },
    status: { enum: ['created', 'running', 'paused', 'stopped', 'error'] },
    statusReason: nullableText,
    createdAt: time,
    updatedAt: time,
  }),
  ExchangeAccount: { type: 'object', required: ['id', 'exchange', 'label', 'maskedApiKey', 'sandbox', 'createdAt'], properties: { id: { type: 'string', format: 'uuid' }, exchange: text, label: text, maskedApiKey: text, sandbox: { type: 'boolean' }, createdAt: time, advice: text } },
  ExchangeAccountList: object({ items: { type: 'array', items: { $ref: '#/components/schemas/ExchangeAccount' } } }),
  RiskLimits: object({ dailyLossLimit: nullableDecimal, maxExposurePerMarket: nullableDecimal, updatedAt: { type: ['string', 'null'], format: 'date-time' } }),
  KillSwitch: object({ mode: { enum: ['off', 'entries', 'all'] }, reason: nullableText, changedBy: nullableText, changedAt: { type: ['string', 'null'], format: 'date-time' } }),
  BusLag: object({
    bus: { enum: ['in-process', 'jetstream'] },
    partitions: { type: 'integer' },
    lag: { type: 'array', items: object({ stream: text, partition: { type: 'integer' }, pending: { type: 'integer' }, inFlight: { type: 'integer' } }) },
    streams: { type: 'array', items: object({ stream: text, published: { type: 'integer' }, perSecond: { type: 'number' }, pending: { type: 'integer' }, inFlight: { type: 'integer' } }) },
  }),
  DeadLetterList: object({
    items: {
      type: 'array',
      items: object({ id: text, stream: text, botId: text, partition: { type: 'integer' }, msgId: text, payload: {}, error: text, deliveries: { type: 'integer' }, failedAt: { type: 'integer', description: 'Unix ms' } }),
    },
  }),
  DeadLetterReplayed: object({ id: text, replayed: { const: true } }),
  DeadLetterRemoved: object({ id: text, removed: { const: true } }),
  BotList: object({ items: { type: 'array', items: { $ref: '#/components/schemas/Bot' } } }),
  Deleted: object({ id: text, deleted: { const: true } }),
  Decision: object({
    candleTime: time,
    signal: { enum: ['buy', 'sell', 'hold'] },
    price: nullableDecimal,
    indicators: { type: 'object', additionalProperties: { type: ['number', 'null'] } },
    outcome: { enum: ['hold', 'ordered', 'denied', 'skipped', 'no-data'] },
    reason: text,
    orderId: nullableText,
    recordedAt: time,
  }),
  Order: object({
    id: text, clientOrderId: text, market: text, side: { enum: ['buy', 'sell'] }, type: text, quantity: decimal, status: text,
    filledQuantity: decimal, averageFillPrice: nullableDecimal, fee: decimal, feeCurrency: nullableText, referencePrice: decimal,
    candleTime: time, reason: text, statusReason: nullableText, createdAt: time, updatedAt: time,
  }),
  Trade: object({
    id: text, orderId: text, tradeId: text, side: { enum: ['buy', 'sell'] }, price: decimal, quantity: decimal, fee: decimal,
    feeCurrency: text, realizedProfit: decimal, executedAt: time,
  }),
  Position: object({
    market: text, quantity: decimal, averageEntryPrice: nullableDecimal, costBasis: decimal, lastPrice: nullableDecimal,
    unrealizedProfit: decimal, realizedProfit: decimal, feesPaid: decimal, quoteBalance: decimal, baseBalance: decimal,
    equity: decimal, initialBalance: decimal, totalProfit: decimal, tradesToday: { type: 'integer' }, realizedProfitToday: decimal,
    lastCandleTime: nullableTime, updatedAt: time,
  }),
  Backtest: {
    ...object({
      id: { type: 'string', format: 'uuid' },
      status: { enum: ['queued', 'running', 'completed', 'failed'] },
      progress: { type: 'number', minimum: 0, maximum: 1 },
      request: { type: 'object', description: 'The backtest as accepted, every default filled in' },
      error: nullableText,
      createdAt: time,
      startedAt: nullableTime,
      finishedAt: nullableTime,
      result: {
        anyOf: [
          object({
            strategy: text, params: { type: 'object' }, market: text, timeframe: text, feeRate: decimal, slippageRate: decimal, risk: { type: 'object' },
            metrics: { type: 'object', description: 'trades, win rate, total and annualised return, max drawdown, Sharpe, Sortino, exposure, buy and hold, final balances' },
            trades: { type: 'array', items: { type: 'object' } },
            equity: { type: 'array', items: object({ time, equity: { type: 'number' } }) },
          }),
          { type: 'null' },
        ],
      },
    }),
  },
  Fleet: object({
    items: {
      type: 'array',
      items: {
        allOf: [
          { $ref: '#/components/schemas/Bot' },
          object({
            position: { anyOf: [object({ quantity: decimal, lastPrice: nullableDecimal, realizedProfit: decimal, unrealizedProfit: decimal }), { type: 'null' }] },
            equity: nullableDecimal,
            totalProfit: nullableDecimal,
            lastDecision: { anyOf: [object({ candleTime: time, signal: text, outcome: text, reason: text, recordedAt: time }), { type: 'null' }] },
          }),
        ],
      },
    },
  }),
  Chart: {
    ...object({
      market: text,
      timeframe: text,
      candles: { type: 'array', items: object({ time: epochMs, open: { type: 'number' }, high: { type: 'number' }, low: { type: 'number' }, close: { type: 'number' }, volume: { type: 'number' } }) },
      indicators: { type: 'array', items: object({ name: text, pane: { enum: ['price', 'oscillator'] }, points: { type: 'array', items: object({ time: epochMs, value: { type: 'number' } }) } }) },
      markers: { type: 'array', items: object({ time: epochMs, side: { enum: ['buy', 'sell'] }, text }) },
      equity: { type: 'array', items: object({ time: epochMs, value: { type: 'number' } }) },
    }),
    description: 'Display values (floats); times are candle open times in epoch milliseconds. Exact amounts are in the history routes.',
  },
  BacktestList: object({ items: { type: 'array', items: { type: 'object', description: 'A Backtest without its result, with `metrics` (the report\'s metrics, or null until completed)' } } }),
  UserPage: page('User'),
  DecisionPage: page('Decision'),
  OrderPage: page('Order'),
  TradePage: page('Trade'),
};

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'Malformed request (not JSON, or a bad query)',
  '401': 'Missing or invalid bearer token',
  '403': 'The caller lacks the admin role',
  '404': 'No such resource (or not yours)',
  '409': 'The resource is in a state that forbids this',
  '429': 'Too many requests: wait the seconds the Retry-After header gives',
  '413': 'Request body too large',
  '422': 'A field is invalid; `error.field` names it',
  '500': 'Unexpected failure; `error.requestId` identifies it in the logs',
  '503': 'A service behind this route is not available right now; retry shortly',
};

function openApiPath(path: string): string {
  return path.replace(/:([a-zA-Z]+)/g, '{$1}');
}

/** Builds the document; `paramsOf` returns the validator schema of an action, if it has one. */
export function buildOpenApiDocument(paramsOf: (action: string) => Record<string, Rule> | undefined, version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const params = route.stream?.query ?? paramsOf(route.action) ?? {};
    const pathParams = [...route.path.matchAll(/:([a-zA-Z]+)/g)].map((match) => match[1] as string);
    const rest = Object.fromEntries(Object.entries(params).filter(([key]) => !pathParams.includes(key) && !key.startsWith('$$')));
    const strict = (params['$$strict'] as unknown) === true;
    const parameters = [
      ...pathParams.map((name) => ({ name, in: 'path', required: true, schema: params[name] ? ruleToJsonSchema(params[name]) : { type: 'string' } })),
      ...(route.method === 'GET' ? Object.entries(rest).map(([name, rule]) => ({ name, in: 'query', required: !isOptional(rule), schema: ruleToJsonSchema(rule) })) : []),
    ];
    const hasBody = route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH';
    const operation = {
      operationId: route.action,
      summary: route.summary,
      tags: [route.tag],
      ...(route.public ? { security: [] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(hasBody && Object.keys(rest).length > 0
        ? { requestBody: { required: true, content: { 'application/json': { schema: objectSchema(rest, strict) } } } }
        : {}),
      responses: {
        [String(route.status ?? 200)]: {
          description: route.stream ? 'An event stream: `id:`, `event:` (the event name) and `data:` (its JSON payload) per event; `event: resync` when events since Last-Event-ID are no longer kept' : 'Success',
          content: { [route.stream ? 'text/event-stream' : 'application/json']: { schema: { $ref: `#/components/schemas/${route.response}` } } },
        },
        ...(route.action === GATEWAY_ACTIONS.ready
          ? { '503': { description: 'Not ready: a check failed (each is listed)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Readiness' } } } } }
          : {}),
        ...Object.fromEntries(
          Object.entries(ERROR_RESPONSES)
            .filter(([status]) => errorApplies(route, status))
            .map(([status, description]) => [status, { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]),
        ),
      },
    };
    const key = openApiPath(`${API_PREFIX}${route.path}`);
    paths[key] = { ...paths[key], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'TradeBot API', version, description: 'Automated crypto trading bots for many users. Money is always a decimal string.' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: RESPONSE_SCHEMAS,
    },
    security: [{ bearer: [] }],
    paths,
  };
}

function errorApplies(route: RouteSpec, status: string): boolean {
  if (status === '503') return route.action !== GATEWAY_ACTIONS.ready;
  if (status === '401' || status === '404') return !route.public || route.path.includes(':');
  if (status === '403') return route.admin === true;
  if (status === '409') return route.method !== 'GET';
  if (status === '429') return route.tag !== 'operations';
  if (status === '413') return route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH';
  return true;
}
