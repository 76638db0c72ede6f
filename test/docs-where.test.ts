import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * docs/WHERE.md says where each step of the product happens: tables whose
 * header has a "File" and a "Function" column. This test keeps it true, with
 * no database and no server:
 *
 * - every File cell holds one path in backticks, relative to the repository,
 *   and that file exists;
 * - every Function cell holds one or more names in backticks, each either
 *   - `name`: something the file exports by that name (`export function`,
 *     `export async function`, `export const`, `export class`, or
 *     `export { name }`), or
 *   - `factory.member`: `factory` is exported as above, and `member` is a
 *     method or property written inside it — a member of the object a
 *     factory returns (`createReportService` → `create`), or of a class.
 *
 * Exports are read with the TypeScript parser, not searched as text: a name
 * in a comment, in a string, or only in an interface does not count, so
 * renaming or moving the implementation fails this test until WHERE.md
 * follows.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const WHERE = path.join(ROOT, 'docs', 'WHERE.md');

interface Row {
  line: number;
  file: string;
  functions: string[];
}

/** The cells of a Markdown table row (a `\|` inside a cell is not a separator). */
const cellsOf = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());

const inBackticks = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '');

/** Every row of every table with a File and a Function column. */
function rowsOf(markdown: string): Row[] {
  const rows: Row[] = [];
  let columns: { file: number; functions: number } | null = null;
  markdown.split('\n').forEach((text, index) => {
    if (!text.trim().startsWith('|')) {
      columns = null;
      return;
    }
    const cells = cellsOf(text);
    if (cells.every((cell) => /^:?-+:?$/.test(cell))) return;
    if (!columns) {
      const file = cells.findIndex((cell) => /^file$/i.test(cell));
      const functions = cells.findIndex((cell) => /^functions?$/i.test(cell));
      if (file >= 0 && functions >= 0) columns = { file, functions };
      return;
    }
    const paths = inBackticks(cells[columns.file] ?? '');
    if (paths.length !== 1) throw new Error(`docs/WHERE.md:${index + 1}: one file in backticks per row`);
    rows.push({
      line: index + 1,
      file: paths[0] ?? '',
      functions: inBackticks(cells[columns.functions] ?? ''),
    });
  });
  return rows;
}

const isExported = (node: ts.Node) =>
  ts.canHaveModifiers(node) &&
  (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);

/** The file's exported names, each with the declaration it names. */
function exportsOf(file: string): Map<string, ts.Node> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const local = new Map<string, ts.Node>();
  const exported = new Map<string, ts.Node>();
  for (const statement of source.statements) {
    const named: [string, ts.Node][] = [];
    if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name)
      named.push([statement.name.text, statement]);
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations)
        if (ts.isIdentifier(declaration.name)) named.push([declaration.name.text, declaration]);
    }
    for (const [name, node] of named) {
      local.set(name, node);
      if (isExported(statement)) exported.set(name, node);
    }
  }
  // `export { a, b as c }` of this file's own declarations.
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement) || statement.moduleSpecifier || !statement.exportClause) continue;
    if (!ts.isNamedExports(statement.exportClause)) continue;
    for (const element of statement.exportClause.elements) {
      const node = local.get((element.propertyName ?? element.name).text);
      if (node) exported.set(element.name.text, node);
    }
  }
  return exported;
}

/** Whether a method or property of that name is written inside the declaration (an object or class member). */
function hasMember(declaration: ts.Node, member: string): boolean {
  let found = false;
  const visit = (node: ts.Node) => {
    if (found) return;
    const memberLike =
      ts.isMethodDeclaration(node) ||
      ts.isPropertyAssignment(node) ||
      ts.isShorthandPropertyAssignment(node) ||
      ts.isPropertyDeclaration(node) ||
      ts.isGetAccessorDeclaration(node);
    if (memberLike && node.name && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name))) {
      if (node.name.text === member) found = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(declaration);
  return found;
}

describe('docs/WHERE.md', () => {
  const rows = rowsOf(readFileSync(WHERE, 'utf8'));

  it('has a table row for each step, each naming a file and what does the step', () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
    expect(rows.filter((row) => row.functions.length === 0).map((row) => `line ${row.line}`)).toEqual([]);
  });

  it('names only files that exist and functions they export', () => {
    const wrong: string[] = [];
    for (const { line, file, functions } of rows) {
      const full = path.resolve(ROOT, file);
      if (!full.startsWith(`${ROOT}${path.sep}`) || !existsSync(full)) {
        wrong.push(`line ${line}: no file ${file}`);
        continue;
      }
      const exported = exportsOf(full);
      for (const name of functions) {
        const [outer = '', member, ...rest] = name.split('.');
        const declaration = exported.get(outer);
        if (rest.length > 0) wrong.push(`line ${line}: ${name} is neither \`name\` nor \`factory.member\``);
        else if (!declaration) wrong.push(`line ${line}: ${file} exports no ${outer}`);
        else if (member && !hasMember(declaration, member))
          wrong.push(`line ${line}: ${file}: ${outer} has no member ${member}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
