import type { FormInstance } from 'antd';
import type { Rule } from 'antd/es/form';
import type { z } from 'zod';
import type { ValidationResult } from '../../contracts/validators';
import { ApiError, fieldErrors } from '../api/client';
import { localize } from '../i18n';

/** An antd rule backed by a shared validator (normalizeMobile, validateVin, …); empty values are left to `required`. */
export function validatorRule(validate: (input: string) => ValidationResult<unknown>): Rule {
  return {
    validator: (_rule, value: unknown) => {
      if (value === undefined || value === null || value === '') return Promise.resolve();
      const r = validate(String(value));
      return r.ok ? Promise.resolve() : Promise.reject(new Error(localize(r.reason)));
    },
  };
}

/** An antd rule backed by a zod schema from src/contracts; shows the schema's own (bilingual → localised) message. */
export function zodRule(schema: z.ZodType, fallback?: string): Rule {
  return {
    validator: (_rule, value: unknown) => {
      if (value === undefined || value === null || value === '') return Promise.resolve();
      const r = schema.safeParse(value);
      if (r.success) return Promise.resolve();
      const msg = r.error.issues[0]?.message;
      return Promise.reject(new Error(fallback ?? localize(msg ?? '')));
    },
  };
}

/**
 * Puts the server's field errors (`errors[].path`) on the matching form fields. Returns the message to show for
 * whatever could not be attached to a field (the problem's title).
 */
export function applyApiError(form: FormInstance | undefined, err: unknown): string {
  if (!(err instanceof ApiError)) return localize(err instanceof Error ? err.message : String(err));
  if (form) {
    const known = new Set(Object.keys(form.getFieldsValue(true) as Record<string, unknown>));
    const fields = fieldErrors(err)
      .map((e) => ({ name: e.path.split('.'), errors: [localize(e.message)] }))
      .filter((f) => known.has(String(f.name[0])));
    if (fields.length) form.setFields(fields);
  }
  return localize(err.title);
}

/** Converts '' to null (clearing an optional field) and trims strings; leaves other values alone. */
export function blankToNull<T extends Record<string, unknown>>(values: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'string') {
      const s = v.trim();
      out[k] = s === '' ? null : s;
    } else out[k] = v === undefined ? null : v;
  }
  return out as T;
}

/** Drops keys whose value is undefined, null or '' (for create bodies where absent means default). */
export function compact<T extends Record<string, unknown>>(values: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'string' && v.trim() === '') continue;
    out[k] = typeof v === 'string' ? v.trim() : v;
  }
  return out as Partial<T>;
}
