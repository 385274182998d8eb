import { Router } from 'express';
import { z } from 'zod';
import { pool } from '../db';
import { searchLimiter } from '../middleware/rateLimits';
import { validate } from '../middleware/validate';

export const productsRouter = Router();

const listQuery = z.object({
  category: z.string().max(40).optional(),
  page: z.coerce.number().int().min(1).default(1),
});

// apiwarden-public -- the catalogue is visible to anonymous shoppers
productsRouter.get('/', validate(listQuery, 'query'), async (req, res) => {
  const { category, page } = req.query as unknown as z.infer<typeof listQuery>;
  const { rows } = await pool.query(
    `SELECT id, name, price_cents, image_url FROM products
     WHERE ($1::text IS NULL OR category = $1) AND active
     ORDER BY name LIMIT 24 OFFSET $2`,
    [category ?? null, (page - 1) * 24],
  );
  res.json(rows);
});

// apiwarden-public -- catalogue search is available to anonymous shoppers
productsRouter.get('/search', searchLimiter, async (req, res) => {
  const q = req.query.q;
  const { rows } = await pool.query(
    `SELECT id, name, price_cents FROM products WHERE active AND name ILIKE '%${q}%' ORDER BY name LIMIT 24`,
  );
  res.json(rows);
});

// apiwarden-public -- product pages are visible to anonymous shoppers
productsRouter.get('/:id', async (req, res) => {
  const { rows } = await pool.query(
    'SELECT id, name, description, price_cents, stock, image_url FROM products WHERE id = $1 AND active',
    [req.params.id],
  );
  if (rows.length === 0) return res.status(404).json({ error: 'product not found' });
  res.json(rows[0]);
});
