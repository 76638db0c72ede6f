import { describe, expect, it } from 'vitest';
import { AppError, STATUS_BY_CODE, toAppError } from './errors.js';

describe('toAppError', () => {
  it('keeps AppErrors as they are', () => {
    const error = new AppError('NOT_FOUND', 'gone');
    expect(toAppError(error)).toBe(error);
  });

  it('turns validation entries into named fields', () => {
    const error = Object.assign(new Error('bad'), {
      validation: [{ instancePath: '/location/zoneId', message: 'Invalid UUID' }],
      validationContext: 'body',
    });
    const mapped = toAppError(error);
    expect(mapped.code).toBe('VALIDATION');
    expect(mapped.details?.fields).toEqual([{ field: 'location.zoneId', message: 'Invalid UUID' }]);
  });

  it('never passes an unexpected error message through', () => {
    const mapped = toAppError(new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'));
    expect(mapped.code).toBe('INTERNAL');
    expect(mapped.message).not.toMatch(/ECONNREFUSED|hunter2/);
    expect(STATUS_BY_CODE[mapped.code]).toBe(500);
  });
});
