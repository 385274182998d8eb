/**
 * Public inference and route traits: the words that make a route public or sensitive, and the
 * look-alike paths that must not.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { routeTraits } from '../server/src/engine/posture';
import { analyzeMemory } from './helpers';

function publicOf(method: string, path: string): string | undefined {
  const r = analyzeMemory({ 'app.js': `const app = require('express')();\napp.${method.toLowerCase()}('${path}', (req, res) => res.end());` });
  const route = r.model.routes[0];
  assert.equal(route.path, path);
  return route.public ? `${route.public.kind}: ${route.public.reason}` : undefined;
}

describe('inferred public routes', () => {
  it('credential endpoints under auth-like namespaces are public', () => {
    for (const [m, p] of [
      ['POST', '/login'],
      ['POST', '/api/v1/auth/login'],
      ['POST', '/users/sign-up'],
      ['POST', '/auth/forgot-password'],
      ['POST', '/api/password/reset'],
      ['POST', '/oauth/token'],
      ['POST', '/auth/refresh'],
      ['POST', '/api/sessions'],
    ]) {
      assert.match(publicOf(m, p) ?? 'not public', /^inferred: /, `${m} ${p}`);
    }
  });
  it('look-alike paths are not public', () => {
    for (const [m, p] of [
      ['POST', '/api/cache/reset'],
      ['POST', '/devices/register'],
      ['POST', '/api/tokens'],
      ['PUT', '/me/password'],
      ['GET', '/api/sessions'],
      ['POST', '/orders/:id/confirm'],
      ['GET', '/orders/status'],
      ['POST', '/health'],
    ]) {
      assert.equal(publicOf(m, p), undefined, `${m} ${p}`);
    }
  });
  it('probes and docs are public for reads', () => {
    assert.match(publicOf('GET', '/healthz')!, /health/);
    assert.match(publicOf('GET', '/internal/ping')!, /health/);
    assert.match(publicOf('GET', '/api/status')!, /health/);
    assert.match(publicOf('GET', '/api-docs')!, /documentation/);
  });
});

describe('route traits', () => {
  it('marks credential and abuse-prone routes', () => {
    assert.equal(routeTraits('POST', '/api/auth/login').credential, 'login');
    assert.equal(routeTraits('POST', '/auth/2fa').credential, 'OTP / 2FA');
    assert.equal(routeTraits('GET', '/api/products/search').abuseProne, 'search');
    assert.equal(routeTraits('POST', '/teams/:id/invites').abuseProne, 'invite');
    assert.equal(routeTraits('GET', '/reports/export').abuseProne, 'export');
    assert.equal(routeTraits('GET', '/api/orders').abuseProne, undefined);
    assert.equal(routeTraits('GET', '/checkout').abuseProne, undefined, 'reading a checkout page is not a payment');
    assert.equal(routeTraits('DELETE', '/api/users/:id').stateChanging, true);
    assert.equal(routeTraits('GET', '/api/users/:id').stateChanging, false);
  });
});
