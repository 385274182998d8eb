import { Router } from 'express';
import type { Request as JWTRequest } from 'express-jwt';
import crypto from 'node:crypto';
import bcrypt from 'bcryptjs';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { pool } from '../db';
import { requireJwt } from '../middleware/auth';
import { loginLimiter } from '../middleware/rateLimits';
import { validate } from '../middleware/validate';

export const accountsRouter = Router();

const credentials = z.object({
  email: z.string().email(),
  password: z.string().min(10).max(128),
});
const resetRequest = z.object({ email: z.string().email() });

function sign(user: { id: string; role: string }) {
  return jwt.sign({ sub: user.id, role: user.role }, process.env.JWT_SECRET ?? 'dev-only-secret', {
    algorithm: 'HS256',
    expiresIn: '2h',
  });
}

accountsRouter.post('/login', loginLimiter, validate(credentials), async (req, res) => {
  const { email, password } = req.body;
  const { rows } = await pool.query('SELECT id, role, password_hash FROM users WHERE email = $1', [email]);
  if (!rows[0] || !(await bcrypt.compare(password, rows[0].password_hash))) {
    return res.status(401).json({ error: 'invalid email or password' });
  }
  res.json({ token: sign(rows[0]) });
});

accountsRouter.post('/signup', loginLimiter, validate(credentials), async (req, res) => {
  const { email, password } = req.body;
  const hash = await bcrypt.hash(password, 12);
  const { rows } = await pool.query(
    `INSERT INTO users (email, password_hash, role) VALUES ($1, $2, 'customer') RETURNING id, role`,
    [email, hash],
  );
  res.status(201).json({ token: sign(rows[0]) });
});

accountsRouter.post('/password-reset', validate(resetRequest), async (req, res) => {
  const token = crypto.randomBytes(32).toString('hex');
  await pool.query(
    `INSERT INTO password_resets (user_id, token, expires_at)
     SELECT id, $2, now() + interval '30 minutes' FROM users WHERE email = $1`,
    [req.body.email, token],
  );
  // The mail worker picks up new rows and sends the link; always answer 202 to avoid account enumeration.
  res.status(202).json({ ok: true });
});

accountsRouter.get('/me', requireJwt, async (req: JWTRequest, res) => {
  const { rows } = await pool.query('SELECT id, email, role, created_at FROM users WHERE id = $1', [req.auth!.sub]);
  res.json(rows[0]);
});
