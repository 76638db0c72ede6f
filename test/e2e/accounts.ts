import { generate } from 'otplib';
import type { Page } from 'playwright-core';

export interface DemoAccount {
  role: string;
  email: string;
  password: string;
  totpSecret: string;
}

/** The demo accounts `faro start` printed on its first start (the test reads them as a person would). */
export function demoAccounts(output: string): Map<string, DemoAccount> {
  const accounts = new Map<string, DemoAccount>();
  for (const match of output.matchAll(
    /^\s+(\w+)\s+(\S+@demo\.faro\.invalid)\s+password: (\S+)\s+TOTP secret: (\S+)$/gm,
  )) {
    const [, role, email, password, totpSecret] = match;
    if (role && email && password && totpSecret) accounts.set(role, { role, email, password, totpSecret });
  }
  return accounts;
}

const used = new Map<string, string>();

/** The current code of an authenticator, waiting for the next one if this one was already used (codes work once). */
export async function freshCode(secret: string): Promise<string> {
  for (;;) {
    const code = await generate({ secret });
    if (used.get(secret) !== code) {
      used.set(secret, code);
      return code;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** Signs in on the sign-in page with password and authenticator code. */
export async function signIn(
  page: Page,
  account: { email: string; password: string; totpSecret: string },
  english = true,
) {
  await page.getByLabel(english ? 'E-mail' : 'Correo electrónico').fill(account.email);
  await page.getByLabel(english ? 'Password' : 'Contraseña').fill(account.password);
  await page.getByRole('button', { name: english ? 'Sign in' : 'Iniciar sesión' }).click();
  await page
    .getByLabel(english ? '6-digit code' : 'Código de 6 dígitos')
    .fill(await freshCode(account.totpSecret));
  await page.getByRole('button', { name: english ? 'Continue' : 'Continuar' }).click();
}
