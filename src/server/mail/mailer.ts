import type { Transporter } from 'nodemailer';

/** nodemailer loads with the first message sent, not when the server starts. */
const loadNodemailer = async () => (await import('nodemailer')).default;

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** A stable id (`<…@host>`): a repeat of the same message can be recognised. */
  messageId?: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** SMTP through nodemailer; null when no SMTP server is configured (invitations are then handed over by code). */
export function createMailer(config: { smtpUrl: string | undefined; from: string }): Mailer | null {
  const { smtpUrl } = config;
  if (!smtpUrl) return null;
  let transport: Promise<Transporter> | undefined;
  return {
    async send(message) {
      transport ??= loadNodemailer().then((nodemailer) => nodemailer.createTransport(smtpUrl));
      await (await transport).sendMail({ from: config.from, ...message });
    },
    close: () => {
      // Nothing to close before the first message; after it, the pooled connections.
      void transport?.then(
        (opened) => opened.close(),
        () => undefined,
      );
    },
  };
}
