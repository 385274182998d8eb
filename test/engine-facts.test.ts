/**
 * What a function does with the request, per framework convention (`paramsFor`): the request
 * parts it reads, how it rejects, the credentials it checks, the schemas it applies, the requests
 * it counts. Each case has a look-alike that must not count.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Evaluator, type Value } from '../server/src/engine/evaluate';
import { analyzeFunction, paramsFor, type FunctionFacts, type RequestParams, type RequestStyle } from '../server/src/engine/facts';
import { parseFile } from '../server/src/engine/parse';

/** Facts of the function exported as `h` from a one-file module. */
function factsOf(code: string, style: RequestStyle, extra: Partial<RequestParams> = {}): FunctionFacts {
  const file = '/mem/h.ts';
  const pf = parseFile(file, code);
  assert.ok(pf.ast, pf.problem?.message);
  const ev = new Evaluator({ getParsed: (f) => (f === file ? pf : undefined), resolveImport: () => undefined });
  ev.loadModule(file);
  const h = ev.moduleExport(file, 'h') as Extract<Value, { kind: 'function' }>;
  assert.equal(h.kind, 'function');
  return analyzeFunction(h, pf, ev, { ...paramsFor(style, h.node), ...extra });
}

const reads = (f: FunctionFacts) => [...new Set(f.reads.map((r) => `${r.source}${r.field ? '.' + r.field : ''}`))].sort();
const statuses = (f: FunctionFacts) => f.rejections.map((r) => r.status ?? 'any');

describe('facts: Fastify (request, reply)', () => {
  it('reads request parts and rejects with reply.code / reply.unauthorized()', () => {
    const f = factsOf(
      `export async function h(request, reply) {
         try { await request.jwtVerify(); } catch { return reply.code(401).send({ error: 'no' }); }
         if (!request.user.admin) return reply.forbidden();
         return db.find(request.params.id, request.query.q, request.body.name);
       }`,
      'fastify',
    );
    assert.deepEqual(reads(f), ['body.name', 'params.id', 'query.q']);
    assert.deepEqual(statuses(f), [401, 403]);
    assert.ok(f.credentialSignals.some((s) => /jwtVerify/.test(s.what)));
  });
});

describe('facts: Koa (ctx, next)', () => {
  it('ctx.request.body, ctx.query, ctx.params, ctx.get(), ctx.throw, ctx.status =', () => {
    const f = factsOf(
      `export async function h(ctx, next) {
         const token = ctx.get('Authorization');
         if (!ctx.state.user) ctx.throw(401, 'sign in');
         if (ctx.state.user.role !== 'admin') { ctx.status = 403; return; }
         const { name } = ctx.request.body;
         return save(ctx.params.id, ctx.query.page, name);
       }`,
      'koa',
    );
    assert.deepEqual(reads(f), ['body', 'body.name', 'headers.authorization', 'params.id', 'query.page']);
    assert.deepEqual(statuses(f), [401, 403]);
    assert.ok(f.credentialSignals.some((s) => s.what.includes('ctx.state.user')));
    assert.ok(f.roleSignals.some((s) => s.what.includes('ctx.state.user.role')));
  });
  it('ctx.body is the response, not input; setting ctx.state.user without rejecting is no rejection', () => {
    const f = factsOf(`export async function h(ctx, next) { ctx.state.user = decode(ctx.cookies.get('sid')); ctx.body = { ok: true }; await next(); }`, 'koa');
    assert.deepEqual(reads(f), ['cookies.sid']);
    assert.deepEqual(statuses(f), []);
  });
  it('zod on ctx.request.body is validation of the body', () => {
    const f = factsOf(`export async function h(ctx) { const data = Schema.parse(ctx.request.body); ctx.body = data; }`, 'koa');
    assert.deepEqual(f.validationCalls.map((v) => [v.covers, v.checked]), [[['body'], true]]);
  });
});

describe('facts: Hono (c, next)', () => {
  it('c.req.json(), c.req.query(), c.req.param(), c.req.header() and c.json(_, 401)', () => {
    const f = factsOf(
      `export const h = async (c) => {
         const auth = c.req.header('Authorization');
         if (!auth) return c.json({ error: 'unauthorized' }, 401);
         const body = await c.req.json();
         return c.json(await repo.update(c.req.param('id'), c.req.query('dryRun'), body.title));
       };`,
      'hono',
    );
    assert.deepEqual(reads(f), ['body', 'body.title', 'headers.authorization', 'params.id', 'query.dryRun']);
    assert.deepEqual(statuses(f), [401]);
    assert.ok(f.credentialSignals.length >= 1);
  });
  it('c.req.valid() is validated input, not a raw read; c.json(data) with no status is no rejection', () => {
    const f = factsOf(`export const h = (c) => { const data = c.req.valid('json'); return c.json(data); };`, 'hono');
    assert.deepEqual(reads(f), []);
    assert.deepEqual(statuses(f), []);
  });
  it('throw new HTTPException(403) rejects; c.get("jwtPayload") is a credential read', () => {
    const f = factsOf(`export const h = async (c, next) => { const p = c.get('jwtPayload'); if (p.role !== 'admin') throw new HTTPException(403); await next(); };`, 'hono');
    assert.deepEqual(statuses(f), [403]);
    assert.ok(f.credentialSignals.some((s) => s.what.includes("c.get('jwtPayload')")));
  });
});

describe('facts: Next.js route handlers (request, { params })', () => {
  it('await request.json(), searchParams, params, headers.get() and NextResponse.json(_, { status })', () => {
    const f = factsOf(
      `export async function h(request, { params }) {
         const key = request.headers.get('x-api-key');
         if (key !== process.env.KEY) return NextResponse.json({ error: 'no' }, { status: 401 });
         const q = request.nextUrl.searchParams.get('q');
         const body = await request.json();
         return NextResponse.json(await db.update(params.id, q, body));
       }`,
      'nextjs',
    );
    assert.deepEqual(reads(f), ['body', 'headers.x-api-key', 'params.id', 'query.q']);
    assert.deepEqual(statuses(f), [401]);
  });
  it('schema.parse(await req.json()) validates the body; new Response(…, { status: 200 }) is no rejection', () => {
    const f = factsOf(`export async function h(req) { const input = Body.parse(await req.json()); return new Response(JSON.stringify(input), { status: 200 }); }`, 'nextjs');
    assert.deepEqual(f.validationCalls.map((v) => v.covers), [['body']]);
    assert.deepEqual(statuses(f), []);
  });
  it('@upstash/ratelimit limit() counts requests; a look-alike .limit() on a query builder does not', () => {
    const f = factsOf(
      `import { Ratelimit } from '@upstash/ratelimit';
       const ratelimit = new Ratelimit({ limiter: Ratelimit.slidingWindow(10, '10 s') });
       export async function h(req) { const { success } = await ratelimit.limit(req.ip); if (!success) return new Response('slow down', { status: 429 }); return Response.json(await db.select().from(t).limit(10)); }`,
      'nextjs',
    );
    assert.equal(f.rateSignals.filter((s) => s.what.includes('ratelimit.limit')).length, 1);
    assert.deepEqual(statuses(f), [429]);
  });
});

describe('facts: NestJS guards', () => {
  it('context.switchToHttp().getRequest() is the request; return false rejects (403) only in guards', () => {
    const f = factsOf(`export function h(context) { const request = context.switchToHttp().getRequest(); const token = request.headers.authorization; if (!token) return false; return true; }`, 'nestjs', { falseRejects: true, req: undefined });
    assert.deepEqual(reads(f), ['headers.authorization']);
    assert.deepEqual(statuses(f), [403]);
    const plain = factsOf(`export function h(context) { const request = context.switchToHttp().getRequest(); if (!request.headers.authorization) return false; return true; }`, 'nestjs', { req: undefined });
    assert.deepEqual(statuses(plain), []);
  });
});
