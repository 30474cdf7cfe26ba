import { describe, expect, it } from 'vitest';
import { ApiError, apiUrl, fieldErrors } from './client';

describe('apiUrl', () => {
  it('prefixes the API base and drops empty filters', () => {
    expect(apiUrl('/customers', { q: '京A·12345', storeId: undefined, tagId: '', limit: 50, cursor: null })).toBe(
      `/api/v1/customers?q=${encodeURIComponent('京A·12345')}&limit=50`,
    );
    expect(apiUrl('/auth/me')).toBe('/api/v1/auth/me');
  });
});

describe('fieldErrors', () => {
  it('maps validation paths onto form field names', () => {
    const err = new ApiError({
      status: 400,
      title: '输入有误 / Some fields are invalid',
      errors: [
        { path: 'body.mobile', message: '手机号格式不正确 / Invalid mobile number' },
        { path: 'querystring.limit', message: 'too big' },
        { path: 'name', message: 'required' },
      ],
    });
    expect(fieldErrors(err).map((e) => e.path)).toEqual(['mobile', 'limit', 'name']);
  });

  it('has nothing to map for other errors', () => {
    expect(fieldErrors(new Error('boom'))).toEqual([]);
  });
});
