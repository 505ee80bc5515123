import t from 'tap';
import { humanLabel, schemaValuesForApi, schemaValuesFrom, unwrapNullable, type JsonSchema } from '../../web/src/schema-values.ts';

// The shape the gateway's OpenAPI document gives a bot's risk settings (fastest-validator rules as JSON Schema).
const risk: JsonSchema = {
  type: 'object',
  properties: {
    sizingMode: { enum: ['fixed-quote', 'percent-of-equity', 'percent-risked'] },
    stakePercent: { type: 'number', minimum: 0.01, maximum: 100 },
    trailingStopPercent: { anyOf: [{ type: 'number', minimum: 0.01, maximum: 99 }, { type: 'null' }] },
    protections: {
      type: 'object',
      properties: {
        cooldownMinutes: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
        stopLossGuard: { anyOf: [{ type: 'object', required: ['tradeLimit'], properties: { tradeLimit: { type: 'integer' }, pauseMinutes: { type: 'integer' } } }, { type: 'null' }] },
      },
    },
  },
};

t.test('a form sends numbers as numbers, leaves blanks to the defaults and sends switched-off settings as null', async (t) => {
  const body = schemaValuesForApi(risk, {
    sizingMode: 'percent-of-equity',
    stakePercent: '12.5',
    trailingStopPercent: '',
    protections: { cooldownMinutes: '30', stopLossGuard: null },
  });
  t.same(body, { sizingMode: 'percent-of-equity', stakePercent: 12.5, trailingStopPercent: null, protections: { cooldownMinutes: 30, stopLossGuard: null } });
  t.same(schemaValuesForApi(risk, { stakePercent: '' }), {}, 'a blank setting that cannot be off is left to its default');
});

t.test("a form starts from the API's values and sends them back unchanged", async (t) => {
  const saved = { sizingMode: 'fixed-quote', stakePercent: 10, trailingStopPercent: null, protections: { cooldownMinutes: null, stopLossGuard: { tradeLimit: 2, pauseMinutes: 60 } } };
  const values = schemaValuesFrom(risk, saved);
  t.same(values, { sizingMode: 'fixed-quote', stakePercent: '10', trailingStopPercent: null, protections: { cooldownMinutes: null, stopLossGuard: { tradeLimit: '2', pauseMinutes: '60' } } });
  t.same(schemaValuesForApi(risk, values), saved);
});

t.test('a nullable schema is seen through to its concrete type', async (t) => {
  t.same(unwrapNullable({ anyOf: [{ type: 'number' }, { type: 'null' }], description: 'd' }), { schema: { type: 'number', description: 'd' }, nullable: true });
  t.same(unwrapNullable({ type: ['number', 'null'] }), { schema: { type: ['number'] }, nullable: true });
  t.same(unwrapNullable({ type: 'string' }), { schema: { type: 'string' }, nullable: false });
});

t.test('field names read as words, acronyms in capitals', async (t) => {
  t.equal(humanLabel('maskedApiKey'), 'Masked API key');
  t.equal(humanLabel('apiKey'), 'API key');
  t.equal(humanLabel('stopLossPercent'), 'Stop loss percent');
});
