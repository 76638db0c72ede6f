import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** A copy of ../shared/standards/cap/cap-v1.2.xsd (OASIS), so CI's clone has it. */
export const CAP_SCHEMA = path.resolve('test/fixtures/cap-v1.2.xsd');

/**
 * Checks XML with xmllint (Debian's libxml2-utils), a validator that is not
 * Faro's code: well-formed, and valid against a schema when one is given.
 */
export async function xmllint(xml: string, schema?: string): Promise<{ valid: boolean; output: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'faro-xml-'));
  const file = path.join(dir, 'document.xml');
  await writeFile(file, xml);
  try {
    const { stderr } = await run('xmllint', ['--noout', ...(schema ? ['--schema', schema] : []), file]);
    return { valid: true, output: stderr };
  } catch (error) {
    return { valid: false, output: String((error as { stderr?: string }).stderr ?? error) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Validates a CAP 1.2 document against the official schema. */
export const validateCap = (xml: string) => xmllint(xml, CAP_SCHEMA);

/** The CAP `<alert>` elements carried in an Atom feed's entries, each as a standalone document. */
export function capAlertsInFeed(atom: string): string[] {
  return [...atom.matchAll(/<alert xmlns="urn:oasis:names:tc:emergency:cap:1\.2">[\s\S]*?<\/alert>/g)].map(
    (match) => `<?xml version="1.0" encoding="UTF-8"?>\n${match[0]}\n`,
  );
}
