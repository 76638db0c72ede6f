// Module hook (registered by record-imports.mjs): appends each package Faro's own code imports
// by name (not a relative path, not node:; not what packages import themselves) to the file in
// FARO_IMPORTS_LOG, one line each.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const fromFaro = !context.parentURL?.includes('/node_modules/');
  if (fromFaro && !/^(\.|\/|node:|file:|data:)/.test(specifier) && process.env.FARO_IMPORTS_LOG)
    appendFileSync(process.env.FARO_IMPORTS_LOG, `${specifier}\n`);
  return resolved;
}
