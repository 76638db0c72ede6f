import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { capSender, publicHost } from './publishing.js';
import { issueTime, toSecond } from './workflow.js';

describe('issue 12 item 17: who sent a CAP message, and when', () => {
  it('names the sender after the configured public host, never faro@ a host nobody configured', () => {
    expect(capSender('https://alerts.network.example/')).toBe('faro@alerts.network.example');
    expect(publicHost('https://alerts.network.example:8443/faro')).toBe('alerts.network.example');
    // Outside the demo there is no public host but the configured one: start-up needs PUBLIC_URL.
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db/faro' })).toThrow(
      /PUBLIC_URL/,
    );
    const configured = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u@db/faro',
      PUBLIC_URL: 'https://alertas.red.example',
    });
    expect(capSender(configured.publicUrl)).toBe('faro@alertas.red.example');
    // CAP: a sender has no spaces, commas or reserved characters.
    expect(capSender(configured.publicUrl)).toMatch(/^[a-z0-9@.-]+$/);
  });

  it('issues to the second, always after the message it follows', () => {
    const now = new Date('2026-11-29T18:32:10.750Z');
    expect(toSecond(now).toISOString()).toBe('2026-11-29T18:32:10.000Z');
    expect(issueTime(now).toISOString()).toBe('2026-11-29T18:32:10.000Z');
    expect(issueTime(now, new Date('2026-11-29T18:32:10.000Z')).toISOString()).toBe(
      '2026-11-29T18:32:11.000Z',
    );
    expect(issueTime(now, new Date('2026-11-29T18:40:00.000Z')).toISOString()).toBe(
      '2026-11-29T18:40:01.000Z',
    );
    expect(issueTime(now, new Date('2026-11-29T18:30:00.000Z')).toISOString()).toBe(
      '2026-11-29T18:32:10.000Z',
    );
  });
});
