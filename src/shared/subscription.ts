import { z } from 'zod';
import { languageSchema } from './report.js';

/** Channels a subscriber can be alerted on (e-mail first; SMS and Web Push follow). */
export const SUBSCRIPTION_CHANNELS = ['email'] as const;

export const subscribeInputSchema = z.object({
  channel: z.enum(SUBSCRIPTION_CHANNELS),
  address: z.email('must be an e-mail address').max(320),
  zoneIds: z.array(z.uuid()).min(1, 'choose at least one zone').max(50),
  language: languageSchema,
});
export type SubscribeInput = z.input<typeof subscribeInputSchema>;

export const tokenInputSchema = z.object({ token: z.string().min(20).max(100) });

/** What a subscriber sees of their own subscription: the contact masked. */
export const subscriptionViewSchema = z.object({
  channel: z.enum(SUBSCRIPTION_CHANNELS),
  contact: z.string(),
  language: languageSchema,
  status: z.enum(['pending', 'active']),
  zones: z.array(z.object({ id: z.uuid(), name: z.string() })),
});
export type SubscriptionView = z.infer<typeof subscriptionViewSchema>;
