import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { validateXML } from 'xmllint-wasm';

/** A copy of ../shared/standards/cap/cap-v1.2.xsd (OASIS), so CI's clone has it. */
export const CAP_SCHEMA = path.resolve('test/fixtures/cap-v1.2.xsd');

let capSchema: Promise<string> | undefined;

/**
 * Checks XML with libxml2's xmllint, compiled to WebAssembly (`xmllint-wasm`
 * from npm, so `npm test` needs nothing but Node): a validator that is not
 * Faro's code. Well-formed, and valid against a schema when one is given.
 */
export async function xmllint(xml: string, schema?: string): Promise<{ valid: boolean; output: string }> {
  const document = { fileName: 'document.xml', contents: xml };
  const result = schema
    ? await validateXML({
        xml: document,
        schema: { fileName: path.basename(schema), contents: await readFile(schema, 'utf8') },
      })
    : // Without a schema, a formatting pass is a parse: it fails on anything not well-formed.
      await validateXML({ xml: document, normalization: 'format' });
  return { valid: result.valid, output: result.rawOutput };
}

/** Validates a CAP 1.2 document against the official schema. */
export async function validateCap(xml: string): Promise<{ valid: boolean; output: string }> {
  capSchema ??= readFile(CAP_SCHEMA, 'utf8');
  const result = await validateXML({
    xml: { fileName: 'alert.xml', contents: xml },
    schema: { fileName: 'cap-v1.2.xsd', contents: await capSchema },
  });
  return { valid: result.valid, output: result.rawOutput };
}

/** The CAP `<alert>` elements carried in an Atom feed's entries, each as a standalone document. */
export function capAlertsInFeed(atom: string): string[] {
  return [...atom.matchAll(/<alert xmlns="urn:oasis:names:tc:emergency:cap:1\.2">[\s\S]*?<\/alert>/g)].map(
    (match) => `<?xml version="1.0" encoding="UTF-8"?>\n${match[0]}\n`,
  );
}
