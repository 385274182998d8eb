import express from 'express';
import helmet from 'helmet';
import cors from 'cors';
import { requireJwt } from './middleware/auth';
import { productsRouter } from './routes/products';
import { accountsRouter } from './routes/accounts';
import { adminRouter } from './routes/admin';
import { cartRouter } from './routes/cart';
import { checkoutRouter } from './routes/checkout';

export const app = express();

app.use(helmet());
app.use(cors({ origin: process.env.SHOP_ORIGIN ?? 'http://localhost:5173' }));
app.use(express.json({ limit: '50kb' }));

app.get('/health', (_req, res) => {
  res.json({ ok: true });
});

// Public: catalogue and account entry points.
app.use('/api/products', productsRouter);
app.use('/api/accounts', accountsRouter);
app.use('/api/admin', adminRouter);

// Everything below requires a valid JWT.
app.use('/api', requireJwt);

app.use('/api/cart', cartRouter);
app.use('/api/checkout', checkoutRouter);

app.use((err: Error & { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
  if (err.name === 'UnauthorizedError') {
    return res.status(401).json({ error: 'invalid or missing token' });
  }
  console.error(err);
  res.status(err.status ?? 500).json({ error: 'internal error' });
});

if (process.env.NODE_ENV !== 'test') {
  const port = Number(process.env.PORT ?? 3000);
  app.listen(port, () => console.log(`shop-api listening on http://localhost:${port}`));
}
