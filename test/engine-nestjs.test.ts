/**
 * The NestJS route model and the three core rules: the fixture app's whole inventory and every
 * finding, evidence for key routes (guards, @Public(), pipes and DTOs, throttler, consumer
 * middleware), look-alikes that must not count, and small in-memory cases per construct.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { AnalysisResult, Route } from '../server/src/engine';
import { patternMatches } from '../server/src/engine/frameworks/nestjs';
import { analyzeDir, analyzeMemory, findingLines, findingTable, fixture, routeTable } from './helpers';

function find(r: AnalysisResult, method: string, path: string): Route {
  const rt = r.model.routes.find((x) => x.method === method && x.path === path);
  assert.ok(rt, `route ${method} ${path} not found in ${r.model.routes.map((x) => `${x.method} ${x.path}`).join(', ')}`);
  return rt;
}

function rows(r: AnalysisResult): string[] {
  return routeTable(r, '/mem');
}

describe('nestjs-app fixture (TypeScript, modules, guards, pipes, throttler)', () => {
  const root = fixture('nestjs-app');
  const result = analyzeDir(root);
  const route = (method: string, path: string) => find(result, method, path);

  it('finds the whole route inventory with prefixes, versions and RouterModule paths', () => {
    assert.deepEqual(routeTable(result, root), [
      'DELETE /api/users/:id src/users/users.controller.ts:40 auth=present validation=missing rateLimit=present',
      'DELETE /api/v1/articles/:id src/articles/articles.controller.ts:29 auth=missing validation=not-needed rateLimit=present',
      'GET /api/admin/reports src/admin/reports.controller.ts:12 auth=present validation=not-needed rateLimit=missing',
      'GET /api/auth/me src/auth/auth.controller.ts:27 auth=present validation=not-needed rateLimit=present',
      'GET /api/orders/export src/orders/orders.controller.ts:15 auth=present validation=missing rateLimit=present',
      'GET /api/partners/status src/partners/partners.controller.ts:7 auth=public(declared) validation=not-needed rateLimit=present',
      'GET /api/users src/users/users.controller.ts:12 auth=present validation=present rateLimit=present',
      'GET /api/users/:id src/users/users.controller.ts:29 auth=present validation=present rateLimit=present',
      'GET /api/users/count src/users/users.controller.ts:18 auth=public(declared) validation=not-needed rateLimit=present',
      'GET /api/users/directory src/users/users.controller.ts:24 auth=present validation=not-needed rateLimit=present',
      'GET /api/v1/articles src/articles/articles.controller.ts:10 auth=missing validation=missing rateLimit=present',
      'GET /api/v2/articles src/articles/articles.controller.ts:16 auth=missing validation=present rateLimit=present',
      'GET /health src/health.controller.ts:7 auth=public(inferred) validation=not-needed rateLimit=missing',
      'GET /legacy/dump src/legacy/legacy.controller.ts:6 auth=unknown validation=not-needed rateLimit=present',
      'PATCH /api/users/:id src/users/users.controller.ts:34 auth=present validation=present rateLimit=present',
      'POST /api/admin/reports/rebuild src/admin/reports.controller.ts:18 auth=present validation=not-needed rateLimit=present',
      'POST /api/auth/login src/auth/auth.controller.ts:14 auth=public(inferred) validation=present rateLimit=present',
      'POST /api/auth/signup src/auth/auth.controller.ts:20 auth=public(inferred) validation=missing rateLimit=missing',
      'POST /api/orders src/orders/orders.controller.ts:10 auth=present validation=present rateLimit=present',
      'POST /api/orders/:id/refund src/orders/orders.controller.ts:22 auth=present validation=present rateLimit=missing',
      'POST /api/partners/sync src/partners/partners.controller.ts:13 auth=present validation=present rateLimit=present',
      'POST /api/v1/articles src/articles/articles.controller.ts:22 auth=missing validation=missing rateLimit=present',
    ]);
    assert.ok(result.model.routes.every((r) => r.framework === 'nestjs'));
  });

  it('reports exactly the expected findings', () => {
    assert.deepEqual(findingTable(result, root), [
      'src/articles/articles.controller.ts:10 missing-auth warning',
      'src/articles/articles.controller.ts:10 missing-validation warning',
      'src/articles/articles.controller.ts:16 missing-auth warning',
      'src/articles/articles.controller.ts:22 missing-auth error',
      'src/articles/articles.controller.ts:22 missing-validation warning',
      'src/articles/articles.controller.ts:29 missing-auth error',
      'src/auth/auth.controller.ts:20 missing-rate-limit error',
      'src/auth/auth.controller.ts:20 missing-validation warning',
      'src/orders/orders.controller.ts:15 missing-validation error',
      'src/orders/orders.controller.ts:22 missing-rate-limit warning',
      'src/users/users.controller.ts:40 missing-validation error',
    ]);
    assert.deepEqual(findingTable(result, root, { suppressed: true }), []);
    assert.deepEqual(result.internalErrors, []);
  });

  it('records the app created in main.ts, with its rate limiter and auth', () => {
    assert.equal(result.model.apps.length, 1);
    const app = result.model.apps[0];
    assert.equal(app.framework, 'nestjs');
    assert.ok(app.location.file.endsWith('src/main.ts'));
    assert.equal(app.location.start.line, 7);
    assert.equal(app.hasRateLimiter, true);
    assert.equal(app.hasAuth, true);
    assert.ok(result.model.routes.filter((r) => r.path !== '/legacy/dump').every((r) => r.appId === app.id));
  });

  it('anchors routes on the method decorator and names the handler', () => {
    const r = route('GET', '/api/users/:id');
    assert.equal(r.registration.start.line, 29);
    assert.equal(r.registration.start.column, 3);
    assert.equal(result.findings.length > 0, true);
    assert.equal(r.handlerName, 'UsersController.findOne');
    assert.equal(r.handler!.start.line, 30);
  });

  it('orders steps: app middleware, global guards, controller guards, route guards, then pipes', () => {
    assert.deepEqual(
      route('DELETE', '/api/users/:id').steps.map((s) => `${s.scope}:${s.name}`),
      [
        'app:helmet()',
        'app:RequestLogger',
        'app:ThrottlerGuard',
        'controller:JwtAuthGuard',
        'route:JwtAuthGuard',
        'route:RolesGuard',
        "route:@ApiBearerAuth() (through @Auth('admin'))",
        'app:new ValidationPipe({…})',
      ],
    );
  });

  it('classifies guards: passport subclass by package, RolesGuard by its canActivate body, composite @Auth()', () => {
    const del = route('DELETE', '/api/users/:id');
    const jwt = del.steps.find((s) => s.name === 'JwtAuthGuard' && s.scope === 'controller')!;
    assert.deepEqual(jwt.classifications.map((c) => [c.role, c.source, c.confidence]), [['auth', 'package', 'high']]);
    assert.match(jwt.classifications[0].reason, /^JwtAuthGuard \(guards\/jwt-auth\.guard\.ts:7\) extends AuthGuard\('jwt'\) from @nestjs\/passport/);
    assert.ok(jwt.definition!.file.endsWith('auth/guards/jwt-auth.guard.ts'));
    const roles = del.steps.find((s) => s.name === 'RolesGuard')!;
    assert.equal(roles.classifications[0].source, 'body');
    assert.match(roles.classifications[0].reason, /RolesGuard\.canActivate \(guards\/roles\.guard\.ts:9\) reads request\.user\.roles and rejects with throws \(applied by @Auth\('admin'\)\)/);
    // applied through the composite: the step points at @Auth('admin') on the route
    assert.equal(roles.location.start.line, 39);
    assert.ok(roles.location.file.endsWith('users/users.controller.ts'));
  });

  it('makes @Public() routes public by declaration only because JwtAuthGuard honours the key', () => {
    const r = route('GET', '/api/users/count');
    assert.equal(r.auth.status, 'public');
    assert.equal(r.public!.kind, 'declared');
    assert.equal(r.public!.reason, '@Public() (JwtAuthGuard lets it through)');
    const [deco, guard] = r.public!.evidence;
    assert.equal(deco.location!.start.line, 17);
    assert.ok(guard.location!.file.endsWith('jwt-auth.guard.ts'));
    assert.equal(guard.location!.start.line, 14);
    const step = r.steps.find((s) => s.name === 'JwtAuthGuard')!;
    assert.match(step.skipped!.reason, /^@Public\(\) sets metadata that JwtAuthGuard honours \(guards\/jwt-auth\.guard\.ts:14\)/);
    assert.equal(step.skipped!.location!.start.line, 17);
    // look-alike: @AllowAnonymous() sets a key no guard reads, the route stays protected
    const dir = route('GET', '/api/users/directory');
    assert.equal(dir.auth.status, 'present');
    assert.equal(dir.public, undefined);
    assert.ok(dir.steps.every((s) => !s.skipped));
  });

  it('does not count a guard that reads the token but never rejects, nor @ApiBearerAuth()', () => {
    const f = result.findings.find((x) => x.ruleId === 'missing-auth' && x.route?.method === 'POST' && x.route.path === '/api/v1/articles')!;
    assert.equal(
      f.message,
      'POST /api/v1/articles has no authentication: LegacyTokenGuard.canActivate (guards/legacy-token.guard.ts:8) reads request.headers.authorization but never rejects the request (no 401/403, no next(err), no throw).',
    );
    const d = result.findings.find((x) => x.ruleId === 'missing-auth' && x.route?.method === 'DELETE' && x.route.path === '/api/v1/articles/:id')!;
    assert.equal(d.message, 'DELETE /api/v1/articles/:id has no authentication: @ApiBearerAuth() only documents authentication in the OpenAPI spec; it does not reject anonymous requests (add a guard).');
    assert.ok(d.evidence.some((e) => e.location?.start.line === 28 && /ApiBearerAuth/.test(e.message)));
  });

  it('validates DTO params through ValidationPipe only when the DTO has class-validator decorators', () => {
    const patch = route('PATCH', '/api/users/:id');
    const pipe = patch.steps.find((s) => s.scope === 'app' && s.name === 'new ValidationPipe({…})')!;
    assert.deepEqual(pipe.classifications.map((c) => c.covers), [['body']]);
    assert.match(pipe.classifications[0].reason, /^new ValidationPipe\(\{…\}\) \(src\/main\.ts:12\) validates @Body\(\) dto: UpdateUserDto/);
    const parse = patch.steps.find((s) => s.name === 'ParseIntPipe')!;
    assert.deepEqual(parse.classifications[0].covers, ['params']);
    assert.equal(parse.location.start.line, 35);
    // SignupDto carries only @ApiProperty(): not validation
    const signup = route('POST', '/api/auth/signup');
    assert.deepEqual(signup.validation.uncovered, ['body']);
    const sp = signup.steps.find((s) => s.name === 'new ValidationPipe({…})')!;
    assert.deepEqual(sp.classifications, []);
    assert.deepEqual(sp.notes, ['new ValidationPipe({…}) runs, but SignupDto has no class-validator decorators, so @Body() dto: SignupDto is not validated']);
    // body: any is not a DTO
    assert.deepEqual(route('POST', '/api/v1/articles').steps.find((s) => s.name === 'new ValidationPipe({…})')!.notes, [
      'new ValidationPipe({…}) runs, but @Body() body is not typed with a DTO class, so it is not validated',
    ]);
  });

  it('says when the ValidationPipe that validates a body DTO has no whitelist (mass assignment)', () => {
    const login = route('POST', '/api/auth/login');
    const pipe = login.steps.find((s) => s.name === 'new ValidationPipe({…})')!;
    assert.equal(login.validation.status, 'present');
    assert.equal(pipe.notes!.length, 1);
    assert.match(pipe.notes![0], /^ValidationPipe without whitelist: properties LoginDto does not declare reach the handler \(mass assignment, OWASP API3\)/);
    assert.ok(login.validation.evidence.some((e) => /ValidationPipe without whitelist/.test(e.message)));
    // /partners/sync is also validated by a route pipe with whitelist: true, so no note there
    const sync = route('POST', '/api/partners/sync');
    assert.ok(sync.steps.every((s) => !(s.notes ?? []).some((n) => n.startsWith('ValidationPipe without whitelist'))));
  });

  it('follows @Query / @Param inputs into sinks; a ParseIntPipe param is not tainted', () => {
    const f = result.findings.find((x) => x.ruleId === 'missing-validation' && x.route?.path === '/api/orders/export')!;
    assert.equal(f.message, "GET /api/orders/export reads @Query() (format) without validation, and @Query('format') reaches a shell command via child_process.exec (line 17).");
    const del = result.findings.find((x) => x.ruleId === 'missing-validation' && x.route?.path === '/api/users/:id')!;
    assert.match(del.message, /@Param\('id'\) reaches a SQL query via pool\.query \(line 42\)/);
    // GET /users/:id interpolates `id` too, but ParseIntPipe made it a number
    assert.equal(route('GET', '/api/users/:id').validation.status, 'present');
  });

  it('applies @SkipThrottle() to the ThrottlerGuard (method overrides controller) and @Throttle() as a route limit', () => {
    const signup = route('POST', '/api/auth/signup');
    const tg = signup.steps.find((s) => s.name === 'ThrottlerGuard')!;
    assert.equal(tg.skipped!.reason, '@SkipThrottle() turns the throttler off for this route');
    assert.equal(tg.skipped!.location!.start.line, 19);
    assert.equal(signup.rateLimit.summary, 'the rate limiter is turned off for this route');
    assert.ok(signup.rateLimit.evidence.some((e) => /does not apply to this route: @SkipThrottle\(\)/.test(e.message)));
    assert.equal(route('GET', '/api/admin/reports').steps.find((s) => s.name === 'ThrottlerGuard')!.skipped!.reason, '@SkipThrottle() turns the throttler off for this controller');
    assert.equal(route('POST', '/api/admin/reports/rebuild').steps.find((s) => s.name === 'ThrottlerGuard')!.skipped, undefined);
    const login = route('POST', '/api/auth/login');
    const th = login.steps.find((s) => s.name.startsWith('Throttle('))!;
    assert.equal(th.scope, 'route');
    assert.deepEqual(th.classifications.map((c) => c.role), ['rate-limit']);
  });

  it('binds consumer middleware with forRoutes(Controller) and marks .exclude() routes as skipped', () => {
    const sync = route('POST', '/api/partners/sync');
    const mw = sync.steps.find((s) => s.name === 'PartnerKeyMiddleware')!;
    assert.equal(mw.scope, 'app');
    assert.deepEqual(mw.classifications.map((c) => [c.role, c.source]), [['auth', 'body']]);
    assert.match(mw.classifications[0].reason, /reads req\.headers\['x-api-key'\] and rejects with res\.status\(401\)/);
    const status = route('GET', '/api/partners/status');
    const ex = status.steps.find((s) => s.name === 'PartnerKeyMiddleware')!;
    assert.equal(ex.skipped!.reason, "excluded by .exclude({ path: 'partners/status', method: RequestMethod.GET })");
    assert.equal(ex.skipped!.location!.start.line, 34);
    assert.equal(status.public!.reason, 'uptime probe polled by partners before they have a key');
    // not applied to other controllers
    assert.ok(!route('GET', '/api/users').steps.some((s) => s.name === 'PartnerKeyMiddleware'));
    // forRoutes('*') applies everywhere
    assert.ok(result.model.routes.every((r) => r.steps.some((s) => s.name === 'RequestLogger')));
  });

  it('excludes /health from the global prefix and skips look-alike decorators from other packages', () => {
    assert.ok(route('GET', '/health'));
    assert.ok(!result.model.routes.some((r) => r.path.includes('widgets')));
  });

  it('reports a controller no module lists as unknown, not missing', () => {
    // not served, so no app: no global prefix, and its auth cannot be judged
    const r = route('GET', '/legacy/dump');
    assert.equal(r.auth.status, 'unknown');
    assert.equal(r.appId, undefined);
  });
});

// ---------------------------------------------------------------------------------------------
// In-memory constructs

const MAIN = (body: string) => `import { NestFactory } from '@nestjs/core';
import { ValidationPipe, VersioningType, VERSION_NEUTRAL, RequestMethod } from '@nestjs/common';
import { AppModule } from './app.module';
async function bootstrap() {
  const app = await NestFactory.create(AppModule);
${body}
  await app.listen(3000);
}
bootstrap();
`;

describe('NestJS routing constructs', () => {
  it('joins @Controller and method paths (arrays, no path, options object) with a global prefix and its string excludes', () => {
    const r = analyzeMemory({
      'main.ts': MAIN("  app.setGlobalPrefix('/v/', { exclude: ['metrics', 'files/(.*)'] });"),
      'app.module.ts': `import { Module } from '@nestjs/common';
import { A } from './a';
@Module({ controllers: [A] })
export class AppModule {}`,
      'a.ts': `import { Controller, Get, Post, All, Head } from '@nestjs/common';
@Controller(['cats', 'kittens'])
export class A {
  @Get() list() {}
  @Post(['one', 'two']) make() {}
  @All('metrics') m() {}
  @Head('files/:name') f() {}
}`,
    });
    assert.deepEqual(
      rows(r).map((x) => x.split(' ').slice(0, 2).join(' ')),
      ['ALL /v/cats/metrics', 'ALL /v/kittens/metrics', 'GET /v/cats', 'GET /v/kittens', 'HEAD /v/cats/files/:name', 'HEAD /v/kittens/files/:name', 'POST /v/cats/one', 'POST /v/cats/two', 'POST /v/kittens/one', 'POST /v/kittens/two'],
    );
    const r2 = analyzeMemory({
      'main.ts': MAIN("  app.setGlobalPrefix('api', { exclude: ['metrics', 'files/(.*)'] });"),
      'app.module.ts': `import { Module } from '@nestjs/common';
import { B } from './b';
@Module({ controllers: [B] })
export class AppModule {}`,
      'b.ts': `import { Controller, Get } from '@nestjs/common';
@Controller()
export class B {
  @Get('metrics') m() {}
  @Get('files/:name') f() {}
  @Get('other') o() {}
}`,
    });
    assert.deepEqual(rows(r2).map((x) => x.split(' ').slice(0, 2).join(' ')), ['GET /api/other', 'GET /files/:name', 'GET /metrics']);
  });

  it('applies RouterModule paths (with children) and URI versioning (controller, @Version, default, neutral)', () => {
    const r = analyzeMemory({
      'main.ts': MAIN("  app.setGlobalPrefix('api');\n  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });"),
      'app.module.ts': `import { Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { AdminModule } from './admin';
import { StatsModule } from './stats';
import { P } from './p';
@Module({
  imports: [AdminModule, StatsModule, RouterModule.register([{ path: 'admin', module: AdminModule, children: [{ path: 'stats', module: StatsModule }] }])],
  controllers: [P],
})
export class AppModule {}`,
      'admin.ts': `import { Module, Controller, Get, Version } from '@nestjs/common';
@Controller({ path: 'users', version: ['2', '3'] })
export class AdminUsers { @Get() list() {} }
@Module({ controllers: [AdminUsers] })
export class AdminModule {}`,
      'stats.ts': `import { Module, Controller, Get, Version, VERSION_NEUTRAL } from '@nestjs/common';
@Controller('daily')
export class Daily { @Get() get() {} @Version(VERSION_NEUTRAL) @Get('neutral') n() {} }
@Module({ controllers: [Daily] })
export class StatsModule {}`,
      'p.ts': `import { Controller, Get, Version } from '@nestjs/common';
@Controller('p')
export class P { @Version('4') @Get() get() {} @Get('d') d() {} }`,
    });
    assert.deepEqual(rows(r).map((x) => x.split(' ').slice(0, 2).join(' ')), [
      'GET /api/v1/admin/stats/daily',
      'GET /api/v1/p/d',
      'GET /api/v2/admin/users',
      'GET /api/v3/admin/users',
      'GET /api/v4/p',
      'GET /api/admin/stats/daily/neutral',
    ].sort());
  });

  it('ignores @Version when versioning is off or not URI', () => {
    const r = analyzeMemory({
      'main.ts': MAIN('  app.enableVersioning({ type: VersioningType.HEADER, header: "X-Version" });'),
      'app.module.ts': `import { Module, Controller, Get, Version } from '@nestjs/common';
@Controller('x')
export class X { @Version('2') @Get() g() {} }
@Module({ controllers: [X] })
export class AppModule {}`,
    });
    assert.deepEqual(rows(r).map((x) => x.split(' ').slice(0, 2).join(' ')), ['GET /x']);
  });

  it('reports controllers without main.ts (no prefix, no app) and degrades dynamic paths', () => {
    const r = analyzeMemory({
      'c.ts': `import { Controller, Get, Post } from '@nestjs/common';
import { routes } from './config';
const base = process.env.BASE;
@Controller(base)
export class C {
  @Get(routes.list) list() {}
  @Post(...[]) weird() {}
}`,
    });
    assert.deepEqual(rows(r).map((x) => x.split(' ').slice(0, 3).join(' ')), ['GET /<dynamic>/<dynamic> c.ts:6', 'POST /<dynamic>/<dynamic> c.ts:7']);
    assert.deepEqual(r.model.apps, []);
    assert.deepEqual(r.internalErrors, []);
  });

  it('matches Nest path patterns', () => {
    assert.equal(patternMatches('*', '/a/b'), true);
    assert.equal(patternMatches('users/*', '/users/1/x'), true);
    assert.equal(patternMatches('users/(.*)', '/users/1'), true);
    assert.equal(patternMatches('users/{*splat}', '/users/1'), true);
    assert.equal(patternMatches('users/:id', '/users/:id'), true);
    assert.equal(patternMatches('users', '/users/:id'), false);
    assert.equal(patternMatches('ab*', '/abc'), true);
    assert.equal(patternMatches('orders', '/users'), false);
  });
});

const MODULE_WITH = (providers: string, controllers = 'C', imports = '') => `import { Module } from '@nestjs/common';
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { ValidationPipe } from '@nestjs/common';
${imports}
import { ${controllers} } from './c';
@Module({ imports: [ThrottlerModule.forRoot([{ ttl: 1000, limit: 5 }])], controllers: [${controllers}], providers: [${providers}] })
export class AppModule {}`;

describe('NestJS guards', () => {
  const publicFiles = (guardBody: string) => ({
    'main.ts': MAIN(''),
    'public.ts': `import { SetMetadata } from '@nestjs/common';
export const IS_PUBLIC_KEY = 'isPublic';
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);`,
    'guard.ts': `import { Injectable, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { IS_PUBLIC_KEY } from './public';
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private reflector: Reflector) { super(); }
  canActivate(context: ExecutionContext) {
${guardBody}
  }
}`,
    'app.module.ts': MODULE_WITH('{ provide: APP_GUARD, useClass: JwtAuthGuard }', 'C, Open', "import { JwtAuthGuard } from './guard';"),
    'c.ts': `import { Controller, Get, Post } from '@nestjs/common';
import { Public } from './public';
@Controller('c')
export class C {
  @Public() @Get('open') open() {}
  @Post('closed') closed() {}
}
@Public()
@Controller('o')
export class Open {
  @Get() all() {}
}`,
  });

  it('APP_GUARD honouring @Public() via getAllAndOverride([handler, class]): method and controller level', () => {
    const r = analyzeMemory(
      publicFiles(`    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    return super.canActivate(context);`),
    );
    assert.deepEqual(rows(r), [
      'GET /c/open c.ts:5 auth=public(declared) validation=not-needed rateLimit=missing',
      'GET /o c.ts:11 auth=public(declared) validation=not-needed rateLimit=missing',
      'POST /c/closed c.ts:6 auth=present validation=not-needed rateLimit=missing',
    ]);
    const closed = find(r, 'POST', '/c/closed');
    assert.deepEqual(closed.steps.map((s) => `${s.scope}:${s.name}`), ['app:JwtAuthGuard']);
    assert.equal(closed.steps[0].location.file, '/mem/app.module.ts');
    assert.equal(find(r, 'GET', '/o').public!.evidence[0].message, '@Public() on the controller');
  });

  it('a guard reading the key with reflector.get(…, getHandler()) only honours method-level @Public()', () => {
    const r = analyzeMemory(
      publicFiles(`    return this.reflector.get(IS_PUBLIC_KEY, context.getHandler()) || super.canActivate(context);`),
    );
    assert.equal(find(r, 'GET', '/c/open').auth.status, 'public');
    assert.equal(find(r, 'GET', '/o').auth.status, 'present');
  });

  it('@Public() is nothing when the guard does not read the key (or reads it but still authenticates)', () => {
    const r = analyzeMemory(publicFiles(`    return super.canActivate(context);`));
    assert.equal(find(r, 'GET', '/c/open').auth.status, 'present');
    assert.equal(find(r, 'GET', '/c/open').public, undefined);
    const r2 = analyzeMemory(
      publicFiles(`    const isPublic = this.reflector.getAllAndOverride(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]);
    console.log(isPublic);
    return super.canActivate(context);`),
    );
    assert.equal(find(r2, 'GET', '/c/open').auth.status, 'present');
  });

  it('Reflector.createDecorator() keys are matched by identity', () => {
    const r = analyzeMemory({
      'main.ts': MAIN('  app.useGlobalGuards(new TokenGuard(new Reflector()));').replace("import { AppModule }", "import { Reflector } from '@nestjs/core';\nimport { TokenGuard } from './guard';\nimport { AppModule }"),
      'deco.ts': `import { Reflector } from '@nestjs/core';
export const Anonymous = Reflector.createDecorator<boolean>();
export const Other = Reflector.createDecorator<boolean>();`,
      'guard.ts': `import { CanActivate, ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Anonymous } from './deco';
export class TokenGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.get(Anonymous, context.getHandler())) return true;
    const req = context.switchToHttp().getRequest();
    if (!req.headers.authorization) throw new UnauthorizedException();
    return true;
  }
}`,
      'app.module.ts': MODULE_WITH(''),
      'c.ts': `import { Controller, Get } from '@nestjs/common';
import { Anonymous, Other } from './deco';
@Controller('c')
export class C {
  @Anonymous(true) @Get('a') a() {}
  @Other(true) @Get('b') b() {}
}`,
    });
    assert.equal(find(r, 'GET', '/c/a').auth.status, 'public');
    const b = find(r, 'GET', '/c/b');
    assert.equal(b.auth.status, 'present');
    assert.equal(b.steps[0].name, 'new TokenGuard(new Reflector())');
    assert.equal(b.steps[0].scope, 'app');
    assert.match(b.steps[0].classifications[0].reason, /^TokenGuard\.canActivate \(mem\/guard\.ts:6\) reads request\.headers\.authorization|^TokenGuard\.canActivate \(mem\/guard\.ts:6\) reads req\.headers\.authorization/);
  });

  it('custom guards judged by canActivate, following this.helper(request); a passport guard whose handleRequest never throws does not count', () => {
    const r = analyzeMemory({
      'app.module.ts': MODULE_WITH(''),
      'guards.ts': `import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
@Injectable()
export class ApiKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest();
    const key = this.extract(request);
    if (key !== process.env.KEY) throw new UnauthorizedException();
    return true;
  }
  private extract(req: any) { return req.headers['x-api-key']; }
}
@Injectable()
export class OptionalJwtGuard extends AuthGuard('jwt') {
  handleRequest(err: any, user: any) { return user; }
}
@Injectable()
export class StrictJwtGuard extends AuthGuard('jwt') {
  handleRequest(err: any, user: any) { if (err || !user) throw err || new UnauthorizedException(); return user; }
}`,
      'c.ts': `import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, OptionalJwtGuard, StrictJwtGuard } from './guards';
@Controller('c')
export class C {
  @UseGuards(ApiKeyGuard) @Get('key') key() {}
  @UseGuards(OptionalJwtGuard) @Get('optional') optional() {}
  @UseGuards(new StrictJwtGuard()) @Get('strict') strict() {}
}`,
    });
    const key = find(r, 'GET', '/c/key');
    assert.equal(key.auth.status, 'present');
    assert.deepEqual(key.steps[0].classifications.map((c) => [c.role, c.source]), [['auth', 'body']]);
    const opt = find(r, 'GET', '/c/optional');
    assert.equal(opt.auth.status, 'missing');
    assert.deepEqual(opt.steps[0].notes, ['OptionalJwtGuard.handleRequest (mem/guards.ts:15) returns the user without throwing, so anonymous requests pass']);
    assert.deepEqual(findingLines(r, ['missing-auth']), [
      'c.ts:6:32 missing-auth warning GET /c/optional has no authentication: OptionalJwtGuard.handleRequest (mem/guards.ts:15) returns the user without throwing, so anonymous requests pass.',
    ]);
    assert.equal(find(r, 'GET', '/c/strict').auth.status, 'present');
  });

  it('ThrottlerGuard through @UseGuards, a subclass of it, and @Throttle() without any guard', () => {
    const r = analyzeMemory({
      'app.module.ts': `import { Module } from '@nestjs/common';
import { C } from './c';
@Module({ controllers: [C] })
export class AppModule {}`,
      'limit.ts': `import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
@Injectable()
export class IpThrottlerGuard extends ThrottlerGuard {}`,
      'c.ts': `import { Controller, Post, UseGuards } from '@nestjs/common';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import { IpThrottlerGuard } from './limit';
@Controller('c')
export class C {
  @UseGuards(ThrottlerGuard) @Post('a') a() {}
  @UseGuards(IpThrottlerGuard) @Post('b') b() {}
  @Throttle({ default: { limit: 1, ttl: 1000 } }) @Post('search') search() {}
}`,
    });
    assert.equal(find(r, 'POST', '/c/a').rateLimit.status, 'present');
    assert.equal(find(r, 'POST', '/c/b').rateLimit.status, 'present');
    assert.match(find(r, 'POST', '/c/b').steps[0].classifications[0].reason, /^IpThrottlerGuard \(mem\/limit\.ts:4\) extends ThrottlerGuard from @nestjs\/throttler/);
    const s = find(r, 'POST', '/c/search');
    assert.equal(s.rateLimit.status, 'missing');
    assert.deepEqual(s.steps.map((x) => x.notes), [["Throttle({ default: { limit: 1, ttl: 1000 } }) sets a limit, but no ThrottlerGuard runs for this route, so nothing enforces it"]]);
  });

  it('@SkipThrottle({ default: false }) on a method re-enables; other throttler names do not skip the default', () => {
    const r = analyzeMemory({
      'app.module.ts': MODULE_WITH('{ provide: APP_GUARD, useClass: ThrottlerGuard }'),
      'c.ts': `import { Controller, Post } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
@SkipThrottle()
@Controller('c')
export class C {
  @Post('a') a() {}
  @SkipThrottle({ default: false }) @Post('b') b() {}
  @SkipThrottle({ burst: true }) @Post('c') c() {}
}`,
    });
    assert.equal(find(r, 'POST', '/c/a').rateLimit.status, 'missing');
    assert.equal(find(r, 'POST', '/c/b').rateLimit.status, 'present');
    // the method says nothing about 'default': the controller's @SkipThrottle() stands
    assert.equal(find(r, 'POST', '/c/c').rateLimit.status, 'missing');
  });

  it('consumer middleware: forRoutes paths and { path, method }, exclude strings, function middleware and packages', () => {
    const r = analyzeMemory({
      'main.ts': MAIN("  app.setGlobalPrefix('api');"),
      'mw.ts': `import { Request, Response, NextFunction } from 'express';
export function requireUser(req: Request, res: Response, next: NextFunction) {
  if (!req.headers.authorization) return res.status(401).end();
  next();
}`,
      'app.module.ts': `import { Module, NestModule, MiddlewareConsumer, RequestMethod } from '@nestjs/common';
import rateLimit from 'express-rate-limit';
import { requireUser } from './mw';
import { C } from './c';
@Module({ controllers: [C] })
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(requireUser).exclude('c/public').forRoutes('c/*');
    consumer.apply(rateLimit({ windowMs: 1000, max: 5 })).forRoutes({ path: 'c/*', method: RequestMethod.POST });
  }
}`,
      'c.ts': `import { Controller, Get, Post } from '@nestjs/common';
@Controller('c')
export class C {
  @Get('public') pub() {}
  @Get('private') priv() {}
  @Post('write') write() {}
}`,
    });
    assert.deepEqual(rows(r), [
      'GET /api/c/private c.ts:5 auth=present validation=not-needed rateLimit=missing',
      'GET /api/c/public c.ts:4 auth=missing validation=not-needed rateLimit=missing',
      'POST /api/c/write c.ts:6 auth=present validation=not-needed rateLimit=present',
    ]);
    const pub = find(r, 'GET', '/api/c/public');
    assert.equal(pub.steps[0].skipped!.reason, "excluded by .exclude('c/public')");
    assert.ok(pub.auth.evidence.some((e) => /requireUser \(app level\) does not apply to this route: excluded by/.test(e.message)));
    assert.equal(find(r, 'POST', '/api/c/write').steps[1].package, 'express-rate-limit');
  });

  it('app.use() middleware in main.ts is an app-level step', () => {
    const r = analyzeMemory({
      'main.ts': MAIN('  app.use(rateLimit({ windowMs: 1000, max: 10 }));').replace("import { AppModule }", "import rateLimit from 'express-rate-limit';\nimport { AppModule }"),
      'app.module.ts': `import { Module, Controller, Post } from '@nestjs/common';
@Controller('x')
export class X { @Post() p() {} }
@Module({ controllers: [X] })
export class AppModule {}`,
    });
    const x = find(r, 'POST', '/x');
    assert.equal(x.rateLimit.status, 'present');
    assert.equal(x.steps[0].scope, 'app');
    assert.equal(r.model.apps[0].hasRateLimiter, true);
  });
});

describe('NestJS pipes and DTOs', () => {
  const dto = `import { IsString, IsEmail } from 'class-validator';
export class CreateDto { @IsEmail() email!: string; @IsString() name!: string; }
export class BareDto { email!: string; }
export interface ShapeDto { email: string }`;

  it('APP_PIPE ValidationPipe (default options: no whitelist) validates decorated DTOs; interfaces and bare classes are not validation', () => {
    const r = analyzeMemory({
      'dto.ts': dto,
      'app.module.ts': MODULE_WITH('{ provide: APP_PIPE, useClass: ValidationPipe }'),
      'c.ts': `import { Body, Controller, Post } from '@nestjs/common';
import { CreateDto, BareDto, ShapeDto } from './dto';
@Controller('c')
export class C {
  @Post('a') a(@Body() dto: CreateDto) { return dto.email; }
  @Post('b') b(@Body() dto: BareDto) { return dto.email; }
  @Post('c') c(@Body() dto: ShapeDto) { return dto.email; }
  @Post('d') d(@Body() dto: CreateDto[]) { return dto; }
}`,
    });
    assert.deepEqual(rows(r).map((x) => x.split(' ').slice(0, 2).concat(x.split(' ')[4]).join(' ')), [
      'POST /c/a validation=present',
      'POST /c/b validation=missing',
      'POST /c/c validation=missing',
      'POST /c/d validation=missing',
    ]);
    const a = find(r, 'POST', '/c/a');
    assert.equal(a.steps[0].location.file, '/mem/app.module.ts');
    assert.match(a.steps[0].notes![0], /^ValidationPipe without whitelist/);
    assert.deepEqual(find(r, 'POST', '/c/b').steps[0].notes, ['ValidationPipe runs, but BareDto has no class-validator decorators, so @Body() dto: BareDto is not validated']);
    assert.deepEqual(find(r, 'POST', '/c/c').steps[0].notes, ['ValidationPipe runs, but @Body() dto is not typed with a DTO class, so it is not validated']);
    assert.deepEqual(find(r, 'POST', '/c/d').steps[0].notes, ['ValidationPipe runs, but @Body() dto is an array type, so it is not validated']);
    assert.deepEqual(findingLines(r, ['missing-validation']).map((l) => l.split(' ')[0]), ['c.ts:6:3', 'c.ts:7:3', 'c.ts:8:3']);
  });

  it('global pipe with whitelist: true has no mass-assignment note; per-param and @UsePipes pipes validate', () => {
    const r = analyzeMemory({
      'dto.ts': dto,
      'main.ts': MAIN('  app.useGlobalPipes(new ValidationPipe({ whitelist: true }));'),
      'app.module.ts': `import { Module } from '@nestjs/common';
import { C } from './c';
@Module({ controllers: [C] })
export class AppModule {}`,
      'c.ts': `import { Body, Controller, Post, Query, UsePipes, ValidationPipe, DefaultValuePipe, ParseIntPipe } from '@nestjs/common';
import { CreateDto } from './dto';
@Controller('c')
export class C {
  @Post('a') a(@Body() dto: CreateDto) { return dto; }
  @Post('b') b(@Body(new ValidationPipe()) dto: CreateDto, @Query('page', new DefaultValuePipe(1)) page: number) { return [dto, page]; }
  @Post('c') c(@Query('page', new DefaultValuePipe(1), ParseIntPipe) page: number) { return page; }
}`,
    });
    const a = find(r, 'POST', '/c/a');
    assert.equal(a.validation.status, 'present');
    assert.ok(a.steps.every((s) => !s.notes));
    const b = find(r, 'POST', '/c/b');
    // body validated by both pipes (the global one strips unknown properties: no note); the query field is not
    assert.equal(b.validation.status, 'missing');
    assert.deepEqual(b.validation.uncovered, ['query']);
    assert.ok(b.steps.every((s) => !(s.notes ?? []).some((n) => n.startsWith('ValidationPipe without whitelist'))));
    assert.deepEqual(b.steps.map((s) => `${s.scope}:${s.name}`), ['app:new ValidationPipe({…})', 'route:new ValidationPipe()', 'route:new DefaultValuePipe(1)']);
    assert.equal(find(r, 'POST', '/c/c').validation.status, 'present');
  });

  it('a local pipe whose transform() validates with a schema validates what it is bound to', () => {
    const r = analyzeMemory({
      'pipe.ts': `import { PipeTransform, BadRequestException } from '@nestjs/common';
export class ZodPipe implements PipeTransform {
  constructor(private schema: any) {}
  transform(value: unknown) { return this.schema.parse(value); }
}
export class TrimPipe implements PipeTransform {
  transform(value: string) { return value.trim(); }
}`,
      'c.ts': `import { Body, Controller, Post, Query, UsePipes } from '@nestjs/common';
import { z } from 'zod';
import { ZodPipe, TrimPipe } from './pipe';
const schema = z.object({ email: z.string() });
@Controller('c')
export class C {
  @Post('a') a(@Body(new ZodPipe(schema)) body: unknown) { return body; }
  @Post('b') b(@Query('q', TrimPipe) q: string) { return q; }
}`,
    });
    const a = find(r, 'POST', '/c/a');
    assert.equal(a.validation.status, 'present');
    assert.match(a.steps[0].classifications[0].reason, /^new ZodPipe\(schema\) \(mem\/c\.ts:7\) validates @Body\(\) body/);
    const b = find(r, 'POST', '/c/b');
    assert.equal(b.validation.status, 'missing');
    assert.match(b.steps[0].notes![0], /TrimPipe \(mem\/pipe\.ts\) transforms but does not validate/);
  });

  it('reads @Req() request objects and @Headers credentials in handlers', () => {
    const r = analyzeMemory({
      'c.ts': `import { Controller, Post, Req, Headers, UnauthorizedException } from '@nestjs/common';
import { exec } from 'child_process';
@Controller('c')
export class C {
  @Post('raw') raw(@Req() req: any) { exec('x ' + req.body.cmd); }
  @Post('hdr') hdr(@Headers('x-api-key') key: string) { if (key !== process.env.K) throw new UnauthorizedException(); return 1; }
}`,
    });
    const raw = find(r, 'POST', '/c/raw');
    assert.equal(raw.validation.status, 'missing');
    assert.equal(raw.inputs[0].sinks[0].kind, 'command');
    const hdr = find(r, 'POST', '/c/hdr');
    assert.equal(hdr.auth.status, 'present');
    assert.equal(hdr.handlerChecks[0].name, 'C.hdr (handler)');
  });
});

describe('NestJS robustness', () => {
  it('does not throw on odd code and ignores decorators from other packages', () => {
    const r = analyzeMemory({
      'c.ts': `import { Controller, Get, UseGuards, Body } from '@nestjs/common';
import { Get as OtherGet } from 'other-lib';
const guards = [];
const deco = (x: any) => x;
@Controller({ path: undefined })
export class C {
  @UseGuards(...guards) @Get() a(@Body() ...rest: any[]) {}
  @OtherGet('x') b() {}
  @deco @Get('c') c() {}
  @Get('d') static d() {}
  @Get('e') ['computed']() {}
}
@UseGuards(undefined as any)
@Controller('z')
export class Z { @Get() z(@Body(undefined) b: any) { return b.x; } }`,
    });
    assert.deepEqual(r.internalErrors, []);
    assert.deepEqual(rows(r).map((x) => x.split(' ').slice(0, 2).join(' ')), ['GET /', 'GET /c', 'GET /e', 'GET /z']);
  });
});
