import { Router } from 'express';
import type { Request as JWTRequest } from 'express-jwt';
import { z } from 'zod';
import { pool } from '../db';
import { validate } from '../middleware/validate';

export const checkoutRouter = Router();

const checkoutSchema = z.object({
  shippingAddressId: z.string().uuid(),
  paymentMethodId: z.string().min(1).max(64),
  couponCode: z.string().max(32).optional(),
});

checkoutRouter.post('/', validate(checkoutSchema), async (req: JWTRequest, res) => {
  const { shippingAddressId, paymentMethodId, couponCode } = req.body;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(
      `INSERT INTO orders (user_id, shipping_address_id, payment_method_id, coupon_code, total_cents)
       SELECT $1, $2, $3, $4, COALESCE(SUM(p.price_cents * ci.quantity), 0)
       FROM cart_items ci JOIN products p ON p.id = ci.product_id WHERE ci.user_id = $1
       RETURNING id, total_cents`,
      [req.auth!.sub, shippingAddressId, paymentMethodId, couponCode ?? null],
    );
    await client.query('DELETE FROM cart_items WHERE user_id = $1', [req.auth!.sub]);
    await client.query('COMMIT');
    res.status(201).json(rows[0]);
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
});
