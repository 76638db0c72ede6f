/**
 * How often one number is answered what the line offers (RIGHTS, HELP, ZONES, how to subscribe):
 * the same answer again is worth nothing to the person, and answering every text lets anyone
 * with a phone (or a forged sender) run up the coalition's bill, or get its number flagged as
 * spam by texting a stranger's number into replies. Reports and answers about a person's own
 * subscription or report are never held back by it. Counted per hour in the database
 * (`sms_info_quota`), so every Faro process shares one count.
 */
export const INFO_REPLIES_PER_HOUR = 5;

/**
 * How much of the number's keyed digest names its count: 24 bits, so each row stands for
 * hundreds of possible numbers and names none, while two people texting in the same hour share a
 * count only rarely (and then only this allowance).
 */
export const INFO_QUOTA_KEY_HEX_DIGITS = 6;
