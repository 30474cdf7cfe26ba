/**
 * The closed set of errors a service may throw. Each has a stable `code` (the problem type) and a message written
 * for a dealership employee; `app.ts` maps them to RFC 9457 problem+json in one place.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: { path: string; message: string }[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export class ValidationError extends AppError {
  constructor(message: string, errors?: { path: string; message: string }[]) {
    super(400, 'validation', message, errors);
  }
}
export class UnauthorizedError extends AppError {
  constructor(message = '请先登录 / Please sign in') {
    super(401, 'unauthorized', message);
  }
}
export class ForbiddenError extends AppError {
  constructor(message = '您的角色无权执行此操作 / Your role may not do this') {
    super(403, 'forbidden', message);
  }
}
export class NotFoundError extends AppError {
  constructor(what: string) {
    super(404, 'not-found', `${what}不存在或无权查看 / ${what} not found`);
  }
}
/** A duplicate or stale write; `existing` names the record that already holds the key. */
export class ConflictError extends AppError {
  constructor(message: string, existing?: { type: string; id: string; label?: string }) {
    super(409, 'conflict', message, undefined, existing ? { existing } : undefined);
  }
}
export class BusinessRuleError extends AppError {
  constructor(code: string, message: string) {
    super(422, code, message);
  }
}
/** Too many attempts (sign-in codes): `retryAfterSeconds` tells the client when to try again (also sent as Retry-After). */
export class RateLimitedError extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, 'rate-limited', message, undefined, { retryAfterSeconds });
  }
}
