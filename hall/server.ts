/**
 * The hall's HTTP front: the route table (declared once, docs/architecture.md §10.2) — each route of shared/hall-api's
 * `HALL_ROUTES` with its one handler — and the request pipeline every route goes through:
 * match, read the body (bounded), authenticate, parse and validate, handle, answer signed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  HALL_HEADERS,
  HALL_MAX_BODY_BYTES,
  HALL_ROUTES,
  PushRequest,
  isPushedAuditEvent,
  pathParams,
  type HallAccess,
  type HallRequest,
  type HallResponse,
  type HallRouteName,
} from '../shared/hall-api';
import type { z } from 'zod';
import { Authenticator, signedHeaders, type Caller, type SignedHeaders } from './auth';
import { HallError, parseJson, parseQuery, readBody, Router, validate } from './http';
import type { HallIdentity } from './identity';
import type { IngestService } from './ingest';
import { screenPush } from './privacy';
import type { LibraryMirror } from './library';
import type { SupervisionService } from './supervision';

/** What a handler gets besides its input. */
export interface HandlerContext {
  caller: Caller;
  method: string;
  pathWithQuery: string;
  body: Buffer;
  signed: SignedHeaders | null;
}

type Handler<K extends HallRouteName> = (input: HallRequest<K>, context: HandlerContext) => Promise<HallResponse<K>>;

/** A route of the table: where, who, what shape, and its handler. */
export interface HallRoute {
  name: HallRouteName;
  method: 'GET' | 'POST';
  path: string;
  access: HallAccess;
  request: z.ZodType;
  /** A check of the input as received, before its schema (the push's screen for personal data). */
  screen?: (raw: Record<string, unknown>) => void;
  /** The schema check, where a route has a faster one than its request schema (the push). */
  validate?: (raw: Record<string, unknown>) => unknown;
  handler: (input: unknown, context: HandlerContext) => Promise<unknown>;
}

/** The services the handlers call. */
export interface HallServices {
  auth: Authenticator;
  ingest: IngestService;
  supervision: SupervisionService;
  library: LibraryMirror;
}

/**
 * The push's schema check. A push carries thousands of audit events and the strict schema
 * builds a copy of each, which cost more than hashing them: events that isPushedAuditEvent
 * vouches for are kept as parsed. Anything it does not vouch for sends the whole push through
 * the schema, so what is refused, and with which error, is always the schema's verdict.
 */
export function validatePush(raw: Record<string, unknown>): PushRequest {
  const { audit } = raw;
  if (Array.isArray(audit) && audit.every(isPushedAuditEvent)) {
    const rest = PushRequest.safeParse({ ...raw, audit: [] });
    if (rest.success) return { ...rest.data, audit };
  }
  return validate(PushRequest, raw);
}

function supervisorOf(context: HandlerContext): { id: string } {
  // The authenticator refuses a supervision call without a supervisor (403) before any handler runs.
  return { id: context.caller.operator!.id };
}

/** The table: every route of the protocol with its handler (a route without one does not compile). */
export function hallRoutes(services: HallServices): HallRoute[] {
  const { ingest, supervision, library } = services;
  const handlers: { [K in HallRouteName]: Handler<K> } = {
    // Enrolment is handled by the authenticator itself (the request is signed by the key it enrols).
    enrol: (input, context) => services.auth.enrol(context.method, context.pathWithQuery, context.body, context.signed, input),
    syncState: (_input, { caller }) => ingest.state(caller.workstationId),
    push: (input, { caller }) => ingest.push(caller.workstationId, input),
    reference: (input) => library.get(input.name),
    dashboard: (input) => supervision.dashboard(input),
    cases: (input) => supervision.cases(input),
    caseRecord: (input) => supervision.caseRecord(input),
    objections: (input) => supervision.objections(input),
    audit: (input) => supervision.audit(input),
    auditCount: (input) => supervision.auditCount(input),
    verifyChain: (input, context) => supervision.verifyChain(input, supervisorOf(context)),
    drawReview: (input, context) => supervision.drawReview(input, supervisorOf(context)),
    reviews: (input) => supervision.reviews(input),
    review: (input) => supervision.review(input),
    checkReview: (input) => supervision.checkReview(input),
    recordFinding: (input, context) => supervision.recordFinding(input, supervisorOf(context)),
    alerts: (input) => supervision.alerts(input),
    acknowledgeAlert: (input, context) => supervision.acknowledgeAlert(input, supervisorOf(context)),
    workstations: () => supervision.workstations(),
    revokeWorkstation: (input, context) => supervision.revokeWorkstation(input, supervisorOf(context)),
    attention: () => supervision.attention(),
  };
  const screens: Partial<Record<HallRouteName, HallRoute['screen']>> = { push: screenPush };
  const validators: Partial<Record<HallRouteName, HallRoute['validate']>> = { push: validatePush };
  return (Object.keys(HALL_ROUTES) as HallRouteName[]).map((name) => ({
    name,
    ...HALL_ROUTES[name],
    screen: screens[name],
    validate: validators[name],
    handler: handlers[name] as HallRoute['handler'],
  }));
}

/** Sends a JSON answer, signed by the hall when the request carried a nonce to bind it to. */
function send(res: ServerResponse, status: number, value: unknown, identity: HallIdentity, nonce: string | null): void {
  const body = Buffer.from(JSON.stringify(value));
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(body.length),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
  if (nonce) {
    const time = new Date().toISOString();
    headers[HALL_HEADERS.time] = time;
    headers[HALL_HEADERS.signature] = identity.signResponse(status, nonce, body, time);
  }
  res.writeHead(status, headers);
  res.end(body);
}

/** A request's input as received: the query (GET) or the JSON body (POST), with the path's parameters. */
function requestInput(route: HallRoute, req: IncomingMessage, url: URL, params: Record<string, string>, body: Buffer): Record<string, unknown> {
  if (route.method === 'GET') {
    if (body.length > 0) throw new HallError('BAD_REQUEST', 'GET 请求不应带有请求内容。');
    const query = parseQuery(url.searchParams);
    for (const name of pathParams(route.path))
      if (Object.hasOwn(query, name)) throw new HallError('BAD_REQUEST', `参数 ${name} 已在路径中给出。`, { path: name });
    return { ...query, ...params };
  }
  if (url.search) throw new HallError('BAD_REQUEST', 'POST 请求的参数应放在请求内容中。');
  const json = parseJson(req, body);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new HallError('BAD_REQUEST', '请求内容必须是一个 JSON 对象。');
  for (const name of pathParams(route.path))
    if (Object.hasOwn(json, name)) throw new HallError('UNKNOWN_FIELD', `字段 ${name} 已在路径中给出。`, { path: name });
  return { ...(json as Record<string, unknown>), ...params };
}

/** The request pipeline over the route table. */
export function hallRequestHandler(routes: HallRoute[], auth: Authenticator, identity: HallIdentity, log: (line: string) => void) {
  const router = new Router(routes);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const pathWithQuery = req.url ?? '/';
    let nonce: string | null = null;
    try {
      const url = new URL(pathWithQuery, 'http://hall.invalid');
      const signed = signedHeaders(req.headers);
      nonce = signed?.nonce ?? null;
      const { route, params } = router.match(method, url.pathname);
      let body: Buffer | null = await readBody(req, HALL_MAX_BODY_BYTES);
      const caller: Caller =
        route.access === 'enrol'
          ? { workstationId: signed?.workstationId ?? '', operator: null, nonce: nonce ?? '' }
          : await auth.check(method, pathWithQuery, body, signed, route.access);
      let raw: Record<string, unknown> | null = requestInput(route, req, url, params, body);
      route.screen?.(raw);
      let input: unknown = route.validate ? route.validate(raw) : validate(route.request, raw);
      const handled = route.handler(input, { caller, method, pathWithQuery, body, signed });
      // Let go of the request while its handler waits (a push's body and thousands of parsed
      // events would otherwise outlive the young generation): what a handler needs after its
      // first wait, it keeps itself.
      raw = input = body = null;
      const value = await handled;
      send(res, route.name === 'enrol' ? 201 : 200, value, identity, nonce);
    } catch (error) {
      if (error instanceof HallError) {
        if (req.readableEnded === false) req.resume();
        send(res, error.status, error.body(), identity, nonce);
        return;
      }
      log(`hall: internal error on ${method} ${pathWithQuery}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      send(res, 500, new HallError('INTERNAL').body(), identity, nonce);
    }
  };
}
