// Adds up the JSON reports of the CI's test runs into one closing line.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? '.ci-results';
const runs = ['pglite', 'postgres', 'browser'];
let passed = 0;
let failed = 0;
let skipped = 0;
let missing = 0;
for (const run of runs) {
  const file = path.join(dir, `${run}.json`);
  if (!existsSync(file)) {
    console.log(`${run}: no results (the run did not finish)`);
    missing += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  // A file that fails outside any test (a beforeAll, an import) fails no test: count it as one failure.
  const brokenFiles = report.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
  ).length;
  const runFailed = report.numFailedTests + brokenFiles;
  console.log(
    `${run}: ${report.numPassedTests} passed, ${runFailed} failed, ${report.numPendingTests + report.numTodoTests} skipped`,
  );
  passed += report.numPassedTests;
  failed += runFailed;
  skipped += report.numPendingTests + report.numTodoTests;
}
console.log(`${passed} passed, ${failed + missing} failed, ${skipped} skipped`);
process.exit(failed + missing > 0 || passed === 0 ? 1 : 0);
