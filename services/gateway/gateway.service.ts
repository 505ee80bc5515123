/**
 * The gateway: the only door. JSON REST under /api (moleculer-web), bearer-token
 * authentication, one error shape for every failure, request ids through every call,
 * and the OpenAPI document generated from the routes and the actions' own schemas.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import ApiGateway from 'moleculer-web';
import type { Context, ServiceSchema, ServiceSettingSchema } from 'moleculer';
import { SERVICES } from '../../libs/contracts/actions.ts';
import type { AuditRepository } from '../../libs/db/audit.repository.ts';
import type { AuditOutcome } from '../../libs/db/entities/audit-entry.entity.ts';
import type { Clock } from '../../libs/platform/clock.ts';
import type { Limiter } from '../../libs/platform/rate-limit.ts';
import type { TokenSigner } from '../../libs/platform/tokens.ts';
import type { CallerMeta } from '../shared/caller.ts';
import { ERROR_CODES } from '../shared/errors.ts';
import { clientAddress, loggableUrl } from './client-address.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { API_PREFIX, ROUTES, type RouteSpec } from './routes.ts';
import { isAppPage, sendAppPage, webAssetSettings } from './web-ui.ts';
import { LiveEventHub, MAX_STREAMS_PER_USER } from './live-events.ts';
import { STREAMED_EVENTS } from '../../libs/contracts/events.ts';
import type { LiveEventJournal } from '../../libs/platform/live-event-journal.ts';
import type { Readiness } from '../../libs/platform/readiness.ts';

export interface GatewayServiceDeps {
  readonly port: number;
  readonly tokens: TokenSigner;
  readonly clock: Clock;
  readonly version: string;
  /** Proxies in front whose X-Forwarded-For is believed (TRUST_PROXY). */
  readonly trustProxy: number;
  /** Requests per minute per signed-in user and per client address. */
  readonly rateLimits: { readonly user: Limiter; readonly address: Limiter };
  /** Where API actions are recorded (who, what, when, from where). */
  readonly audit: AuditRepository;
  /** Folder of the built web UI, served at `/` (none: the gateway serves only the API). */
  readonly webRoot?: string;
  /** What `GET /api/events` streams and resumes from. */
  readonly journal: LiveEventJournal;
  /** This process's node id: without a shared journal, each replica must see every event. */
  readonly nodeId: () => string;
  /** The dependencies' state, for `GET /api/ready`. */
  readonly readiness: () => Promise<Readiness>;
}

/** Largest JSON body accepted. */
export const BODY_LIMIT = '64kb';

interface ApiRequest extends IncomingMessage {
  $ctx?: Context<unknown, CallerMeta>;
  $alias?: { public?: boolean; status?: number; location?: string; spec?: RouteSpec };
  $params?: Record<string, unknown>;
}

interface ClientError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly field?: string;
  /** For 429: seconds until the client may try again (sent as Retry-After). */
  readonly retryAfterSeconds?: number;
}

/** Maps any failure to what a client may see: no stack traces, no internal names. */
export function toClientError(error: unknown): ClientError {
  const candidate = error as { code?: unknown; type?: unknown; message?: unknown; data?: unknown; status?: unknown; name?: unknown };
  const type = typeof candidate.type === 'string' ? candidate.type : undefined;
  if (type === 'entity.parse.failed') return { status: 400, code: ERROR_CODES.badRequest, message: 'request body is not valid JSON' };
  if (type === 'entity.too.large' || candidate.status === 413) return { status: 413, code: ERROR_CODES.payloadTooLarge, message: `request body is larger than ${BODY_LIMIT}` };
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') return { status: 415, code: ERROR_CODES.badRequest, message: 'request body encoding is not supported' };
  const status = typeof candidate.code === 'number' ? candidate.code : 500;
  if (type === 'VALIDATION_ERROR' && Array.isArray(candidate.data)) {
    const first = candidate.data[0] as { field?: string; message?: string; type?: string; actual?: string } | undefined;
    if (first?.type === 'objectStrict') {
      const field = String(first.actual ?? '').split(',')[0]?.trim();
      return { status: 422, code: ERROR_CODES.validation, message: `unknown field${String(first.actual).includes(',') ? 's' : ''}: ${first.actual}`, ...(field ? { field } : {}) };
    }
    const field = first?.field;
    return { status: 422, code: ERROR_CODES.validation, message: first?.message ?? 'invalid request', ...(field ? { field } : {}) };
  }
  if (status >= 400 && status < 500) {
    const data = candidate.data as { field?: unknown; retryAfterSeconds?: unknown } | undefined;
    const field = typeof data?.field === 'string' ? data.field : undefined;
    const code = type === 'NOT_FOUND' || type === 'SERVICE_NOT_FOUND' ? ERROR_CODES.notFound : (type ?? ERROR_CODES.badRequest);
    const message = status === 404 && type !== ERROR_CODES.notFound ? 'not found' : String(candidate.message ?? 'bad request');
    const retryAfterSeconds = status === 429 && typeof data?.retryAfterSeconds === 'number' ? data.retryAfterSeconds : undefined;
    return { status, code, message, ...(field ? { field } : {}), ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
  }
  if (status === 503 || type === 'SERVICE_NOT_AVAILABLE' || type === 'REQUEST_TIMEOUT') {
    return { status: 503, code: ERROR_CODES.unavailable, message: 'a service is not available right now, try again shortly' };
  }
  return { status: 500, code: ERROR_CODES.internal, message: 'something went wrong on our side' };
}

function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header.trim());
  return match?.[1];
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Routes whose calls go to the audit log: everything that changes something, and every admin route. */
function audited(route: RouteSpec): boolean {
  return route.method !== 'GET' || route.admin === true;
}

function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'ok';
  return status === 401 || status === 403 || status === 429 ? 'denied' : 'failed';
}

/** The access token a stream route accepts in its query (EventSource cannot send headers). */
function queryToken(request: IncomingMessage): string | undefined {
  const token = new URL(request.url ?? '/', 'http://gateway').searchParams.get('access_token');
  return token !== null && /^[A-Za-z0-9._~+/-]+=*$/.test(token) ? token : undefined;
}

function lastEventIdOf(request: IncomingMessage): string | undefined {
  const header = request.headers['last-event-id'];
  const given = typeof header === 'string' ? header : (new URL(request.url ?? '/', 'http://gateway').searchParams.get('lastEventId') ?? undefined);
  return given !== undefined && given.length > 0 && given.length <= 64 ? given : undefined;
}

function unauthorizedError(message: string) {
  return Object.assign(new Error(message), { code: 401, type: ERROR_CODES.unauthorized });
}

export function createGatewayService(deps: GatewayServiceDeps): ServiceSchema {
  const hub = new LiveEventHub(deps.journal);
  const aliases = Object.fromEntries(
    ROUTES.map((route) => [
      `${route.method} ${route.path}`,
      route.stream
        ? { spec: route, handler: (request: ApiRequest, response: ServerResponse, next: (error?: unknown) => void) => openStream(request, response).catch(next) }
        : { action: route.action, public: route.public === true, status: route.status ?? 200, location: route.location, spec: route },
    ]),
  );

  /** Serves `GET /api/events` for the authenticated caller; the stream stays open until the client leaves. */
  async function openStream(request: ApiRequest, response: ServerResponse): Promise<void> {
    const user = request.$ctx?.meta.user;
    if (!user) throw unauthorizedError('a bearer token is required');
    if (hub.streamsOf(user.id) >= MAX_STREAMS_PER_USER) {
      throw Object.assign(new Error(`at most ${MAX_STREAMS_PER_USER} event streams at once; close one first`), { code: 429, type: ERROR_CODES.rateLimited, data: { retryAfterSeconds: 5 } });
    }
    await hub.open(user.id, request, response, lastEventIdOf(request));
  }

  const liveEventGroup = () => (deps.journal.shared ? 'gateway-live-journal' : `gateway-live-${deps.nodeId()}`);
  /** Every user-facing bot event goes into the journal; the journal feeds the open streams. */
  const liveEventHandlers = Object.fromEntries(
    STREAMED_EVENTS.map((event) => [
      event,
      {
        group: liveEventGroup(),
        async handler(this: { logger: { warn: (...args: unknown[]) => void } }, ctx: Context<{ userId?: unknown; changeId?: unknown }>) {
          const userId = ctx.params?.userId;
          if (typeof userId !== 'string') return;
          // A broadcast reaches every replica under a different context id: its own id dedupes it.
          const dedupeKey = typeof ctx.params.changeId === 'string' ? `${event}:${ctx.params.changeId}` : ctx.id;
          try {
            await deps.journal.record(dedupeKey, userId, event, ctx.params);
          } catch (error) {
            // Live events may be dropped (STYLE §4); a reconnecting client is told to reload.
            this.logger.warn({ err: error, event }, 'could not journal a live event');
          }
        },
      },
    ]),
  );
  let openApiDocument: Record<string, unknown> | undefined;
  let logger: { error: (...args: unknown[]) => void; warn: (...args: unknown[]) => void } | undefined;

  /** Appends the audit entry of one API call; a failure to record is logged, never the client's problem. */
  function recordAudit(request: ApiRequest, status: number, data?: unknown): void {
    const route = request.$alias?.spec;
    const ctx = request.$ctx;
    if (!route || !ctx || !audited(route)) return;
    const user = ctx.meta.user;
    const params = request.$params ?? {};
    const actor = ctx.meta.auditActor;
    const target = [params['id'], (data as { id?: unknown } | undefined)?.id].find((value) => typeof value === 'string') as string | undefined;
    const entry = {
      id: randomUUID(), at: new Date(deps.clock.now()),
      actorKind: user ? user.role : actor ? ('user' as const) : ('anonymous' as const),
      actorId: user?.id ?? actor?.id ?? null,
      actorLabel: actor?.label ?? (typeof params['email'] === 'string' ? params['email'].slice(0, 254) : null),
      action: `${route.method} ${API_PREFIX}${route.path}`, target: target ?? null, outcome: outcomeOf(status), status,
      ip: ctx.meta.clientIp?.slice(0, 64) ?? null, userAgent: ctx.meta.userAgent?.slice(0, 256) ?? null, requestId: ctx.meta.requestId ?? null,
    };
    deps.audit.append(entry).catch((error: unknown) => logger?.error({ err: error, requestId: entry.requestId }, 'could not record an audit entry'));
  }

  const settings = {
      port: deps.port,
      ...(deps.webRoot ? { assets: webAssetSettings(deps.webRoot) } : {}),
      ip: '0.0.0.0',
      log4XXResponses: false,
      logRouteRegistration: 'debug',
      // moleculer-web would log URLs with their query, which may carry the live-events token.
      logRequest: null,
      logResponse: null,
      logRequestParams: null,
      logResponseData: null,
      routes: [
        {
          path: API_PREFIX,
          authentication: true,
          authorization: true,
          autoAliases: false,
          mappingPolicy: 'restrict',
          mergeParams: true,
          bodyParsers: { json: { strict: true, limit: BODY_LIMIT }, urlencoded: false },
          aliases,
          onBeforeCall(this: unknown, ctx: Context<unknown, CallerMeta>, _route: unknown, request: IncomingMessage, response: ServerResponse) {
            const given = request.headers['x-request-id'];
            const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
            (ctx as { requestID: string }).requestID = requestId;
            ctx.meta.requestId = requestId;
            ctx.meta.clientIp = clientAddress(request, deps.trustProxy);
            const userAgent = request.headers['user-agent'];
            if (typeof userAgent === 'string') ctx.meta.userAgent = userAgent.slice(0, 256);
            response.setHeader('X-Request-Id', requestId);
          },
          onAfterCall(this: unknown, ctx: Context<unknown, { $location?: string }>, _route: unknown, request: ApiRequest, response: ServerResponse, data: unknown) {
            response.statusCode = request.$alias?.status ?? 200;
            const location = request.$alias?.location;
            if (location) {
              ctx.meta.$location = `${API_PREFIX}${location.replace('{id}', String((data as { id?: unknown }).id ?? ''))}`;
              // moleculer-web sends Location itself only with 201 and redirects; a 202 names where to watch too.
              response.setHeader('Location', ctx.meta.$location);
            }
            recordAudit(request, response.statusCode, data);
            return data;
          },
        },
      ],
      onError(this: { logger: { error: (...args: unknown[]) => void } }, request: ApiRequest, response: ServerResponse, error: unknown) {
        const clientError = toClientError(error);
        const requestId = request.$ctx?.requestID ?? undefined;
        if (clientError.status >= 500) this.logger.error({ err: error, requestId, url: loggableUrl(request.url) }, 'request failed');
        recordAudit(request, clientError.status);
        if (response.headersSent) {
          response.end();
          return;
        }
        response.setHeader('Content-Type', 'application/json; charset=utf-8');
        if (requestId) response.setHeader('X-Request-Id', requestId);
        if (clientError.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(clientError.retryAfterSeconds));
        response.writeHead(clientError.status);
        const { status: _status, retryAfterSeconds: _retryAfter, ...body } = clientError;
        response.end(JSON.stringify({ error: { ...body, ...(clientError.status >= 500 && requestId ? { requestId } : {}) } }));
      },
  };

  return {
    name: SERVICES.gateway,
    mixins: [ApiGateway],
    settings: settings as ServiceSettingSchema,
    actions: {
      health: {
        visibility: 'published',
        async handler(this: { broker: { nodeID: string; registry: { getServiceList(options: object): { name: string }[] } } }) {
          const services = [...new Set(this.broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true }).map((service) => service.name))].sort();
          return { status: 'ok', nodeID: this.broker.nodeID, services, uptimeSeconds: Math.round(process.uptime()) };
        },
      },
      ready: {
        visibility: 'published',
        async handler(ctx: Context<unknown, { $statusCode?: number }>) {
          const readiness = await deps.readiness();
          // 503 tells an orchestrator to send no traffic here until every check passes.
          if (readiness.status !== 'ready') ctx.meta.$statusCode = 503;
          return readiness;
        },
      },
      openapi: {
        visibility: 'published',
        async handler(this: { broker: { registry: { getActionList(options: object): { name: string; action?: { params?: Record<string, unknown> } }[] } } }) {
          if (!openApiDocument) {
            const actions = new Map(this.broker.registry.getActionList({ withActions: true }).map((entry) => [entry.name, entry.action?.params]));
            openApiDocument = buildOpenApiDocument((name) => actions.get(name) as Record<string, string> | undefined, deps.version);
          }
          return openApiDocument;
        },
      },
    },
    events: liveEventHandlers,
    created() {
      logger = this.logger;
    },
    async stopped() {
      hub.closeAll();
      await deps.journal.close();
    },
    methods: {
      /** Nothing routed or served as a file: a page of the web UI gets index.html, anything else the JSON 404. */
      send404(this: { sendError(request: IncomingMessage, response: ServerResponse, error: Error): void }, request: IncomingMessage, response: ServerResponse) {
        const notFound = () => this.sendError(request, response, Object.assign(new Error('not found'), { code: 404, type: ERROR_CODES.notFound }));
        if (!deps.webRoot || !isAppPage(request)) return notFound();
        sendAppPage(deps.webRoot, request, response).then((sent) => sent || notFound(), notFound);
      },
      /** Verifies the bearer token; public routes accept anonymous callers. */
      async authenticate(ctx: Context<unknown, CallerMeta>, _route: unknown, request: IncomingMessage, _response: ServerResponse, alias: { public?: boolean }) {
        const token = bearerToken(request) ?? ((alias as { spec?: RouteSpec }).spec?.stream ? queryToken(request) : undefined);
        if (token === undefined) {
          if (alias.public) return null;
          throw unauthorizedError('a bearer token is required (Authorization: Bearer <token>)');
        }
        const claims = await deps.tokens.verify(token, deps.clock.now());
        if (!claims) throw unauthorizedError('the bearer token is invalid or expired');
        ctx.meta.user = { id: claims.userId, role: claims.role };
        return ctx.meta.user;
      },
      /** Rate limits: per client address always, per user when signed in; operations routes are exempt. */
      async authorize(ctx: Context<unknown, CallerMeta>, _route: unknown, _request: IncomingMessage, _response: ServerResponse, alias: { spec?: RouteSpec }) {
        if (alias.spec?.tag === 'operations') return;
        const [byAddress, byUser] = await Promise.all([
          ctx.meta.clientIp ? deps.rateLimits.address.hit(ctx.meta.clientIp) : undefined,
          ctx.meta.user ? deps.rateLimits.user.hit(ctx.meta.user.id) : undefined,
        ]);
        const wait = Math.max(byAddress ?? 0, byUser ?? 0);
        if (wait > 0) {
          const who = byUser !== undefined ? 'this account' : 'this address';
          throw Object.assign(new Error(`too many requests from ${who}; try again in ${wait} s`), { code: 429, type: ERROR_CODES.rateLimited, data: { retryAfterSeconds: wait } });
        }
      },
    },
  };
}
