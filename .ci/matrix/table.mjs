#!/usr/bin/env node
/**
 * Prints the matrix's cells (recorded by library-suites.mjs, consumers.mjs and runtimes.mjs) as one
 * table.
 */
import { readCells } from './lib.mjs';

const cells = readCells();
const header = ['suite', 'runtime', 'framework', 'TypeScript', 'module', 'tests', ''];
const rows = cells.map((c) => [
  c.kind,
  // A version alone is Node's; other runtimes (Bun, Deno, workerd) and `tsc` are named.
  /^\d/.test(c.node) ? `Node ${c.node}` : c.node,
  c.frameworks,
  c.typescript,
  c.module,
  c.tests,
  c.ok ? 'ok' : 'FAILED',
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cols) =>
  cols
    .map((c, i) => String(c).padEnd(widths[i]))
    .join('  ')
    .trimEnd();
console.log(`\n${line(header)}\n${line(widths.map((w) => '─'.repeat(w)))}`);
for (const row of rows) console.log(line(row));
const failed = cells.filter((c) => !c.ok).length;
console.log(`\n${cells.length} cells, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
