import type { NextFunction, Request, Response } from 'express';
import type { ZodTypeAny } from 'zod';

type Part = 'body' | 'query' | 'params';

/** Parses `req[part]` with a zod schema; replies 400 with the issues when it does not match. */
export const validate =
  (schema: ZodTypeAny, part: Part = 'body') =>
  (req: Request, res: Response, next: NextFunction) => {
    const result = schema.safeParse(req[part]);
    if (!result.success) {
      return res.status(400).json({ error: 'invalid request', issues: result.error.issues });
    }
    req[part] = result.data;
    next();
  };
