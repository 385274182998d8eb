import { expressjwt } from 'express-jwt';

/** Verifies the `Authorization: Bearer <jwt>` header and exposes the claims as `req.auth`. */
export const requireJwt = expressjwt({
  secret: process.env.JWT_SECRET ?? 'dev-only-secret',
  algorithms: ['HS256'],
});
