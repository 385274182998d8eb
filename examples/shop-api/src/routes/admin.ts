import { Router } from 'express';
import { z } from 'zod';
import { pool } from '../db';
import { validate } from '../middleware/validate';

export const adminRouter = Router();

const productPatch = z
  .object({
    name: z.string().min(1).max(120).optional(),
    priceCents: z.number().int().min(0).optional(),
    stock: z.number().int().min(0).optional(),
    active: z.boolean().optional(),
  })
  .strict();

adminRouter.get('/orders', async (_req, res) => {
  const { rows } = await pool.query(
    'SELECT id, user_id, total_cents, status, created_at FROM orders ORDER BY created_at DESC LIMIT 200',
  );
  res.json(rows);
});

adminRouter.patch('/products/:id', validate(productPatch), async (req, res) => {
  const { name, priceCents, stock, active } = req.body;
  const { rows } = await pool.query(
    `UPDATE products SET name = COALESCE($1, name), price_cents = COALESCE($2, price_cents),
       stock = COALESCE($3, stock), active = COALESCE($4, active)
     WHERE id = $5 RETURNING id, name, price_cents, stock, active`,
    [name ?? null, priceCents ?? null, stock ?? null, active ?? null, req.params.id],
  );
  res.json(rows[0]);
});
