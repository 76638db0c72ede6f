import { z } from 'zod';
import { PUBLIC_LANGUAGES } from './languages.js';

/**
 * The languages a subscriber may choose (issue 17): every public language. An alert that does not
 * carry the subscriber's language (its translation not yet reviewed) reaches them in English.
 * The one definition: the API, the forms, the pending request and the table's column use it.
 */
export const SUBSCRIPTION_LANGUAGES = PUBLIC_LANGUAGES;
export const subscriptionLanguageSchema = z.enum(SUBSCRIPTION_LANGUAGES);
export type SubscriptionLanguage = (typeof SUBSCRIPTION_LANGUAGES)[number];

/** Channels a subscriber can be alerted on. */
export const SUBSCRIPTION_CHANNELS = ['email', 'sms', 'push'] as const;
export type SubscriptionChannel = (typeof SUBSCRIPTION_CHANNELS)[number];
/**
 * Pending until its confirmation link is followed; expired when its push service said the
 * endpoint is gone (its contact is then erased, and the hourly purge deletes it).
 */
export const SUBSCRIPTION_STATUSES = ['pending', 'active', 'expired'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
/** Who it is for: the public, or a staff member's test subscription (the only kind exercises and tests reach). */
export const SUBSCRIPTION_AUDIENCES = ['public', 'staff'] as const;
export type SubscriptionAudience = (typeof SUBSCRIPTION_AUDIENCES)[number];

/** What the browser's PushManager gives (PushSubscription.toJSON()). */
export const pushSubscriptionSchema = z.object({
  endpoint: z.url('must be the push service address the browser gave').max(2000),
  keys: z.object({
    p256dh: z.string().min(40).max(200),
    auth: z.string().min(10).max(100),
  }),
});
export type PushSubscriptionJson = z.infer<typeof pushSubscriptionSchema>;

const common = {
  zoneIds: z.array(z.uuid()).min(1, 'choose at least one zone').max(50),
  language: subscriptionLanguageSchema,
};

export const subscribeInputSchema = z.discriminatedUnion('channel', [
  z.object({
    channel: z.literal('email'),
    address: z.email('must be an e-mail address').max(320),
    ...common,
  }),
  z.object({
    channel: z.literal('sms'),
    phone: z
      .string()
      .trim()
      .min(7, 'must be a mobile number')
      .max(30)
      .regex(/^\+?[\d\s().-]+$/, 'must be a mobile number'),
    ...common,
  }),
  z.object({ channel: z.literal('push'), subscription: pushSubscriptionSchema, ...common }),
]);
export type SubscribeInput = z.input<typeof subscribeInputSchema>;

export const tokenInputSchema = z.object({ token: z.string().min(20).max(100) });

/** The link in every alert: stop alerts in one step, no sign-in. */
export const unsubscribeInputSchema = z.object({ id: z.uuid(), token: z.string().min(20).max(100) });

/** What a subscriber sees of their own subscription: the contact masked. */
export const subscriptionViewSchema = z.object({
  channel: z.enum(SUBSCRIPTION_CHANNELS),
  contact: z.string(),
  language: subscriptionLanguageSchema,
  status: z.enum(['pending', 'active']),
  zones: z.array(z.object({ id: z.uuid(), name: z.string() })),
});
export type SubscriptionView = z.infer<typeof subscriptionViewSchema>;
