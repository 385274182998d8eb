import { Router } from 'express';
import type { Request as JWTRequest } from 'express-jwt';
import { z } from 'zod';
import { pool } from '../db';
import { validate } from '../middleware/validate';

export const cartRouter = Router();

const addItemSchema = z.object({
  productId: z.string().uuid(),
  quantity: z.number().int().min(1).max(20),
});

cartRouter.get('/', async (req: JWTRequest, res) => {
  const { rows } = await pool.query(
    `SELECT ci.product_id, p.name, ci.quantity, p.price_cents
     FROM cart_items ci JOIN products p ON p.id = ci.product_id
     WHERE ci.user_id = $1`,
    [req.auth!.sub],
  );
  res.json({ items: rows });
});

cartRouter.post('/items', validate(addItemSchema), async (req: JWTRequest, res) => {
  const { productId, quantity } = req.body;
  await pool.query(
    `INSERT INTO cart_items (user_id, product_id, quantity) VALUES ($1, $2, $3)
     ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = cart_items.quantity + EXCLUDED.quantity`,
    [req.auth!.sub, productId, quantity],
  );
  res.status(204).end();
});

cartRouter.delete('/items/:productId', async (req: JWTRequest, res) => {
  await pool.query('DELETE FROM cart_items WHERE user_id = $1 AND product_id = $2', [
    req.auth!.sub,
    req.params.productId,
  ]);
  res.status(204).end();
});
