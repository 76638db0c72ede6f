import { describe, expect, it } from 'vitest';
import { capSender, DEMO_PUBLIC_HOST, publicHost } from './publishing.js';
import { issueTime } from './workflow.js';

describe('issue 12 item 17: who sent a CAP message, and when', () => {
  it('names the sender after the configured public host, and a demo without one after a host that is no one’s', () => {
    expect(capSender('https://alerts.network.example/')).toBe('faro@alerts.network.example');
    expect(publicHost('https://alerts.network.example:8443/faro')).toBe('alerts.network.example');
    expect(capSender(undefined)).toBe(`faro@${DEMO_PUBLIC_HOST}`);
    expect(capSender(undefined)).not.toBe('faro@localhost');
    // CAP: a sender has no spaces, commas or reserved characters.
    expect(capSender(undefined)).toMatch(/^[a-z0-9@.-]+$/);
  });

  it('issues to the second, always after the message it follows', () => {
    const now = new Date('2026-11-29T18:32:10.750Z');
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
