import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiBrowser } from './support/browser.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { staffSession } from './support/sessions.js';
import { startSmtpServer } from './support/smtp.js';
import { jobsOf } from './support/state.js';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let t: TestFaro;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestFaro({
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Faro <faro@network.example>',
      PUBLIC_URL: 'https://faro.network.example',
    },
  });
});
afterAll(async () => {
  await t?.stop();
  await smtp?.close();
});

describe('an invitation by e-mail', () => {
  it('arrives through SMTP in English and Spanish with a link that works once', async () => {
    const admin = await staffSession(t.faro.database, 'admin');
    const organizations = (
      await t.faro.app.inject({ url: '/api/admin/organizations', headers: admin.headers })
    ).json();
    const response = await t.faro.app.inject({
      method: 'POST',
      url: '/api/admin/invitations',
      headers: admin.headers,
      payload: {
        organizationId: organizations.organizations.find(
          (o: { name: string }) => o.name === 'Eastside Rapid Response Network',
        ).id,
        role: 'responder',
        email: 'Luz@Example.org',
      },
    });
    expect(response.statusCode).toBe(201);
    const { code, link, emailed } = response.json();
    expect(emailed).toBe(true);
    expect(link).toBe(`https://faro.network.example/invite?code=${code}`);

    const job = t.faro.jobDefinitions.invitationMail;
    if (!job) throw new Error('the invitation mail job is not configured');
    await t.faro.jobs.drain(job);
    const mail = smtp.received.find((m) => m.to.includes('luz@example.org'));
    expect(mail?.from).toBe('faro@network.example');
    const { subject, text } = smtp.text(mail as NonNullable<typeof mail>);
    expect(subject).toContain('You are invited to join Eastside Rapid Response Network on Faro');
    expect(subject).toContain('Le invitan a unirse a Eastside Rapid Response Network en Faro');
    expect(text).toContain(link);
    expect(text).toContain('as a responder');
    expect(text).toContain('como respondedor/a');

    // The code never sits in the clear in the job queue.
    for (const queued of await jobsOf(t.faro.database, job.name))
      expect(JSON.stringify(queued.data)).not.toContain(code);

    const accept = () =>
      new ApiBrowser(t.faro.app).post('/api/invitations/accept', {
        code,
        email: 'luz@example.org',
        displayName: 'Luz',
        password: 'a long enough passphrase',
      });
    expect((await accept()).statusCode).toBe(200);
    expect((await accept()).statusCode).toBe(409);
  });

  it('can only be accepted with the address it was sent to', async () => {
    const admin = await staffSession(t.faro.database, 'admin');
    const organizations = (
      await t.faro.app.inject({ url: '/api/admin/organizations', headers: admin.headers })
    ).json();
    const { code } = (
      await t.faro.app.inject({
        method: 'POST',
        url: '/api/admin/invitations',
        headers: admin.headers,
        payload: {
          organizationId: organizations.organizations[0].id,
          role: 'responder',
          email: 'sol@example.org',
        },
      })
    ).json();
    const wrong = await new ApiBrowser(t.faro.app).post('/api/invitations/accept', {
      code,
      email: 'someone.else@example.org',
      displayName: 'Eve',
      password: 'a long enough passphrase',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details.fields[0].field).toBe('email');
  });
});
