import { describe, expect, it } from 'vitest';
import { formatTime } from './time.js';

// 23:05 UTC on 4 December 2026 is 3:05 PM in Los Angeles.
const AT = '2026-12-04T23:05:00Z';

describe('formatTime: one way to show a time', () => {
  it('shows the coalition zone, not the machine zone', () => {
    expect(formatTime(AT, 'en', 'America/Los_Angeles')).toBe('3:05 PM');
    expect(formatTime(AT, 'en', 'America/New_York')).toBe('6:05 PM');
  });

  it('uses a 24-hour clock in Spanish and a 12-hour one in English', () => {
    expect(formatTime(AT, 'es', 'America/Los_Angeles')).toBe('15:05');
    expect(formatTime(new Date(AT), 'en', 'America/Los_Angeles')).toBe('3:05 PM');
  });

  it('gives the second where it counts (an observer’s note)', () => {
    expect(formatTime('2026-12-04T23:05:07Z', 'en', 'America/Los_Angeles', 'seconds')).toBe('3:05:07 PM');
    expect(formatTime('2026-12-04T23:05:07Z', 'es', 'America/Los_Angeles', 'seconds')).toBe('15:05:07');
  });

  it('names the day where a clock alone would be ambiguous', () => {
    expect(formatTime(AT, 'en', 'America/Los_Angeles', 'dateTime')).toBe('Dec 4, 3:05 PM');
    expect(formatTime(AT, 'es', 'America/Los_Angeles', 'dateTime')).toMatch(/^4 dic\.?,? 15:05$/);
  });

  it('names the zone in mail, read anywhere', () => {
    expect(formatTime(AT, 'en', 'America/Los_Angeles', 'long')).toMatch(/December 4, 2026.*3:05 PM PST/);
  });

  it('writes the date and clock as each public language does, in the coalition’s zone', () => {
    const dateTime = (language: Parameters<typeof formatTime>[1]) =>
      formatTime(AT, language, 'America/Los_Angeles', 'dateTime');
    expect(dateTime('zh')).toMatch(/12月4日.*15:05/);
    expect(dateTime('ko')).toMatch(/12월 4일.*3:05/);
    expect(dateTime('ar')).toMatch(/ديسمبر/);
    expect(dateTime('fr')).toMatch(/^4 déc\.?,? 15:05$/);
    expect(dateTime('pt')).toMatch(/^4 de dez\.?,? 15:05$/);
    expect(formatTime(AT, 'vi', 'America/New_York')).toBe('18:05');
  });
});
