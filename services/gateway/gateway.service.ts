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
import type { Clock } from '../../libs/platform/clock.ts';
import type { TokenSigner } from '../../libs/platform/tokens.ts';
import type { CallerMeta } from '../shared/caller.ts';
import { ERROR_CODES } from '../shared/errors.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { API_PREFIX, ROUTES } from './routes.ts';
import { isAppPage, sendAppPage, webAssetSettings } from './web-ui.ts';

export interface GatewayServiceDeps {
  readonly port: number;
  readonly tokens: TokenSigner;
  readonly clock: Clock;
  readonly version: string;
  /** Folder of the built web UI, served at `/` (none: the gateway serves only the API). */
  readonly webRoot?: string;
}

/** Largest JSON body accepted. */
export const BODY_LIMIT = '64kb';

interface ApiRequest extends IncomingMessage {
  $ctx?: Context<unknown, CallerMeta>;
  $alias?: { public?: boolean; status?: number; location?: string };
}

interface ClientError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly field?: string;
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
    const data = candidate.data as { field?: unknown } | undefined;
    const field = typeof data?.field === 'string' ? data.field : undefined;
    const code = type === 'NOT_FOUND' || type === 'SERVICE_NOT_FOUND' ? ERROR_CODES.notFound : (type ?? ERROR_CODES.badRequest);
    const message = status === 404 && type !== ERROR_CODES.notFound ? 'not found' : String(candidate.message ?? 'bad request');
    return { status, code, message, ...(field ? { field } : {}) };
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

export function createGatewayService(deps: GatewayServiceDeps): ServiceSchema {
  const aliases = Object.fromEntries(
    ROUTES.map((route) => [`${route.method} ${route.path}`, { action: route.action, public: route.public === true, status: route.status ?? 200, location: route.location }]),
  );
  let openApiDocument: Record<string, unknown> | undefined;

  const settings = {
      port: deps.port,
      ...(deps.webRoot ? { assets: webAssetSettings(deps.webRoot) } : {}),
      ip: '0.0.0.0',
      log4XXResponses: false,
      logRouteRegistration: 'debug',
      logRequest: 'debug',
      logResponse: 'debug',
      logRequestParams: null,
      logResponseData: null,
      routes: [
        {
          path: API_PREFIX,
          authentication: true,
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
            return data;
          },
        },
      ],
      onError(this: { logger: { error: (...args: unknown[]) => void } }, request: ApiRequest, response: ServerResponse, error: unknown) {
        const clientError = toClientError(error);
        const requestId = request.$ctx?.requestID ?? undefined;
        if (clientError.status >= 500) this.logger.error({ err: error, requestId, url: request.url }, 'request failed');
        response.setHeader('Content-Type', 'application/json; charset=utf-8');
        if (requestId) response.setHeader('X-Request-Id', requestId);
        response.writeHead(clientError.status);
        const { status: _status, ...body } = clientError;
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
    methods: {
      /** Nothing routed or served as a file: a page of the web UI gets index.html, anything else the JSON 404. */
      send404(this: { sendError(request: IncomingMessage, response: ServerResponse, error: Error): void }, request: IncomingMessage, response: ServerResponse) {
        const notFound = () => this.sendError(request, response, Object.assign(new Error('not found'), { code: 404, type: ERROR_CODES.notFound }));
        if (!deps.webRoot || !isAppPage(request)) return notFound();
        sendAppPage(deps.webRoot, request, response).then((sent) => sent || notFound(), notFound);
      },
      /** Verifies the bearer token; public routes accept anonymous callers. */
      async authenticate(ctx: Context<unknown, CallerMeta>, _route: unknown, request: IncomingMessage, _response: ServerResponse, alias: { public?: boolean }) {
        const token = bearerToken(request);
        if (token === undefined) {
          if (alias.public) return null;
          throw Object.assign(new Error('a bearer token is required (Authorization: Bearer <token>)'), { code: 401, type: ERROR_CODES.unauthorized });
        }
        const claims = await deps.tokens.verify(token, deps.clock.now());
        if (!claims) throw Object.assign(new Error('the bearer token is invalid or expired'), { code: 401, type: ERROR_CODES.unauthorized });
        ctx.meta.user = { id: claims.userId, role: claims.role };
        return ctx.meta.user;
      },
    },
  };
}
